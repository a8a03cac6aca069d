package io.fednode.operator.hublink;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The node's identity towards the hub: an EC P-256 key generated in the operator (it never leaves
 * the cluster) and, once enrolled, the certificate chain the hub signed for it.
 */
public record NodeIdentity(
        String nodeId, PrivateKey key, List<X509Certificate> chain, PrivateKey pendingKey) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public NodeIdentity(String nodeId, PrivateKey key, List<X509Certificate> chain) {
        this(nodeId, key, chain, null);
    }

    public boolean enrolled() {
        return chain != null && !chain.isEmpty();
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Two thirds into the certificate's validity. */
    public Instant renewalDue() {
        Instant from = certificate().getNotBefore().toInstant();
        Instant to = certificate().getNotAfter().toInstant();
        return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
    }

    public boolean expired(Instant now) {
        return !now.isBefore(certificate().getNotAfter().toInstant());
    }

    /** The key pair of an EC private key (the PKCS#8 form stored holds no public point). */
    public static KeyPair keyPair(PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec)) {
            throw new IllegalArgumentException("the node key must be an EC key");
        }
        try {
            ECParameterSpec params = ec.getParams();
            org.bouncycastle.math.ec.ECPoint q =
                    EC5Util.convertSpec(params).getG().multiply(ec.getS()).normalize();
            PublicKey pub =
                    KeyFactory.getInstance("EC")
                            .generatePublic(
                                    new ECPublicKeySpec(
                                            new ECPoint(
                                                    q.getAffineXCoord().toBigInteger(),
                                                    q.getAffineYCoord().toBigInteger()),
                                            params));
            return new KeyPair(pub, key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the node's public key", e);
        }
    }

    /** A PKCS#10 request with subject CN=nodeId, signed by the key (proof of possession). */
    public static String csr(String nodeId, KeyPair key) {
        try {
            return pem(
                    new JcaPKCS10CertificationRequestBuilder(
                                    new X500Name("CN=" + nodeId), key.getPublic())
                            .build(
                                    new JcaContentSignerBuilder("SHA256withECDSA")
                                            .build(key.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a certificate request", e);
        }
    }

    static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                if (o instanceof PrivateKey key) {
                    // PKCS#8: SunEC keys carry no public point, which the traditional EC form needs
                    writer.writeObject(new JcaPKCS8Generator(key, null));
                } else {
                    writer.writeObject(o);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> result = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    result.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("not PEM certificates: " + e.getMessage(), e);
        }
        return result;
    }

    static PrivateKey privateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM private key", e);
        }
        throw new IllegalArgumentException("not a PEM private key");
    }
}
