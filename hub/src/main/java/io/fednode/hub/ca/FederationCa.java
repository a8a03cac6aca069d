package io.fednode.hub.ca;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The federation's certificate authority: signs the nodes' client certificates and the hub's own
 * server certificate, so one CA bundle is all a node needs to trust the hub and be trusted by it.
 */
public final class FederationCa {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Certificates are back-dated a little so a node whose clock is slightly behind accepts them:
     * five minutes, or a tenth of a (test-short) lifetime, so that a node renewing at two thirds of
     * notBefore..notAfter still renews well before expiry.
     */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private static Duration backdating(Duration lifetime) {
        Duration tenth = lifetime.dividedBy(10);
        return tenth.compareTo(CLOCK_SKEW) < 0 ? tenth : CLOCK_SKEW;
    }

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    public FederationCa(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /** A new self-signed CA with an EC P-256 key, valid for ten years. */
    public static FederationCa generate(String commonName) {
        try {
            KeyPair pair = newKeyPair();
            X500Name subject = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder =
                    new JcaX509v3CertificateBuilder(
                            subject,
                            serial(),
                            Date.from(now.minus(CLOCK_SKEW)),
                            Date.from(now.plus(Duration.ofDays(3650))),
                            subject,
                            pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert =
                    new JcaX509CertificateConverter()
                            .getCertificate(builder.build(signer(pair.getPrivate())));
            return new FederationCa(cert, pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate the federation CA", e);
        }
    }

    public static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** Signs a client certificate for a node: subject CN=nodeId, clientAuth only. */
    public X509Certificate signClient(String nodeId, PublicKey key, Duration lifetime) {
        return sign(
                new X500Name("CN=" + nodeId), key, lifetime, KeyPurposeId.id_kp_clientAuth, null);
    }

    /** Signs the hub's server certificate for the given DNS names and IP addresses. */
    public X509Certificate signServer(List<String> names, PublicKey key, Duration lifetime) {
        GeneralName[] sans =
                names.stream()
                        .map(
                                n ->
                                        new GeneralName(
                                                n.matches("^[0-9.]+$") || n.contains(":")
                                                        ? GeneralName.iPAddress
                                                        : GeneralName.dNSName,
                                                n))
                        .toArray(GeneralName[]::new);
        return sign(
                new X500Name("CN=" + names.get(0)),
                key,
                lifetime,
                KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(sans));
    }

    private X509Certificate sign(
            X500Name subject,
            PublicKey key,
            Duration lifetime,
            KeyPurposeId purpose,
            GeneralNames sans) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder =
                    new JcaX509v3CertificateBuilder(
                            certificate,
                            serial(),
                            Date.from(now.minus(backdating(lifetime))),
                            Date.from(now.plus(lifetime)),
                            subject,
                            key);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            builder.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    ext.createAuthorityKeyIdentifier(certificate));
            if (sans != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(signer(privateKey)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a certificate", e);
        }
    }

    /** A trust store holding only this CA. */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("federation-ca", certificate);
            return store;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ContentSigner signer(PrivateKey key) throws Exception {
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaContentSignerBuilder(algorithm).build(key);
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
