package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class HubLinkTest {
    @Test
    void renewalIsDueAtTwoThirdsOfTheLifetime() throws Exception {
        // A certificate valid for exactly 30 days from a fixed instant: two thirds is day 20.
        var key = NodeIdentity.newKey();
        Instant notBefore = Instant.parse("2030-01-01T00:00:00Z");
        Instant notAfter = Instant.parse("2030-01-31T00:00:00Z");
        var cert =
                new JcaX509CertificateConverter()
                        .getCertificate(
                                new JcaX509v3CertificateBuilder(
                                                new X500Name("CN=n"),
                                                BigInteger.ONE,
                                                Date.from(notBefore),
                                                Date.from(notAfter),
                                                new X500Name("CN=n"),
                                                key.getPublic())
                                        .build(
                                                new JcaContentSignerBuilder("SHA256withECDSA")
                                                        .build(key.getPrivate())));
        NodeIdentity identity = new NodeIdentity("n", key.getPrivate(), List.of(cert));
        assertThat(identity.renewalDue()).isEqualTo(Instant.parse("2030-01-21T00:00:00Z"));
        assertThat(identity.expired(notAfter)).isTrue();
        assertThat(identity.expired(notAfter.minusSeconds(1))).isFalse();
    }

    @Test
    void conditionMessagesAreBoundedAndPrintable() {
        LinkCondition c = LinkCondition.isFalse("X", "a\nb\u0000" + "x".repeat(5000));
        assertThat(c.message()).hasSize(LinkCondition.MAX_MESSAGE).startsWith("a b ");
    }

    @Test
    void identitySecretRoundTripsTheKey() {
        var key = NodeIdentity.newKey();
        var node = new io.fednode.api.v1alpha1.FederationNode();
        node.getMetadata().setName("n");
        node.getMetadata().setNamespace("ns");
        node.setSpec(new io.fednode.api.v1alpha1.FederationNodeSpec());
        node.getSpec().setNodeId("n");
        var secret = NodeIdentitySecret.secret(node, key.getPrivate(), null, null);
        NodeIdentity identity = NodeIdentitySecret.fromSecret("n", secret);
        assertThat(identity.key().getEncoded()).isEqualTo(key.getPrivate().getEncoded());
        assertThat(identity.enrolled()).isFalse();
        // The stored PKCS#8 key holds no public point: it is derived, and must be the key's own.
        assertThat(NodeIdentity.keyPair(identity.key()).getPublic().getEncoded())
                .isEqualTo(key.getPublic().getEncoded());
    }
}
