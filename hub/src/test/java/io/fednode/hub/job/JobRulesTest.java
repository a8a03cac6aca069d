package io.fednode.hub.job;

import static io.fednode.hub.job.JobFixtures.entry;
import static io.fednode.hub.job.JobFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import io.fednode.api.v1alpha1.FederatedJobResultLimits;
import io.fednode.api.v1alpha1.FederatedJobSpec;
import io.fednode.api.v1alpha1.JobType;
import io.fednode.hub.http.ApiException;
import io.fednode.hub.job.JobPlacement.Candidate;
import io.fednode.hub.job.JobReport.JobResults;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Placement, the node state machine, the hub's deadline and lost rules, results limits. */
class JobRulesTest {
    static final Instant OFFERED = Instant.parse("2026-01-01T10:00:00Z");

    static final List<Candidate> MEMBERS =
            List.of(
                    new Candidate("a", Map.of("ct", "true"), Set.of("lung-ct"), false),
                    new Candidate("b", Map.of("ct", "true"), Set.of(), false),
                    new Candidate("c", Map.of(), Set.of("lung-ct", "brain-mr"), false),
                    new Candidate("d", Map.of("ct", "true"), Set.of("lung-ct"), true));

    // ---- placement ----

    @Test
    void noPlacementMeansEveryMemberThatIsNotRevoked() {
        assertThat(JobPlacement.place(spec(1), MEMBERS)).containsExactly("a", "b", "c");
    }

    @Test
    void listedNodesAndSelectedMembersAreUnited() {
        FederatedJobSpec s = spec(1);
        s.getPlacement().setNodes(List.of("c"));
        s.getPlacement()
                .setMemberSelector(
                        new LabelSelectorBuilder().addToMatchLabels("ct", "true").build());
        assertThat(JobPlacement.place(s, MEMBERS)).containsExactly("a", "b", "c");
    }

    @Test
    void onlyNodesWithEveryDatasetReadyArePlaced() {
        FederatedJobSpec s = spec(1);
        s.setDatasets(List.of("lung-ct"));
        assertThat(JobPlacement.place(s, MEMBERS)).containsExactly("a", "c");
        s.setDatasets(List.of("lung-ct", "brain-mr"));
        assertThat(JobPlacement.place(s, MEMBERS)).containsExactly("c");
    }

    @Test
    void selectorExpressionsFollowKubernetesSemantics() {
        FederatedJobSpec s = spec(1);
        s.getPlacement()
                .setMemberSelector(
                        new LabelSelectorBuilder()
                                .addNewMatchExpression()
                                .withKey("ct")
                                .withOperator("DoesNotExist")
                                .endMatchExpression()
                                .build());
        assertThat(JobPlacement.place(s, MEMBERS)).containsExactly("c");
    }

    @Test
    void nothingFitsPlacesNothing() {
        FederatedJobSpec s = spec(1);
        s.setDatasets(List.of("prostate-mr"));
        assertThat(JobPlacement.place(s, MEMBERS)).isEmpty();
    }

    // ---- state machine ----

    @Test
    void nodesMoveForwardOnly() {
        assertThat(NodeTransitions.allowedByNode(Phase.Offered, Phase.Accepted)).isTrue();
        assertThat(NodeTransitions.allowedByNode(Phase.Offered, Phase.Refused)).isTrue();
        assertThat(NodeTransitions.allowedByNode(Phase.Offered, Phase.Running)).isFalse();
        assertThat(NodeTransitions.allowedByNode(Phase.Accepted, Phase.Running)).isTrue();
        assertThat(NodeTransitions.allowedByNode(Phase.Accepted, Phase.Failed)).isTrue();
        assertThat(NodeTransitions.allowedByNode(Phase.Accepted, Phase.Refused)).isFalse();
        assertThat(NodeTransitions.allowedByNode(Phase.Running, Phase.Succeeded)).isTrue();
        assertThat(NodeTransitions.allowedByNode(Phase.Running, Phase.Accepted)).isFalse();
        for (Phase terminal : List.of(Phase.Refused, Phase.Succeeded, Phase.Failed, Phase.Lost)) {
            for (Phase to : Phase.values()) {
                assertThat(NodeTransitions.allowedByNode(terminal, to))
                        .as("%s -> %s", terminal, to)
                        .isFalse();
            }
        }
    }

    // ---- deadline and lost ----

    @Test
    void anOfferNotDecidedWithinTheDeadlineIsRefused() {
        FederatedJobSpec s = spec(1); // acceptDeadline 30m
        List<FederatedJobNodeStatus> entries = List.of(entry("a", Phase.Offered));
        Instant justBefore = Instant.parse("2026-01-01T10:29:59Z");
        assertThat(JobDeadlines.apply(s, entries, n -> false, justBefore).get(0).getPhase())
                .isEqualTo(Phase.Offered);
        FederatedJobNodeStatus after =
                JobDeadlines.apply(s, entries, n -> false, Instant.parse("2026-01-01T10:30:00Z"))
                        .get(0);
        assertThat(after.getPhase()).isEqualTo(Phase.Refused);
        assertThat(after.getReason()).isEqualTo("AcceptDeadlineExceeded");
        assertThat(after.getMessage()).isEqualTo("the node did not accept within 30m");
        assertThat(after.getUpdatedAt()).isEqualTo("2026-01-01T10:30:00Z");
        assertThat(JobDeadlines.acceptBy(s, OFFERED))
                .isEqualTo(Instant.parse("2026-01-01T10:30:00Z"));
    }

    @Test
    void aSilentNodeWithWorkIsLostOthersAreNot() {
        List<FederatedJobNodeStatus> entries =
                List.of(
                        entry("a", Phase.Running),
                        entry("b", Phase.Accepted),
                        entry("c", Phase.Succeeded),
                        entry("d", Phase.Running));
        Instant now = Instant.parse("2026-01-01T10:10:00Z");
        List<FederatedJobNodeStatus> out =
                JobDeadlines.apply(spec(1), entries, n -> !n.equals("d"), now);
        assertThat(out)
                .extracting(FederatedJobNodeStatus::getPhase)
                .containsExactly(Phase.Lost, Phase.Lost, Phase.Succeeded, Phase.Running);
        assertThat(out.get(0).getReason()).isEqualTo("HeartbeatsStopped");
        assertThat(out.get(2)).isSameAs(entries.get(2));
    }

    // ---- reports ----

    @Test
    void reportShapeIsChecked() {
        assertThatThrownBy(
                        () -> new JobReport("U", 1L, Phase.Accepted, null, null, null).validate())
                .hasMessage("uid must be the job's UID");
        assertThatThrownBy(
                        () -> new JobReport("0a1b-2c", 1L, Phase.Lost, null, null, null).validate())
                .hasMessage("phase must be Accepted, Refused, Running, Succeeded or Failed");
        assertThatThrownBy(
                        () ->
                                new JobReport(
                                                "0a1b-2c",
                                                1L,
                                                Phase.Running,
                                                null,
                                                null,
                                                new JobResults(Map.of(), null, null, null))
                                        .validate())
                .hasMessage("results may only come with Succeeded or Failed");
        assertThatThrownBy(
                        () ->
                                new JobReport(
                                                "0a1b-2c",
                                                1L,
                                                Phase.Refused,
                                                "not a word",
                                                null,
                                                null)
                                        .validate())
                .hasMessage("reason must be a CamelCase word");
    }

    @Test
    void resultsOutsideTheJobsLimitsAreRefused() {
        FederatedJobResultLimits limits = new FederatedJobResultLimits();
        limits.setMaxBytes(64);
        limits.setAllowedMetrics(List.of("loss", "accuracy"));
        JobReport.checkResults(
                new JobResults(Map.of("loss", 0.5), null, 10L, null), JobType.Evaluate, limits);
        assertRefused(
                new JobResults(Map.of("dice", 0.5), null, null, null),
                JobType.Evaluate,
                limits,
                "metric dice is not in the job's results.allowedMetrics");
        assertRefused(
                new JobResults(Map.of("loss", Double.POSITIVE_INFINITY), null, null, null),
                JobType.Evaluate,
                limits,
                "metric loss must be a finite number");
        assertRefused(
                new JobResults(
                        Map.of("loss", 0.5, "accuracy", 0.25), Map.of("loss", 0.01), 1000L, null),
                // {"metrics":{"loss":0.5,"accuracy":0.25},"metricErrors":{"loss":0.01},
                // "numExamples":1000}: 11 + 28 + 16 + 13 + 19 + 1 = 88 bytes
                JobType.Evaluate,
                limits,
                "results are 88 bytes; the job allows 64");
        assertRefused(
                new JobResults(Map.of("loss", 0.5), null, null, "sha256:" + "a".repeat(64)),
                JobType.Evaluate,
                null,
                "modelDigest is only for Train jobs");
        assertRefused(
                new JobResults(Map.of("loss", 0.5), null, null, "md5:abc"),
                JobType.Train,
                null,
                "modelDigest must be sha256: and 64 lowercase hex characters");
        assertRefused(
                new JobResults(Map.of("../x", 0.5), null, null, null),
                JobType.Train,
                null,
                "metric names must match ^[A-Za-z][A-Za-z0-9_.-]{0,63}$");
        assertRefused(
                new JobResults(Map.of("loss", 0.5), Map.of("auc", 0.1), null, null),
                JobType.Train,
                null,
                "metricErrors may only name reported metrics");
    }

    private static void assertRefused(
            JobResults r, JobType type, FederatedJobResultLimits limits, String message) {
        assertThatThrownBy(() -> JobReport.checkResults(r, type, limits))
                .isInstanceOf(ApiException.class)
                .hasMessage(message)
                .extracting(e -> ((ApiException) e).status())
                .isEqualTo(400);
    }
}
