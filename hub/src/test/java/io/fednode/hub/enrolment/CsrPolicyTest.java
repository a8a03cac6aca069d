package io.fednode.hub.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import io.fednode.hub.http.ApiException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CsrPolicyTest {
    @Test
    void acceptsAnEcRequestForOneNode() throws Exception {
        KeyPair key = FederationCa.newKeyPair();
        CsrPolicy.CheckedCsr csr = CsrPolicy.check(csr("CN=hospital-a", key, key));
        assertThat(csr.nodeId()).isEqualTo("hospital-a");
        assertThat(csr.publicKey()).isEqualTo(key.getPublic());
    }

    @Test
    void refusesOtherSubjectsWeakKeysAndForgedSignatures() throws Exception {
        KeyPair key = FederationCa.newKeyPair();
        assertRefused(csr("CN=hospital-a,O=x", key, key), "exactly CN");
        assertRefused(csr("O=hospital-a", key, key), "exactly CN");
        assertRefused(csr("CN=Hospital_A", key, key), "DNS label");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair weak = rsa.generateKeyPair();
        assertRefused(csr("CN=hospital-a", weak, weak), "3072");
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp521r1"));
        KeyPair p521 = ec.generateKeyPair();
        assertRefused(csr("CN=hospital-a", p521, p521), "P-256 or P-384");
        // public key of one pair, signed with another: the node does not hold the key
        assertRefused(csr("CN=hospital-a", key, FederationCa.newKeyPair()), "signature");
        assertRefused("garbage", "PKCS#10");
    }

    static void assertRefused(String csr, String message) {
        assertThatThrownBy(() -> CsrPolicy.check(csr))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
    }

    static String csr(String subject, KeyPair subjectKey, KeyPair signingKey) throws Exception {
        String alg =
                "EC".equals(signingKey.getPrivate().getAlgorithm())
                        ? "SHA256withECDSA"
                        : "SHA256withRSA";
        return Pem.encode(
                new JcaPKCS10CertificationRequestBuilder(
                                new X500Name(subject), subjectKey.getPublic())
                        .build(new JcaContentSignerBuilder(alg).build(signingKey.getPrivate())));
    }
}
