package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeSpec;
import io.fednode.api.v1alpha1.HubSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The hub-link scheduler grows with the nodes one operator drives and shrinks when they go. The
 * links point at a closed port on 127.0.0.1 (their steps fail and retry; only the pool is looked at
 * here: what a link does is HubLinkIT's and HubHeartbeatIT's subject).
 */
class HubLinksPoolTest {
    @Test
    void oneMoreThreadPerEightNodesUpToTheCeiling() {
        try (KubernetesClient nowhere =
                        new KubernetesClientBuilder()
                                .withConfig(
                                        new ConfigBuilder()
                                                .withMasterUrl("https://127.0.0.1:9")
                                                .withRequestTimeout(500)
                                                .withConnectionTimeout(500)
                                                .build())
                                .build();
                HubLinks links = new HubLinks(nowhere, "test", Clock.systemUTC(), 2)) {
            assertThat(links.threads()).isEqualTo(2);
            List<FederationNode> nodes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                FederationNode node = node("n" + i);
                nodes.add(node);
                links.ensure(node);
                int running = i + 1;
                // ceil(running / 8), at least the 2 asked for, at most 16
                int expected = Math.min(16, Math.max(2, (running + 7) / 8));
                assertThat(links.threads()).as("%d nodes", running).isEqualTo(expected);
            }
            assertThat(links.threads()).isEqualTo(HubLinks.MAX_THREADS);
            // The same node again (a reconcile) starts nothing new.
            links.ensure(nodes.get(0));
            assertThat(links.threads()).isEqualTo(16);
            for (int i = 0; i < 180; i++) {
                links.forget(nodes.get(i));
            }
            assertThat(links.threads()).as("20 nodes left").isEqualTo(3);
            for (int i = 180; i < 200; i++) {
                links.forget(
                        "ns-" + nodes.get(i).getMetadata().getName(),
                        nodes.get(i).getMetadata().getName());
            }
            assertThat(links.threads()).as("none left").isEqualTo(2);
        }
    }

    private static FederationNode node(String name) {
        FederationNode node = new FederationNode();
        node.getMetadata().setName(name);
        node.getMetadata().setNamespace("ns-" + name);
        node.getMetadata().setUid(UUID.randomUUID().toString());
        node.setSpec(new FederationNodeSpec());
        node.getSpec().setNodeId(name);
        node.getSpec().setHub(new HubSpec());
        node.getSpec().getHub().setEndpoint("https://127.0.0.1:9");
        return node;
    }
}
