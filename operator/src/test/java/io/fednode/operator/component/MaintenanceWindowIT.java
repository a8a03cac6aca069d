package io.fednode.operator.component;

import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.fixtures.ConditionAssert.assertThat;
import static io.fednode.fixtures.ConditionAssert.assertThatConditions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.ComponentConditions;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.MaintenanceWindowSpec;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.WeekDay;
import io.fednode.fixtures.FederationNodes;
import io.fednode.operator.component.HelmReleases.ReleaseState;
import io.fednode.operator.node.InstalledOperator;
import io.fednode.testing.ChartRepositoryServer;
import io.fednode.testing.MovableClock;
import io.fednode.testing.RealApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * spec.maintenanceWindow against a real kube-apiserver, real Helm (helm-java) and a chart
 * repository on 127.0.0.1, the operator running as its own ServiceAccount. The operator judges the
 * window by a clock the test moves: outside the window an upgrade waits (no new Helm revision, the
 * status names the next opening) while a new component installs and a removed one is uninstalled;
 * when the clock enters the window the held upgrade is applied.
 */
class MaintenanceWindowIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final String NS = "window";

    /** Thursday noon in Madrid; the window opens on Saturday at 02:00 (01:00 UTC). */
    static final Instant THURSDAY = Instant.parse("2026-12-03T11:00:00Z");

    static final Instant SATURDAY_IN_WINDOW = Instant.parse("2026-12-05T01:30:00Z");

    static final ComponentTestBed BED = new ComponentTestBed(API);
    private static final MovableClock CLOCK = new MovableClock(THURSDAY);
    private static ChartRepositoryServer repo;
    private static InstalledOperator operator;
    private static HelmReleases adminHelm;

    @BeforeAll
    static void install() {
        Awaitility.ignoreExceptionsByDefault();
        repo = ComponentTestBed.probeConfigRepository();
        operator = BED.operatorFor(CLOCK, NS);
        adminHelm = BED.adminHelm();
    }

    @AfterAll
    static void stop() {
        ComponentTestBed.stop(operator, repo);
    }

    @Test
    void upgradesWaitForTheWindowInstallsAndUninstallsDoNot() {
        FederationNode node = FederationNodes.node(NS, "site").role(NodeRole.COMPUTE).build();
        MaintenanceWindowSpec window = new MaintenanceWindowSpec();
        window.setDays(new ArrayList<>(List.of(WeekDay.SAT)));
        window.setStart("02:00");
        window.setDuration("3h");
        window.setTimeZone("Europe/Madrid");
        node.getSpec().setMaintenanceWindow(window);
        node.getSpec().setComponents(new ArrayList<>(List.of(component("web", "1.0.0"))));
        API.client().resource(node).create();

        // a new install does not wait for the window
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertReady("web", Reasons.INSTALLED, 1));

        // outside the window: the version bump waits, a component added with it installs
        BED.edit(
                NS,
                "site",
                n -> {
                    n.getSpec().getComponents().get(0).setVersion("1.1.0");
                    n.getSpec().getComponents().add(component("extra", "1.0.0"));
                });
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            assertReady("extra", Reasons.INSTALLED, 1);
                            ComponentStatus web = status("web").orElseThrow();
                            assertThatConditions("web", web.getConditions())
                                    .hasCondition(
                                            ComponentConditions.UPGRADE_PENDING,
                                            TRUE,
                                            Reasons.OUTSIDE_MAINTENANCE_WINDOW)
                                    .hasMessageContaining(
                                            ComponentConditions.UPGRADE_PENDING,
                                            "upgrade to chart probe-config 1.1.0 waits for the"
                                                    + " maintenance window, which opens next"
                                                    + " Sat 2026-12-05 02:00 +01:00"
                                                    + " (Europe/Madrid)")
                                    .hasMessageContaining(
                                            ComponentConditions.UPGRADE_PENDING,
                                            "revision 1 (chart 1.0.0) keeps serving")
                                    // what was deployed still serves and is ready
                                    .hasCondition(
                                            ComponentConditions.READY, TRUE, Reasons.INSTALLED);
                            assertThat(web.getRevision()).isEqualTo(1);
                            assertThat(web.getChartVersion()).isEqualTo("1.0.0");
                        });
        assertThat(release("web").orElseThrow().revision()).isEqualTo(1);
        assertThat(BED.configMap(NS, "web-config").getData())
                .containsEntry("chartVersion", "1.0.0");
        assertThat(eventReasons()).contains(Reasons.OUTSIDE_MAINTENANCE_WINDOW);
        // the node's summary does not hang on a change that waits for the weekend
        assertThat(BED.node(NS, "site"))
                .hasCondition(
                        ComponentConditions.COMPONENTS_READY, TRUE, Reasons.ALL_COMPONENTS_READY);

        // while it waits, reconciles make no Helm write and do not rewrite the node (after the
        // reconciles queued behind the status patch, which may read the node from before it)
        double queued = operator.reconciliationsStarted();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> operator.reconciliationsStarted() >= queued + 2);
        String resourceVersion = BED.node(NS, "site").getMetadata().getResourceVersion();
        double reconciles = operator.reconciliationsStarted();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> operator.reconciliationsStarted() >= reconciles + 3);
        assertThat(release("web").orElseThrow().revision()).isEqualTo(1);
        assertThat(BED.node(NS, "site").getMetadata().getResourceVersion())
                .isEqualTo(resourceVersion);

        // a release deleted by hand is reinstalled at once, with what is declared now: its held
        // upgrade goes in with it (the service is down; the old inputs are not kept)
        BED.edit(NS, "site", n -> n.getSpec().getComponents().get(1).setVersion("1.1.0"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () ->
                                assertThatConditions(
                                                "extra",
                                                status("extra").orElseThrow().getConditions())
                                        .hasCondition(
                                                ComponentConditions.UPGRADE_PENDING,
                                                TRUE,
                                                Reasons.OUTSIDE_MAINTENANCE_WINDOW));
        assertThat(release("extra").orElseThrow().chartVersion()).isEqualTo("1.0.0");
        adminHelm.uninstall(NS, "extra");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            ComponentStatus s = assertReady("extra", Reasons.REINSTALLED, 1);
                            assertThat(s.getChartVersion()).isEqualTo("1.1.0");
                            assertNoUpgradePending(s);
                        });

        // an uninstall does not wait either
        BED.edit(
                NS,
                "site",
                n -> n.getSpec().getComponents().removeIf(c -> c.getName().equals("extra")));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            assertThat(release("extra")).isEmpty();
                            assertThat(status("extra")).isEmpty();
                        });
        assertThat(release("web").orElseThrow().revision()).isEqualTo(1);

        // the clock enters the window: the held upgrade is applied
        CLOCK.moveTo(SATURDAY_IN_WINDOW);
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            ComponentStatus s = assertReady("web", Reasons.UPGRADED, 2);
                            assertNoUpgradePending(s);
                            assertThat(s.getChartVersion()).isEqualTo("1.1.0");
                        });
        assertThat(release("web").orElseThrow().revision()).isEqualTo(2);
        assertThat(BED.configMap(NS, "web-config").getData())
                .containsEntry("chartVersion", "1.1.0");
        assertThat(eventReasons()).contains(Reasons.MAINTENANCE_WINDOW_OPEN);

        // a time zone the operator does not know: no window opens, the status says why
        BED.edit(
                NS,
                "site",
                n -> {
                    n.getSpec().getMaintenanceWindow().setTimeZone("Europe/Madird");
                    n.getSpec().getComponents().get(0).setVersion("1.2.0");
                });
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () ->
                                assertThatConditions(
                                                "web", status("web").orElseThrow().getConditions())
                                        .hasCondition(
                                                ComponentConditions.UPGRADE_PENDING,
                                                TRUE,
                                                Reasons.MAINTENANCE_WINDOW_INVALID)
                                        .hasMessageContaining(
                                                ComponentConditions.UPGRADE_PENDING,
                                                "spec.maintenanceWindow.timeZone Europe/Madird is"
                                                        + " not a time zone the operator knows"));
        assertThat(release("web").orElseThrow().revision()).isEqualTo(2);
        assertThat(eventReasons()).contains(Reasons.MAINTENANCE_WINDOW_INVALID);

        // fixed, and still inside Saturday's window: applied
        BED.edit(NS, "site", n -> n.getSpec().getMaintenanceWindow().setTimeZone("Europe/Madrid"));
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            assertThat(status("web").orElseThrow().getChartVersion())
                                    .isEqualTo("1.2.0");
                            assertThat(release("web").orElseThrow().chartVersion())
                                    .isEqualTo("1.2.0");
                        });
    }

    private static ComponentSpec component(String name, String version) {
        return ComponentTestBed.component(repo.url(), name, "probe-config", version);
    }

    private static Optional<ComponentStatus> status(String component) {
        return BED.status(NS, "site", component);
    }

    private static Optional<ReleaseState> release(String component) {
        return adminHelm.find(NS, component);
    }

    /** Asserts {@code component} is Ready for {@code reason} at Helm revision {@code revision}. */
    private static ComponentStatus assertReady(String component, String reason, int revision) {
        ComponentStatus s = status(component).orElseThrow();
        assertThatConditions(component, s.getConditions())
                .hasCondition(ComponentConditions.READY, TRUE, reason);
        assertThat(s.getRevision()).as(component + " revision").isEqualTo(revision);
        return s;
    }

    private static void assertNoUpgradePending(ComponentStatus s) {
        assertThat(Conditions.find(s.getConditions(), ComponentConditions.UPGRADE_PENDING))
                .as(s.getName() + " UpgradePending")
                .isEmpty();
    }

    private static List<String> eventReasons() {
        return API.client().v1().events().inNamespace(NS).list().getItems().stream()
                .map(Event::getReason)
                .toList();
    }
}
