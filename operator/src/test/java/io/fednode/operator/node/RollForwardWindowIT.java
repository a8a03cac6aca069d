package io.fednode.operator.node;

import static io.fednode.fixtures.ConditionAssert.assertThat;
import static io.fednode.fixtures.FederationNodes.hospital;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.MaintenanceWindowSpec;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.WeekDay;
import io.fednode.operator.OperatorSettings;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.testing.FakeVolumeController;
import io.fednode.testing.MovableClock;
import io.fednode.testing.RealApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A new operator version and a node's maintenance window, against a real kube-apiserver, the
 * operator acting as its own ServiceAccount and judging the window by a clock the test moves.
 *
 * <p>Operator 0.1.0 makes two nodes' objects: "site" declares a window (Saturdays 02:00–05:00
 * Europe/Madrid), "open" declares none. Operator 0.2.0 then starts on a Thursday: "open" is rolled
 * forward at once (its objects' version label and its status.operatorVersion move), while "site"
 * keeps every object as 0.1.0 made it (same resourceVersion), says {@code UpgradePending=True}
 * naming the window's next opening, and keeps {@code status.operatorVersion} at 0.1.0; a
 * NetworkPolicy deleted meanwhile is made again at once. When the clock enters the window, "site"
 * is rolled forward too.
 */
class RollForwardWindowIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final String HELD_NS = "rollforward-held";
    static final String OPEN_NS = "rollforward-open";
    static final String OLD = "0.1.0";
    static final String NEW = "0.2.0";

    /** Thursday noon in Madrid; the window opens on Saturday at 02:00 (01:00 UTC). */
    static final Instant THURSDAY = Instant.parse("2026-12-03T11:00:00Z");

    static final Instant SATURDAY_IN_WINDOW = Instant.parse("2026-12-05T01:30:00Z");

    private static final MovableClock CLOCK = new MovableClock(THURSDAY);

    private static final OperatorSettings SETTINGS =
            OperatorSettings.defaults()
                    .withResyncPeriod(Duration.ofSeconds(5))
                    .withNamespaces(Set.of(HELD_NS, OPEN_NS));

    @BeforeAll
    static void retryUnwrittenStatus() {
        Awaitility.ignoreExceptionsByDefault();
    }

    @AfterAll
    static void reset() {
        Awaitility.reset();
        System.clearProperty(OperatorIdentity.VERSION_PROPERTY);
    }

    static KubernetesClient admin() {
        return API.client();
    }

    static InstalledOperator start(String version) {
        return ManagedObjects.start(API, SETTINGS, CLOCK, version);
    }

    @Test
    void aNewVersionWaitsForTheWindowOnANodeThatDeclaresOne() {
        Map<String, String> heldBefore;
        try (InstalledOperator old = start(OLD)) {
            create(HELD_NS, "site", true);
            create(OPEN_NS, "open", false);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                for (FederationNode n :
                                        List.of(node(HELD_NS, "site"), node(OPEN_NS, "open"))) {
                                    assertThat(n).hasCondition("Ready", "True");
                                    assertThat(n)
                                            .hasCondition("UpgradePending", "False", "UpToDate");
                                    assertThat(n.getStatus().getOperatorVersion()).isEqualTo(OLD);
                                }
                            });
            heldBefore = objects(HELD_NS);
            assertThat(heldBefore).hasSizeGreaterThanOrEqualTo(6);
            assertThat(versionLabels(HELD_NS)).allSatisfy((k, v) -> assertThat(v).isEqualTo(OLD));
            assertThat(versionLabels(OPEN_NS)).allSatisfy((k, v) -> assertThat(v).isEqualTo(OLD));
        }

        try (InstalledOperator upgraded = start(NEW)) {
            // without a window: rolled forward at once
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                FederationNode n = node(OPEN_NS, "open");
                                assertThat(n.getStatus().getOperatorVersion()).isEqualTo(NEW);
                                assertThat(n).hasCondition("UpgradePending", "False", "UpToDate");
                                assertThat(versionLabels(OPEN_NS))
                                        .allSatisfy((k, v) -> assertThat(v).isEqualTo(NEW));
                            });
            // with a closed window: held, and says until when
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                FederationNode n = node(HELD_NS, "site");
                                assertThat(n)
                                        .hasCondition(
                                                "UpgradePending",
                                                "True",
                                                "OutsideMaintenanceWindow")
                                        .hasMessageContaining(
                                                "UpgradePending",
                                                "operator 0.2.0 keeps the node's objects as"
                                                        + " operator 0.1.0 made them")
                                        .hasMessageContaining(
                                                "UpgradePending",
                                                "Sat 2026-12-05 02:00 +01:00 (Europe/Madrid)");
                                assertThat(n).hasCondition("Ready", "True");
                                assertThat(n.getStatus().getOperatorVersion()).isEqualTo(OLD);
                            });
            assertThat(eventReasons(HELD_NS)).contains("OutsideMaintenanceWindow");
            // several reconciles later, nothing it owns was written
            double reconciles = upgraded.reconciliationsStarted();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> upgraded.reconciliationsStarted() >= reconciles + 4);
            assertThat(objects(HELD_NS)).as("same objects, unwritten").isEqualTo(heldBefore);
            assertThat(node(HELD_NS, "site").getStatus().getOperatorVersion()).isEqualTo(OLD);

            // a hole is not a shape: a deleted policy is made again while the rest waits
            String policy = "site-default-deny";
            assertThat(heldBefore).containsKey("NetworkPolicy/" + policy);
            admin().network().v1().networkPolicies().inNamespace(HELD_NS).withName(policy).delete();
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () ->
                                    assertThat(versionLabels(HELD_NS))
                                            .containsEntry("NetworkPolicy/" + policy, NEW));
            Map<String, String> others = objects(HELD_NS);
            others.remove("NetworkPolicy/" + policy);
            Map<String, String> othersBefore = new LinkedHashMap<>(heldBefore);
            othersBefore.remove("NetworkPolicy/" + policy);
            assertThat(others).isEqualTo(othersBefore);

            // the window opens: rolled forward
            CLOCK.moveTo(SATURDAY_IN_WINDOW);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                FederationNode n = node(HELD_NS, "site");
                                assertThat(n.getStatus().getOperatorVersion()).isEqualTo(NEW);
                                assertThat(n).hasCondition("UpgradePending", "False", "UpToDate");
                                assertThat(n).hasCondition("Ready", "True");
                                assertThat(versionLabels(HELD_NS))
                                        .allSatisfy((k, v) -> assertThat(v).isEqualTo(NEW));
                            });
            assertThat(objects(HELD_NS).keySet()).isEqualTo(heldBefore.keySet());
        }
    }

    static void create(String ns, String name, boolean window) {
        Nodes.namespace(admin(), ns);
        FederationNode node = hospital(ns, name, NodeRole.HYBRID).build();
        if (window) {
            MaintenanceWindowSpec spec = new MaintenanceWindowSpec();
            spec.setDays(new ArrayList<>(List.of(WeekDay.SAT)));
            spec.setStart("02:00");
            spec.setDuration("3h");
            spec.setTimeZone("Europe/Madrid");
            node.getSpec().setMaintenanceWindow(spec);
        }
        admin().resource(node).create();
        for (String volume : List.of("raw", "anonymised", "scratch")) {
            FakeVolumeController.bind(admin(), ns, name + "-" + volume);
        }
    }

    static FederationNode node(String ns, String name) {
        return admin().resources(FederationNode.class).inNamespace(ns).withName(name).get();
    }

    static List<String> eventReasons(String ns) {
        return admin().v1().events().inNamespace(ns).list().getItems().stream()
                .map(Event::getReason)
                .toList();
    }

    static Map<String, String> objects(String ns) {
        return ManagedObjects.resourceVersions(admin(), ns);
    }

    static Map<String, String> versionLabels(String ns) {
        return ManagedObjects.versionLabels(admin(), ns);
    }
}
