package io.fednode.operator.component;

import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.fixtures.ConditionAssert.assertThat;
import static io.fednode.fixtures.ConditionAssert.assertThatConditions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fednode.api.v1alpha1.ComponentConditions;
import io.fednode.api.v1alpha1.ComponentConditions.Operations;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.fixtures.FederationNodes;
import io.fednode.operator.component.HelmReleases.ReleaseState;
import io.fednode.operator.node.InstalledOperator;
import io.fednode.testing.OciRegistryServer;
import io.fednode.testing.RealApiServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Components whose chart is an {@code oci://} reference, against a real kube-apiserver with the
 * operator as its own ServiceAccount, real Helm, and a real OCI registry on 127.0.0.1 (Debian's
 * docker-registry, asking for a bearer token) to which the test pushed the charts with helm-java.
 */
class ComponentsOciIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final Path CHARTS = ComponentTestBed.CHARTS;
    static final ComponentTestBed BED = new ComponentTestBed(API);
    static final String NS = "oci";
    static final String BAD = "oci-bad";

    private static InstalledOperator operator;
    private static OciRegistryServer registry;
    private static HelmReleases adminHelm;

    @BeforeAll
    static void install() {
        Awaitility.ignoreExceptionsByDefault();
        registry = new OciRegistryServer();
        for (String v : List.of("1.0.0", "1.1.0")) {
            registry.push(CHARTS.resolve("probe-config"), v, "charts");
        }
        registry.push(CHARTS.resolve("probe-config"), "1.3.0", "corrupt");
        registry.corruptChartLayer("corrupt/probe-config", "1.3.0");
        registry.pushNonChart("charts/not-a-chart", "1.0.0");
        operator = BED.operatorFor(NS, BAD);
        adminHelm = BED.adminHelm();
    }

    @AfterAll
    static void stop() {
        ComponentTestBed.stop(operator, registry);
    }

    @Test
    void installUpgradeAndAVersionTheRegistryDoesNotHave() {
        FederationNode node = FederationNodes.node(NS, "site").role(NodeRole.COMPUTE).build();
        node.getSpec()
                .setComponents(
                        new ArrayList<>(
                                List.of(
                                        oci(
                                                "web",
                                                registry.reference("charts/probe-config"),
                                                "1.0.0"))));
        int tokensBefore = registry.tokenRequests().size();
        API.client().resource(node).create();

        // install → Ready, revision 1, the chart version recorded
        awaitDeployed(Reasons.INSTALLED, 1, "1.0.0");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(BED.node(NS, "site"))
                                        .hasCondition(
                                                ComponentConditions.COMPONENTS_READY,
                                                TRUE,
                                                Reasons.ALL_COMPONENTS_READY));
        assertThat(BED.status(NS, "site", "web").orElseThrow().getLastOperation())
                .isEqualTo(Operations.INSTALL);
        assertThat(configMap(NS, "web-config").getData()).containsEntry("chartVersion", "1.0.0");
        // the registry asked for a bearer token and the operator fetched one
        assertThat(registry.tokenRequests().subList(tokensBefore, registry.tokenRequests().size()))
                .contains(
                        "service=fednode-test-registry&scope=repository%3Acharts%2Fprobe-config%3Apull");

        // version bump → upgraded, revision 2
        edit(n -> n.getSpec().getComponents().get(0).setVersion("1.1.0"));
        awaitDeployed(Reasons.UPGRADED, 2, "1.1.0");
        assertThat(configMap(NS, "web-config").getData()).containsEntry("chartVersion", "1.1.0");

        // a version the registry does not have → Failed ChartNotFound, the release untouched
        edit(n -> n.getSpec().getComponents().get(0).setVersion("9.9.9"));
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            ComponentStatus s = status(NS, "site", "web").orElseThrow();
                            assertThatConditions("web", s.getConditions())
                                    .hasCondition(
                                            ComponentConditions.FAILED,
                                            TRUE,
                                            Reasons.CHART_NOT_FOUND)
                                    .hasMessageContaining(
                                            ComponentConditions.FAILED,
                                            "probe-config 9.9.9 does not exist")
                                    .hasMessageContaining(
                                            ComponentConditions.FAILED,
                                            "revision 2 (chart 1.1.0) keeps serving");
                            assertThat(s.getRevision()).isEqualTo(2);
                            assertThat(s.getChartVersion()).isEqualTo("1.1.0");
                        });
        ReleaseState release = adminHelm.find(NS, "web").orElseThrow();
        assertThat(release.deployed()).isTrue();
        assertThat(release.revision()).isEqualTo(2);
        assertThat(release.chartVersion()).isEqualTo("1.1.0");
        assertThat(configMap(NS, "web-config").getData()).containsEntry("chartVersion", "1.1.0");
    }

    @Test
    void badRegistryContentGivesAClearConditionAndLeavesNothingInstalled() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ComponentSpec notAChart =
                oci("not-a-chart", registry.reference("charts/not-a-chart"), "1.0.0");
        ComponentSpec corrupt = oci("corrupt", registry.reference("corrupt/probe-config"), "1.3.0");
        ComponentSpec unreachable =
                oci(
                        "unreachable",
                        "oci://127.0.0.1:" + closedPort + "/charts/probe-config",
                        "1.0.0");
        ComponentSpec outside = oci("outside", "oci://192.0.2.1/charts/probe-config", "1.0.0");
        outside.setPlainHttp(null);
        FederationNode node =
                FederationNodes.node(BAD, "bad")
                        .role(NodeRole.COMPUTE)
                        .egress("203.0.113.10/32")
                        .build();
        node.getSpec()
                .setComponents(new ArrayList<>(List.of(notAChart, corrupt, unreachable, outside)));
        API.client().resource(node).create();

        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            assertFailed(
                                    "not-a-chart", Reasons.CHART_INVALID, "is not a Helm chart");
                            assertFailed(
                                    "corrupt",
                                    Reasons.CHART_INVALID,
                                    "does not match the digest sha256:");
                            assertFailed(
                                    "unreachable",
                                    Reasons.REPOSITORY_UNREACHABLE,
                                    "cannot fetch the manifest of chart");
                            assertFailed(
                                    "outside",
                                    Reasons.REPOSITORY_NOT_ALLOWED,
                                    "registry host 192.0.2.1 (192.0.2.1) is not inside"
                                            + " spec.connectivity.egressCIDRs");
                        });
        for (String name : List.of("not-a-chart", "corrupt", "unreachable", "outside")) {
            assertThat(adminHelm.find(BAD, name)).as("release " + name).isEmpty();
            assertThat(configMap(BAD, name + "-config")).as("ConfigMap of " + name).isNull();
        }
    }

    /** Waits until component web is Ready for {@code reason} at the revision and chart version. */
    private static void awaitDeployed(String reason, int revision, String chartVersion) {
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            ComponentStatus s = BED.status(NS, "site", "web").orElseThrow();
                            assertThatConditions("web", s.getConditions())
                                    .hasCondition(ComponentConditions.READY, TRUE, reason);
                            assertThat(s.getRevision()).isEqualTo(revision);
                            assertThat(s.getChartVersion()).isEqualTo(chartVersion);
                        });
    }

    private static void assertFailed(String name, String reason, String fragment) {
        ComponentStatus s = status(BAD, "bad", name).orElseThrow();
        assertThatConditions(name, s.getConditions())
                .hasCondition(ComponentConditions.FAILED, TRUE, reason)
                .hasMessageContaining(ComponentConditions.FAILED, fragment)
                .hasMessageContaining(ComponentConditions.FAILED, "nothing installed");
        assertThat(s.getRevision()).isZero();
    }

    private static ComponentSpec oci(String name, String reference, String version) {
        ComponentSpec c = new ComponentSpec();
        c.setName(name);
        c.setChart(reference);
        c.setVersion(version);
        c.setPlainHttp(true);
        return c;
    }

    private static Optional<ComponentStatus> status(String ns, String node, String name) {
        return BED.status(ns, node, name);
    }

    private static ConfigMap configMap(String ns, String name) {
        return BED.configMap(ns, name);
    }

    private static void edit(Consumer<FederationNode> change) {
        BED.edit(NS, "site", change);
    }
}
