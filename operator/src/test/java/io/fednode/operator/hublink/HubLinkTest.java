package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HubLinkTest {
    @Test
    void heartbeatIntervalsAreReadLikeTheCrdWritesThem() {
        assertThat(HubLink.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(HubLink.parseDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(HubLink.parseDuration("0.5m")).isEqualTo(Duration.ofSeconds(30));
        assertThat(HubLink.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void renewalIsDueAtTwoThirdsOfTheLifetime() throws Exception {
        var key = NodeIdentity.newKey();
        var ca = io.fednode.hub.ca.FederationCa.generate("test");
        var cert = ca.signClient("n", key.getPublic(), Duration.ofDays(30));
        NodeIdentity identity = new NodeIdentity("n", key.getPrivate(), java.util.List.of(cert));
        var from = cert.getNotBefore().toInstant();
        var to = cert.getNotAfter().toInstant();
        assertThat(Duration.between(from, identity.renewalDue()))
                .isEqualTo(Duration.between(from, to).multipliedBy(2).dividedBy(3));
        assertThat(identity.expired(to)).isTrue();
        assertThat(identity.expired(to.minusSeconds(1))).isFalse();
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
    }
}
