package io.fednode.operator.hublink;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * What the hub answers to an enrolment or renewal, checked before anything is stored: the leaf is
 * for the node's own key and names its nodeId (subject exactly {@code CN=<nodeId>}), is valid now
 * and meant for client authentication, and the chain verifies (PKIX) to the CA bundle the node was
 * configured with; the CA the hub sends back must be one of that bundle.
 */
record IssuedChain(String chainPem, String caPem, X509Certificate leaf) {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    /** The hub's answer was not acceptable; the message says what was wrong. */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    static IssuedChain verify(
            JsonNode reply, KeyPair key, String nodeId, List<X509Certificate> caBundle, Instant now)
            throws Rejected {
        String chainPem = reply.path("certificateChain").asText("");
        String caPem = reply.path("caCertificate").asText("");
        List<X509Certificate> chain;
        List<X509Certificate> ca;
        try {
            chain = NodeIdentity.certificates(chainPem);
            ca = caPem.isBlank() ? List.of() : NodeIdentity.certificates(caPem);
        } catch (IllegalArgumentException e) {
            throw new Rejected("the certificates are not PEM");
        }
        if (chain.isEmpty()) {
            throw new Rejected("certificateChain holds no certificate");
        }
        X509Certificate leaf = chain.get(0);
        if (!MessageDigest.isEqual(
                leaf.getPublicKey().getEncoded(), key.getPublic().getEncoded())) {
            throw new Rejected("the certificate is not for this node's key");
        }
        String cn = commonName(leaf);
        if (!nodeId.equals(cn)) {
            throw new Rejected("the certificate does not name nodeId " + nodeId);
        }
        try {
            leaf.checkValidity(Date.from(now));
        } catch (GeneralSecurityException e) {
            throw new Rejected(
                    "the certificate is not valid now (valid "
                            + leaf.getNotBefore().toInstant()
                            + " to "
                            + leaf.getNotAfter().toInstant()
                            + ")");
        }
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH)) {
                throw new Rejected("the certificate is not for client authentication");
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw new Rejected("the certificate's extended key usage cannot be read");
        }
        if (!chainsTo(chain, caBundle, now)) {
            throw new Rejected("the certificate does not chain to the configured CA bundle");
        }
        Set<X509Certificate> bundle = new HashSet<>(caBundle);
        for (X509Certificate c : ca) {
            if (!bundle.contains(c)) {
                throw new Rejected("caCertificate is not in the configured CA bundle");
            }
        }
        return new IssuedChain(chainPem, caPem.isBlank() ? null : caPem, leaf);
    }

    private static boolean chainsTo(
            List<X509Certificate> chain, List<X509Certificate> caBundle, Instant now) {
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate c : caBundle) {
                anchors.add(new TrustAnchor(c, null));
            }
            List<X509Certificate> path = new ArrayList<>();
            for (X509Certificate c : chain) {
                if (!caBundle.contains(c)) { // the anchor itself is not part of the path
                    path.add(c);
                }
            }
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX")
                    .validate(
                            CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String commonName(X509Certificate cert) {
        X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        RDN[] rdns = subject.getRDNs();
        if (rdns.length != 1
                || rdns[0].isMultiValued()
                || !BCStyle.CN.equals(rdns[0].getFirst().getType())) {
            return null;
        }
        return IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    static JsonNode parse(String body) throws Rejected {
        try {
            return HubClient.JSON.readTree(body);
        } catch (IOException e) {
            throw new Rejected("the answer is not JSON");
        }
    }
}
