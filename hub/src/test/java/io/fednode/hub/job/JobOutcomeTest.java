package io.fednode.hub.job;

import static io.fednode.hub.job.JobFixtures.entry;
import static io.fednode.hub.job.JobFixtures.spec;
import static io.fednode.hub.job.JobFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import io.fednode.api.v1alpha1.FederatedJobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobOutcomeTest {
    static final Instant NOW = Instant.parse("2026-01-01T10:05:00Z");

    private static FederatedJobStatus status(
            int minNodes, List<FederatedJobNodeStatus> entries, String... required) {
        return JobOutcome.status(spec(minNodes, required), 1, entries, true, null, NOW);
    }

    private static Condition condition(FederatedJobStatus s, String type) {
        return Conditions.find(s.getConditions(), type).orElseThrow();
    }

    @Test
    void everyNodeSucceededIsAllSucceededAndReady() {
        FederatedJobStatus s =
                status(
                        2,
                        List.of(
                                succeeded("a", 10L, Map.of("loss", 1.0)),
                                succeeded("b", 30L, Map.of("loss", 3.0))));
        assertThat(condition(s, "Succeeded").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Succeeded").getReason()).isEqualTo("AllSucceeded");
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("False");
        assertThat(condition(s, "Stalled").getStatus()).isEqualTo("False");
        // (10 * 1.0 + 30 * 3.0) / 40 = 2.5
        assertThat(s.getAggregated()).containsExactlyEntriesOf(Map.of("loss", 2.5));
        assertThat(s.getCounts().getSucceeded()).isEqualTo(2);
        assertThat(JobOutcome.finished(s)).isTrue();
    }

    @Test
    void quorumWithARefusalIsPartiallySucceeded() {
        FederatedJobStatus s =
                status(
                        2,
                        List.of(
                                succeeded("a", 1L, Map.of()),
                                entry("b", Phase.Refused),
                                succeeded("c", 1L, Map.of())));
        assertThat(condition(s, "Succeeded").getReason()).isEqualTo("PartiallySucceeded");
        assertThat(condition(s, "Succeeded").getMessage()).isEqualTo("2 of 3 nodes succeeded");
        assertThat(s.getCounts().getRefused()).isEqualTo(1);
    }

    @Test
    void successWaitsForEveryEntryToFinish() {
        FederatedJobStatus s =
                status(1, List.of(succeeded("a", 1L, Map.of()), entry("b", Phase.Running)));
        assertThat(condition(s, "Succeeded").getStatus()).isEqualTo("Unknown");
        assertThat(condition(s, "Succeeded").getReason()).isEqualTo("Running");
        assertThat(condition(s, "Reconciling").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("Unknown");
        assertThat(JobOutcome.finished(s)).isFalse();
    }

    @Test
    void undecidedNodesAreAwaited() {
        FederatedJobStatus s =
                status(1, List.of(entry("a", Phase.Offered), entry("b", Phase.Accepted)));
        assertThat(condition(s, "Succeeded").getReason()).isEqualTo("AwaitingNodes");
        assertThat(condition(s, "Succeeded").getMessage())
                .isEqualTo("1 of 2 nodes have not decided yet");
    }

    @Test
    void quorumIsLostAsSoonAsTooFewCanSucceed() {
        // minNodes 2 of 3: one refused and one lost leave one that could still succeed
        FederatedJobStatus s =
                status(
                        2,
                        List.of(
                                entry("a", Phase.Refused),
                                entry("b", Phase.Lost),
                                entry("c", Phase.Running)));
        assertThat(condition(s, "Succeeded").getStatus()).isEqualTo("False");
        assertThat(condition(s, "Succeeded").getReason()).isEqualTo("QuorumNotReached");
        assertThat(condition(s, "Succeeded").getMessage())
                .isEqualTo("only 1 of 3 nodes can still succeed; minNodes is 2");
        assertThat(condition(s, "Stalled").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
        assertThat(JobOutcome.finished(s)).isTrue();
    }

    @Test
    void aRequiredNodeThatFailsFailsTheJob() {
        FederatedJobNodeStatus b = entry("b", Phase.Failed);
        b.setReason("ResultsRejected");
        FederatedJobStatus s =
                status(1, List.of(succeeded("a", 1L, Map.of()), b, entry("c", Phase.Running)), "b");
        assertThat(condition(s, "Succeeded").getReason()).isEqualTo("RequiredNodeFailed");
        assertThat(condition(s, "Succeeded").getMessage())
                .isEqualTo("required node b Failed (ResultsRejected)");
        assertThat(condition(s, "Stalled").getStatus()).isEqualTo("True");
    }

    @Test
    void aRequiredNodeThatIsNotPlacedFailsTheJob() {
        FederatedJobStatus s = status(1, List.of(entry("a", Phase.Offered)), "z");
        assertThat(condition(s, "Succeeded").getReason()).isEqualTo("RequiredNodeFailed");
        assertThat(condition(s, "Succeeded").getMessage())
                .isEqualTo("required node z does not match the placement");
    }

    @Test
    void nothingPlacedIsNoMatchingNodesOncePlacementRan() {
        var spec = spec(1);
        spec.setDatasets(List.of("lung-ct"));
        FederatedJobStatus before = JobOutcome.status(spec, 1, List.of(), false, null, NOW);
        assertThat(condition(before, "Succeeded").getReason()).isEqualTo("Placing");
        FederatedJobStatus after = JobOutcome.status(spec, 1, List.of(), true, null, NOW);
        assertThat(condition(after, "Succeeded").getReason()).isEqualTo("NoMatchingNodes");
        assertThat(condition(after, "Succeeded").getMessage())
                .isEqualTo(
                        "no FederationMember matches the placement and reports datasets"
                                + " [lung-ct] Ready");
        assertThat(condition(after, "Stalled").getStatus()).isEqualTo("True");
    }

    @Test
    void unchangedConditionsKeepTheirTransitionTime() {
        List<FederatedJobNodeStatus> entries = List.of(entry("a", Phase.Running));
        FederatedJobStatus first = JobOutcome.status(spec(1), 1, entries, true, null, NOW);
        FederatedJobStatus again =
                JobOutcome.status(
                        spec(1), 1, entries, true, first.getConditions(), NOW.plusSeconds(60));
        assertThat(again).isEqualTo(first);
    }
}
