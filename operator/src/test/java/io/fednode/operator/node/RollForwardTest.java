package io.fednode.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.MaintenanceWindowSpec;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.WeekDay;
import io.fednode.fixtures.FederationNodes;
import io.fednode.operator.common.OperatorIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When a new operator version's roll-forward of a node's objects waits for its window. */
class RollForwardTest {
    /** Thursday 2026-12-03 12:00 in Madrid (CET, +01:00). */
    static final Instant THURSDAY = Instant.parse("2026-12-03T11:00:00Z");

    /** Saturday 2026-12-05 02:00 in Madrid, by the calendar: 01:00 UTC. */
    static final Instant OPENS = Instant.parse("2026-12-05T01:00:00Z");

    @BeforeEach
    void runAsNewVersion() {
        System.setProperty(OperatorIdentity.VERSION_PROPERTY, "0.2.0");
    }

    @AfterEach
    void reset() {
        System.clearProperty(OperatorIdentity.VERSION_PROPERTY);
    }

    @Test
    void anOlderVersionsNodeWaitsForAClosedWindowAndSaysUntilWhen() {
        RollForward r = RollForward.of(node("0.1.0", 3, 3, "Europe/Madrid"), THURSDAY, false);
        assertThat(r.held()).isTrue();
        assertThat(r.recordedVersion()).isEqualTo("0.1.0");
        assertThat(r.opensIn(THURSDAY))
                .contains(Duration.between(THURSDAY, OPENS).plusSeconds(1))
                .contains(Duration.ofHours(38).plusSeconds(1));
        assertThat(r.message())
                .isEqualTo(
                        "operator 0.2.0 keeps the node's objects as operator 0.1.0 made them"
                                + " (missing ones are made) and rolls them forward when"
                                + " spec.maintenanceWindow next opens,"
                                + " Sat 2026-12-05 02:00 +01:00 (Europe/Madrid)");
    }

    @Test
    void aNodeFromBeforeVersionsWereRecordedWaitsToo() {
        RollForward r = RollForward.of(node(null, 3, 3, "Europe/Madrid"), THURSDAY, false);
        assertThat(r.held()).isTrue();
        assertThat(r.recordedVersion()).isNull();
        assertThat(r.message()).contains("as an operator before 0.2.0 made them");
    }

    @Test
    void anOpenWindowRollsForward() {
        Instant inWindow = Instant.parse("2026-12-05T01:30:00Z");
        RollForward r = RollForward.of(node("0.1.0", 3, 3, "Europe/Madrid"), inWindow, false);
        assertThat(r.held()).isFalse();
        assertThat(r.recordedVersion()).isEqualTo("0.2.0");
        assertThat(r.opensIn(inWindow)).isEmpty();
    }

    @Test
    void anUnknownTimeZoneKeepsItWaitingAndNamesTheField() {
        RollForward r = RollForward.of(node("0.1.0", 3, 3, "Europe/Madird"), THURSDAY, false);
        assertThat(r.held()).isTrue();
        assertThat(r.opensIn(THURSDAY)).isEmpty();
        assertThat(r.message())
                .contains("until spec.maintenanceWindow is fixed")
                .contains("spec.maintenanceWindow.timeZone Europe/Madird");
    }

    @Test
    void nothingWaitsWithoutAReasonTo() {
        // the same version
        assertThat(RollForward.of(node("0.2.0", 3, 3, "Europe/Madrid"), THURSDAY, false).held())
                .isFalse();
        // a spec change not observed yet: made at once, with the roll-forward
        assertThat(RollForward.of(node("0.1.0", 4, 3, "Europe/Madrid"), THURSDAY, false).held())
                .isFalse();
        // this process rolled it forward already (the status read is stale)
        assertThat(RollForward.of(node("0.1.0", 3, 3, "Europe/Madrid"), THURSDAY, true).held())
                .isFalse();
        // no window
        FederationNode noWindow = node("0.1.0", 3, 3, "Europe/Madrid");
        noWindow.getSpec().setMaintenanceWindow(null);
        assertThat(RollForward.of(noWindow, THURSDAY, false).held()).isFalse();
        // a node seen for the first time
        FederationNode fresh = node("0.1.0", 3, 3, "Europe/Madrid");
        fresh.setStatus(null);
        assertThat(RollForward.of(fresh, THURSDAY, false).held()).isFalse();
    }

    static FederationNode node(String version, long generation, long observed, String zone) {
        FederationNode node = FederationNodes.hospital("ns", "site", NodeRole.HYBRID).build();
        node.getMetadata().setGeneration(generation);
        MaintenanceWindowSpec window = new MaintenanceWindowSpec();
        window.setDays(new ArrayList<>(List.of(WeekDay.SAT)));
        window.setStart("02:00");
        window.setDuration("3h");
        window.setTimeZone(zone);
        node.getSpec().setMaintenanceWindow(window);
        FederationNodeStatus status = new FederationNodeStatus();
        status.setObservedGeneration(observed);
        status.setOperatorVersion(version);
        node.setStatus(status);
        return node;
    }
}
