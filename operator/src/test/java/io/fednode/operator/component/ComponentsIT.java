package io.fednode.operator.component;

import static io.fednode.api.common.ConditionTypes.FALSE;
import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.fixtures.ConditionAssert.assertThat;
import static io.fednode.fixtures.ConditionAssert.assertThatConditions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.common.SecretKeyRef;
import io.fednode.api.v1alpha1.ComponentConditions;
import io.fednode.api.v1alpha1.ComponentConditions.Operations;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentStatus;
import io.fednode.api.v1alpha1.ComponentValuesSource;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.fixtures.FederationNodes;
import io.fednode.operator.component.HelmReleases.ReleaseState;
import io.fednode.operator.node.ApiServerWrites;
import io.fednode.operator.node.InstalledOperator;
import io.fednode.testing.ChartRepositoryServer;
import io.fednode.testing.RealApiServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * spec.components against a real kube-apiserver, with the operator running as its own
 * ServiceAccount under the chart's RBAC, real Helm (helm-java) and a chart repository served on
 * 127.0.0.1 by the test. No controllers run here: a Deployment never becomes ready, which is how
 * the failed upgrade is made; the charts' other objects are ConfigMaps, ready when created.
 */
class ComponentsIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final Path CHARTS = ComponentTestBed.CHARTS;
    static final ComponentTestBed BED = new ComponentTestBed(API);
    static final String NS = "comp";
    static final String BAD = "comp-bad";
    static final String SECRET_TOKEN = "s3cr3t-t0ken-never-shown";

    private static InstalledOperator operator;
    private static ChartRepositoryServer repo;
    private static HelmReleases adminHelm;

    @BeforeAll
    static void install() {
        Awaitility.ignoreExceptionsByDefault();
        repo = new ChartRepositoryServer();
        for (String v : List.of("1.0.0", "1.1.0", "1.2.0")) {
            repo.publish(CHARTS.resolve("probe-config"), v);
        }
        repo.publish(CHARTS.resolve("privileged-pod"), "1.0.0");
        operator = BED.operatorFor(NS, BAD);
        adminHelm = BED.adminHelm();
    }

    @AfterAll
    static void stop() {
        ComponentTestBed.stop(operator, repo);
    }

    @Test
    void componentLifecycle() {
        KubernetesClient admin = API.client();
        admin.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("web-values")
                                .withNamespace(NS)
                                .endMetadata()
                                .addToStringData("values.yaml", "token: " + SECRET_TOKEN + "\n")
                                .build())
                .create();
        FederationNode node = FederationNodes.node(NS, "site").role(NodeRole.COMPUTE).build();
        ComponentSpec web = component("web", "probe-config", "1.0.0");
        web.setValues(new ObjectMapper().valueToTree(Map.of("greeting", "hi")));
        web.setValuesFrom(
                new ArrayList<>(
                        List.of(
                                new ComponentValuesSource(
                                        new SecretKeyRef("web-values", "values.yaml")))));
        node.getSpec().setComponents(new ArrayList<>(List.of(web)));
        admin.resource(node).create();

        // install → Ready, revision 1, values and secret values reached the chart
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            ComponentStatus s = status("web").orElseThrow();
                            assertThatConditions("web", s.getConditions())
                                    .hasCondition(
                                            ComponentConditions.READY, TRUE, Reasons.INSTALLED);
                            assertThat(s.getRevision()).isEqualTo(1);
                            assertThat(s.getChartVersion()).isEqualTo("1.0.0");
                            assertThat(s.getLastOperation()).isEqualTo(Operations.INSTALL);
                            assertThat(nodeNow())
                                    .hasCondition(
                                            ComponentConditions.COMPONENTS_READY,
                                            TRUE,
                                            Reasons.ALL_COMPONENTS_READY);
                        });
        assertThat(configMap("web-config").getData())
                .containsEntry("chartVersion", "1.0.0")
                .containsEntry("greeting", "hi")
                .containsEntry("tokenLength", String.valueOf(SECRET_TOKEN.length()));
        assertSecretNowhere();

        // a reconcile that finds everything as declared makes no Helm write and no API write
        // (after the reconciles already queued behind the install, which may read the node from
        // before its status patch reached the cache: those write the status once more)
        double queued = operator.reconciliationsStarted();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> operator.reconciliationsStarted() >= queued + 2);
        Map<String, Long> writesBefore = ApiServerWrites.byVerbAndResource(admin);
        String resourceVersion = nodeNow().getMetadata().getResourceVersion();
        double reconciles = operator.reconciliationsStarted();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> operator.reconciliationsStarted() >= reconciles + 3);
        assertThat(ApiServerWrites.byVerbAndResource(admin)).isEqualTo(writesBefore);
        assertThat(nodeNow().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
        assertThat(release("web").orElseThrow().revision()).isEqualTo(1);

        // version bump → upgraded, revision 2
        edit(n -> n.getSpec().getComponents().get(0).setVersion("1.1.0"));
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            ComponentStatus s = status("web").orElseThrow();
                            assertThatConditions("web", s.getConditions())
                                    .hasCondition(
                                            ComponentConditions.READY, TRUE, Reasons.UPGRADED);
                            assertThat(s.getRevision()).isEqualTo(2);
                            assertThat(s.getChartVersion()).isEqualTo("1.1.0");
                        });
        assertThat(configMap("web-config").getData()).containsEntry("chartVersion", "1.1.0");

        // an upgrade whose Deployment never becomes ready → rolled back, 1.1.0 still serving
        edit(
                n -> {
                    ComponentSpec c = n.getSpec().getComponents().get(0);
                    c.setVersion("1.2.0");
                    c.setValues(
                            new ObjectMapper()
                                    .valueToTree(Map.of("greeting", "hi", "stuck", true)));
                });
        await().atMost(Duration.ofSeconds(120))
                .untilAsserted(
                        () -> {
                            ComponentStatus s = status("web").orElseThrow();
                            assertThatConditions("web", s.getConditions())
                                    .hasCondition(
                                            ComponentConditions.FAILED,
                                            TRUE,
                                            Reasons.UPGRADE_FAILED)
                                    .hasCondition(
                                            ComponentConditions.READY,
                                            FALSE,
                                            Reasons.UPGRADE_FAILED)
                                    .hasMessageContaining(ComponentConditions.FAILED, "rolled back")
                                    .hasMessageContaining(
                                            ComponentConditions.FAILED,
                                            "(chart 1.1.0) keeps serving");
                            assertThat(s.getChartVersion()).isEqualTo("1.1.0");
                            assertThat(s.getRevision())
                                    .isEqualTo(release("web").orElseThrow().revision());
                            assertThat(nodeNow())
                                    .hasCondition(
                                            ComponentConditions.COMPONENTS_READY,
                                            FALSE,
                                            Reasons.COMPONENT_NOT_READY);
                        });
        ReleaseState rolledBack = release("web").orElseThrow();
        assertThat(rolledBack.deployed()).isTrue();
        assertThat(rolledBack.chartVersion()).isEqualTo("1.1.0");
        assertThat(configMap("web-config").getData()).containsEntry("chartVersion", "1.1.0");
        assertThat(admin.apps().deployments().inNamespace(NS).withName("web-stuck").get()).isNull();
        assertSecretNowhere();

        // the failed declaration is not retried by itself: no new revision while it stands
        double afterFailure = operator.reconciliationsStarted();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> operator.reconciliationsStarted() >= afterFailure + 2);
        assertThat(release("web").orElseThrow().revision()).isEqualTo(rolledBack.revision());

        // fixed declaration → upgraded again
        edit(
                n -> {
                    ComponentSpec c = n.getSpec().getComponents().get(0);
                    c.setValues(new ObjectMapper().valueToTree(Map.of("greeting", "hello again")));
                });
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () ->
                                assertThat(configMap("web-config").getData())
                                        .containsEntry("chartVersion", "1.2.0")
                                        .containsEntry("greeting", "hello again"));

        // release deleted by hand → reinstalled
        adminHelm.uninstall(NS, "web");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            ComponentStatus s = status("web").orElseThrow();
                            assertThat(s.getLastOperation()).isEqualTo(Operations.REINSTALL);
                            assertThatConditions("web", s.getConditions())
                                    .hasCondition(
                                            ComponentConditions.READY, TRUE, Reasons.REINSTALLED);
                            assertThat(s.getRevision()).isEqualTo(1);
                            assertThat(configMap("web-config")).isNotNull();
                        });

        // disabled → uninstalled, declaration kept
        edit(n -> n.getSpec().getComponents().get(0).setEnabled(false));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            assertThat(release("web")).isEmpty();
                            assertThat(configMap("web-config")).isNull();
                            assertThatConditions("web", status("web").orElseThrow().getConditions())
                                    .hasCondition(
                                            ComponentConditions.READY, FALSE, Reasons.DISABLED);
                        });

        // enabled again, then removed → uninstalled and gone from the status
        edit(n -> n.getSpec().getComponents().get(0).setEnabled(true));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(release("web")).isPresent());
        edit(n -> n.getSpec().setComponents(new ArrayList<>()));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            assertThat(release("web")).isEmpty();
                            assertThat(configMap("web-config")).isNull();
                            assertThat(status("web")).isEmpty();
                            assertThat(nodeNow())
                                    .hasCondition(
                                            ComponentConditions.COMPONENTS_READY,
                                            TRUE,
                                            Reasons.NO_COMPONENTS);
                        });
    }

    @Test
    void badInputGivesAClearConditionAndLeavesNothingInstalled() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ComponentSpec unreachable = component("unreachable", "probe-config", "1.0.0");
        unreachable.setRepository("http://127.0.0.1:" + closedPort);
        ComponentSpec noChart = component("no-chart", "no-such-chart", "1.0.0");
        ComponentSpec noVersion = component("no-version", "probe-config", "9.9.9");
        ComponentSpec outside = component("outside", "probe-config", "1.0.0");
        outside.setRepository("https://192.0.2.1/charts");
        ComponentSpec privileged = component("privileged", "privileged-pod", "1.0.0");
        FederationNode node =
                FederationNodes.node(BAD, "bad")
                        .role(NodeRole.COMPUTE)
                        .egress("203.0.113.10/32")
                        .build();
        node.getSpec()
                .setComponents(
                        new ArrayList<>(
                                List.of(unreachable, noChart, noVersion, outside, privileged)));
        API.client().resource(node).create();

        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            assertFailed(
                                    BAD,
                                    "bad",
                                    "unreachable",
                                    Reasons.REPOSITORY_UNREACHABLE,
                                    "cannot fetch index.yaml");
                            assertFailed(
                                    BAD,
                                    "bad",
                                    "no-chart",
                                    Reasons.CHART_NOT_FOUND,
                                    "chart no-such-chart does not exist");
                            assertFailed(
                                    BAD,
                                    "bad",
                                    "no-version",
                                    Reasons.CHART_NOT_FOUND,
                                    "has no version 9.9.9");
                            assertFailed(
                                    BAD,
                                    "bad",
                                    "outside",
                                    Reasons.REPOSITORY_NOT_ALLOWED,
                                    "not inside spec.connectivity.egressCIDRs");
                            assertFailed(
                                    BAD,
                                    "bad",
                                    "privileged",
                                    Reasons.POD_SECURITY_VIOLATION,
                                    "PodSecurity");
                        });
        for (String name :
                List.of("unreachable", "no-chart", "no-version", "outside", "privileged")) {
            assertThat(adminHelm.find(BAD, name)).as("release " + name).isEmpty();
        }
        assertThat(API.client().configMaps().inNamespace(BAD).withName("privileged-config").get())
                .isNull();
        assertThat(API.client().pods().inNamespace(BAD).list().getItems()).isEmpty();
    }

    private static void assertFailed(
            String ns, String node, String name, String reason, String fragment) {
        FederationNode n =
                API.client().resources(FederationNode.class).inNamespace(ns).withName(node).get();
        ComponentStatus s =
                n.getStatus().getComponents().stream()
                        .filter(c -> c.getName().equals(name))
                        .findFirst()
                        .orElseThrow();
        assertThatConditions(name, s.getConditions())
                .hasCondition(ComponentConditions.FAILED, TRUE, reason)
                .hasMessageContaining(ComponentConditions.FAILED, fragment);
        assertThat(s.getRevision()).isZero();
    }

    /**
     * The Secret's value is not in the node (spec or status), nor in any Event of the namespace.
     */
    private static void assertSecretNowhere() {
        assertThat(Serialization.asYaml(nodeNow())).doesNotContain(SECRET_TOKEN);
        assertThat(Serialization.asYaml(API.client().v1().events().inNamespace(NS).list()))
                .doesNotContain(SECRET_TOKEN);
    }

    static ComponentSpec component(String name, String chart, String version) {
        return ComponentTestBed.component(repo.url(), name, chart, version);
    }

    private static FederationNode nodeNow() {
        return BED.node(NS, "site");
    }

    private static Optional<ComponentStatus> status(String name) {
        return BED.status(NS, "site", name);
    }

    private static Optional<ReleaseState> release(String name) {
        return adminHelm.find(NS, name);
    }

    private static ConfigMap configMap(String name) {
        return BED.configMap(NS, name);
    }

    /** A user's edit of the node. */
    private static void edit(Consumer<FederationNode> change) {
        BED.edit(NS, "site", change);
    }
}
