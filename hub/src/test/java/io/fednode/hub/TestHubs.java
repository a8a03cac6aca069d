package io.fednode.hub;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.testing.RealApiServer;
import java.nio.file.Path;
import java.time.Duration;

/** What the hub's ITs share to run a hub in the test's JVM against a real API server. */
final class TestHubs {
    private TestHubs() {}

    /**
     * Installs the FederationMember and FederatedJob CRDs, creates {@code namespace} and the
     * chart's RBAC for the hub in it; returns a client acting as the hub's ServiceAccount.
     */
    static KubernetesClient prepare(RealApiServer api, String namespace) throws Exception {
        api.installCrd(Path.of("../crds/federationmembers.fednode.io-v1.yml"));
        api.installCrd(Path.of("../crds/federatedjobs.fednode.io-v1.yml"));
        api.client()
                .namespaces()
                .resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(namespace)
                                .endMetadata()
                                .build())
                .create();
        return HubChart.installRbacAndLogIn(api, namespace);
    }

    /**
     * The tests' hub: ephemeral ports, member status written every 200 ms (tests wait for it) and
     * no periodic full refresh during a test.
     */
    static HubConfig.Builder config(String namespace) {
        return HubConfig.builder()
                .namespace(namespace)
                .port(0)
                .adminPort(0)
                .statusRefresh(Duration.ofMinutes(10))
                .statusSyncPeriod(Duration.ofMillis(200));
    }
}
