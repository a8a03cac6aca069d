package io.fednode.hub.enrolment;

import io.fednode.hub.ca.Pem;
import io.fednode.hub.http.ApiException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * What the hub accepts in a certificate request: a valid self-signature (the node holds the key), a
 * subject that is exactly {@code CN=<nodeId>}, and an EC P-256/P-384 or RSA ≥ 3072-bit key.
 */
public final class CsrPolicy {
    private static final Pattern DNS_LABEL =
            Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

    /** A checked request: the node it names and its public key. */
    public record CheckedCsr(String nodeId, PublicKey publicKey) {}

    private CsrPolicy() {}

    public static CheckedCsr check(String pem) {
        if (pem == null || pem.isBlank()) {
            throw ApiException.badRequest("csr is required (PEM PKCS#10)");
        }
        PKCS10CertificationRequest csr = Pem.certificationRequest(pem);
        if (csr == null) {
            throw ApiException.badRequest("csr is not a PEM PKCS#10 certificate request");
        }
        PublicKey key;
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr);
            key = jca.getPublicKey();
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
                throw ApiException.badRequest("csr signature does not verify");
            }
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            throw ApiException.badRequest("csr cannot be verified");
        }
        checkKey(key);
        return new CheckedCsr(commonName(csr.getSubject()), key);
    }

    private static String commonName(X500Name subject) {
        RDN[] rdns = subject.getRDNs();
        if (rdns.length != 1
                || rdns[0].isMultiValued()
                || !BCStyle.CN.equals(rdns[0].getFirst().getType())) {
            throw ApiException.badRequest("csr subject must be exactly CN=<nodeId>");
        }
        String cn = IETFUtils.valueToString(rdns[0].getFirst().getValue());
        if (!DNS_LABEL.matcher(cn).matches()) {
            throw ApiException.badRequest("csr CN must be the nodeId (a DNS label)");
        }
        return cn;
    }

    private static void checkKey(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits != 256 && bits != 384) {
                throw ApiException.badRequest("EC keys must be P-256 or P-384");
            }
            return;
        }
        if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < 3072) {
                throw ApiException.badRequest("RSA keys must have at least 3072 bits");
            }
            return;
        }
        throw ApiException.badRequest("key type must be EC (P-256, P-384) or RSA (>= 3072 bits)");
    }
}
