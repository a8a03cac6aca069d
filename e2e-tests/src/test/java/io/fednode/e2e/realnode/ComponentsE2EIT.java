package io.fednode.e2e.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.ComponentConditions;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.OperatorMain;
import io.fednode.operator.OperatorSettings;
import io.fednode.operator.component.ComponentSettings;
import io.fednode.operator.component.HelmReleases;
import io.fednode.testing.ChartRepositoryServer;
import io.fednode.testing.Conflicts;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Namespaces;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.ServiceAccountClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node component on the real node: the chart's Deployment runs a real Pod (the toolbox image's
 * busybox httpd) whose readiness probe the kubelet runs; the chart repository is served on
 * 127.0.0.1 by the test and the operator runs in-process as its ServiceAccount.
 */
class ComponentsE2EIT {
    static final String NS = "components-e2e";
    static final String NODE = "site-c";
    static final Path CHARTS = Path.of("../fixtures/src/main/resources/charts");

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.sharedWithRealNode();

    private static ChartRepositoryServer repo;
    private static OperatorMain.RunningOperator operator;
    private static KubernetesClient operatorClient;
    private static HelmReleases adminHelm;

    @BeforeAll
    static void setUp() {
        KubernetesClient k = CLUSTER.client();
        OperatorManifests.applyAllButDeployment(k, List.of(NS));
        Namespaces.restricted(k, NS);
        repo = new ChartRepositoryServer();
        for (String v : List.of("1.0.0", "1.1.0", "1.2.0")) {
            repo.publish(CHARTS.resolve("probe-web"), v);
        }
        FederationNode node =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: FederationNode
                        metadata: {name: %s, namespace: %s}
                        spec:
                          nodeId: %s
                          role: compute
                          hub: {endpoint: "https://127.0.0.1:9"}
                        """
                                .formatted(NODE, NS, NODE),
                        FederationNode.class);
        node.getSpec().setComponents(new ArrayList<>(List.of(web("1.0.0", true))));
        k.resource(node).create();
        operatorClient =
                ServiceAccountClients.clientAs(
                        k, CLUSTER.kubeConfigYaml(), "fednode-system", "fednode-operator");
        operator =
                OperatorMain.run(
                        operatorClient,
                        OperatorSettings.defaults()
                                .withResyncPeriod(Duration.ofSeconds(10))
                                .withNamespaces(Set.of(NS))
                                .withComponents(
                                        new ComponentSettings(Duration.ofSeconds(60), true)));
        adminHelm = new HelmReleases(k.getConfiguration());
    }

    @AfterAll
    static void tearDown() {
        if (operator != null) {
            operator.close();
        }
        if (operatorClient != null) {
            operatorClient.close();
        }
        if (repo != null) {
            repo.close();
        }
    }

    static ComponentSpec web(String version, boolean ready) {
        ComponentSpec c = new ComponentSpec();
        c.setName("web");
        c.setChart("probe-web");
        c.setRepository(repo.url());
        c.setVersion(version);
        c.setValues(
                new ObjectMapper()
                        .valueToTree(
                                Map.of(
                                        "ready",
                                        ready,
                                        "nodeSelector",
                                        Map.of(KwokCluster.REAL_NODE_LABEL, "true"))));
        return c;
    }

    @Test
    void installUpgradeRollBackReinstallRemove() {
        // install → Ready: the kubelet found the Pod ready
        awaitComponent(Reasons.INSTALLED, 1, "1.0.0");
        assertServing("1.0.0");
        assertThat(nodeReady()).isEqualTo("True");

        // version bump → revision 2
        edit(n -> n.getSpec().getComponents().set(0, web("1.1.0", true)));
        awaitComponent(Reasons.UPGRADED, 2, "1.1.0");
        assertServing("1.1.0");

        // an upgrade whose Pod never becomes ready → rolled back, 1.1.0 still serving
        edit(n -> n.getSpec().getComponents().set(0, web("1.2.0", false)));
        await().atMost(Duration.ofMinutes(3))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            ComponentStatus s = status();
                            Conditions.find(s.getConditions(), ComponentConditions.FAILED)
                                    .filter(c -> "True".equals(c.getStatus()))
                                    .filter(c -> Reasons.UPGRADE_FAILED.equals(c.getReason()))
                                    .orElseThrow();
                            assertThat(s.getChartVersion()).isEqualTo("1.1.0");
                        });
        assertServing("1.1.0");
        assertThat(adminHelm.find(NS, "web").orElseThrow().chartVersion()).isEqualTo("1.1.0");

        // fixed → upgraded; release deleted by hand → reinstalled
        edit(n -> n.getSpec().getComponents().set(0, web("1.2.0", true)));
        await().atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(status().getChartVersion()).isEqualTo("1.2.0"));
        assertServing("1.2.0");
        adminHelm.uninstall(NS, "web");
        awaitComponent(Reasons.REINSTALLED, 1, "1.2.0");
        assertServing("1.2.0");

        // removed → uninstalled
        edit(n -> n.getSpec().setComponents(new ArrayList<>()));
        await().atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertThat(adminHelm.find(NS, "web")).isEmpty();
                            assertThat(
                                            CLUSTER.client()
                                                    .apps()
                                                    .deployments()
                                                    .inNamespace(NS)
                                                    .withName("web")
                                                    .get())
                                    .isNull();
                            assertThat(node().getStatus().getComponents()).isEmpty();
                        });
    }

    private static void awaitComponent(String reason, int revision, String version) {
        await().atMost(Duration.ofMinutes(3))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            ComponentStatus s = status();
                            Conditions.find(s.getConditions(), ComponentConditions.READY)
                                    .filter(c -> "True".equals(c.getStatus()))
                                    .filter(c -> reason.equals(c.getReason()))
                                    .orElseThrow();
                            assertThat(s.getRevision()).isEqualTo(revision);
                            assertThat(s.getChartVersion()).isEqualTo(version);
                        });
    }

    /** The Deployment's ready Pod runs {@code version} (the kubelet's readiness probe passed). */
    private static void assertServing(String version) {
        Deployment d = CLUSTER.client().apps().deployments().inNamespace(NS).withName("web").get();
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("chart-version", version);
        assertThat(d.getStatus().getReadyReplicas()).isEqualTo(1);
        assertThat(
                        CLUSTER.client()
                                .pods()
                                .inNamespace(NS)
                                .withLabel("app", "web")
                                .withLabel("chart-version", version)
                                .list()
                                .getItems())
                .anySatisfy(
                        p ->
                                assertThat(p.getStatus().getConditions())
                                        .anyMatch(
                                                c ->
                                                        "Ready".equals(c.getType())
                                                                && "True".equals(c.getStatus())));
    }

    private static FederationNode node() {
        return CLUSTER.client()
                .resources(FederationNode.class)
                .inNamespace(NS)
                .withName(NODE)
                .get();
    }

    private static ComponentStatus status() {
        return node().getStatus().getComponents().stream()
                .filter(c -> c.getName().equals("web"))
                .findFirst()
                .orElseThrow();
    }

    private static String nodeReady() {
        return Conditions.find(node().getStatus().getConditions(), "Ready")
                .map(c -> c.getStatus())
                .orElse("");
    }

    /** A user's edit of the node (retried on a 409 from racing the operator's status patch). */
    private static void edit(Consumer<FederationNode> change) {
        Conflicts.edit(
                CLUSTER.client().resources(FederationNode.class).inNamespace(NS).withName(NODE),
                n -> {
                    change.accept(n);
                    return n;
                });
    }
}
