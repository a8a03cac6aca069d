package io.fednode.operator.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.NodeRole;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decide step of the Dataset reconciler: a pure function of spec, status and observation. */
class DatasetPlanTest {
    static final String IMAGE = "registry.test/anonymiser:1";

    private final Dataset dataset = Fixtures.dataset("hospital", "lung", "site-a", "imports/lung");

    @Test
    void missingNodeIsRefusedWithoutIsolationOrJob() {
        DatasetPlan plan = decide(null);
        assertThat(plan).isInstanceOf(DatasetPlan.Refused.class);
        var refused = (DatasetPlan.Refused) plan;
        assertThat(refused.refusal().reason()).isEqualTo("NodeNotFound");
        assertThat(refused.refusal().stalled()).isTrue();
        assertThat(plan.isolates()).as("no node: nothing is applied").isFalse();
    }

    @Test
    void nodeNotReadyWaitsWithIsolationButNoJob() {
        DatasetPlan plan = decide(node("False"));
        assertThat(plan).isInstanceOf(DatasetPlan.Refused.class);
        assertThat(((DatasetPlan.Refused) plan).refusal().reason()).isEqualTo("WaitingForNode");
        assertThat(((DatasetPlan.Refused) plan).refusal().stalled()).isFalse();
        assertThat(plan.isolates()).isTrue();
    }

    @Test
    void newDatasetRunsRevisionOne() {
        var run = (DatasetPlan.Run) decide(node("True"));
        assertThat(run.revision()).isEqualTo(1);
        assertThat(run.jobName()).isEqualTo("lung-r1");
        assertThat(run.existing()).isNull();
        assertThat(run.desired().getMetadata().getName()).isEqualTo("lung-r1");
        assertThat(
                        run.desired()
                                .getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getImage())
                .isEqualTo(IMAGE);
        assertThat(run.recorded()).isFalse();
        assertThat(run.superseded()).isEmpty();
    }

    @Test
    void theRevisionsJobIsTrackedEvenWhenTheNodeIsNoLongerReady() {
        Job running = job("lung-r1", 1, digest(), null);
        var run = (DatasetPlan.Run) decide(node("False"), running);
        assertThat(run.existing()).isSameAs(running);
        assertThat(run.finished()).isFalse();
    }

    @Test
    void aJobOfTheNumberMadeForOtherInputsSkipsTheNumber() {
        Job foreign = job("lung-r1", 1, "0123456789abcdef", "Complete");
        var run = (DatasetPlan.Run) decide(node("True"), foreign);
        assertThat(run.revision()).isEqualTo(2);
        assertThat(run.jobName()).isEqualTo("lung-r2");
        assertThat(run.existing()).isNull();
        assertThat(run.superseded())
                .as("finished Job of an earlier number")
                .containsExactly(foreign);
    }

    @Test
    void aFinishedRevisionWhoseJobIsGoneIsKeptNotRunAgain() {
        dataset.setStatus(status(1, digest(), "lung-r1", 1L, "Ready"));
        dataset.getMetadata().setGeneration(3L);
        assertThat(decide(node("True"))).isInstanceOf(DatasetPlan.Kept.class);
    }

    @Test
    void newInputsAreTheNextRevisionAndOnlyFinishedEarlierJobsAreSuperseded() {
        dataset.setStatus(status(1, "0123456789abcdef", "lung-r1", 1L, "Ready"));
        Job done = job("lung-r1", 1, "0123456789abcdef", "Complete");
        var run = (DatasetPlan.Run) decide(node("True"), done);
        assertThat(run.revision()).isEqualTo(2);
        assertThat(run.superseded()).containsExactly(done);

        Job stillRunning = job("lung-r1", 1, "0123456789abcdef", null);
        var next = (DatasetPlan.Run) decide(node("True"), stillRunning);
        assertThat(next.revision()).isEqualTo(2);
        assertThat(next.superseded()).as("a running Job is left to finish").isEmpty();
    }

    @Test
    void aFinishedJobAlreadyInTheStatusIsRecordedUntilTheGenerationMoves() {
        dataset.setStatus(status(1, digest(), "lung-r1", 1L, "Failed"));
        Job failed = job("lung-r1", 1, digest(), "Failed");
        var run = (DatasetPlan.Run) decide(node("True"), failed);
        assertThat(run.finished()).isTrue();
        assertThat(run.recorded()).isTrue();

        dataset.getMetadata().setGeneration(2L);
        var edited = (DatasetPlan.Run) decide(node("True"), failed);
        assertThat(edited.recorded()).as("an edit must be observed").isFalse();
    }

    private DatasetPlan decide(FederationNode node, Job... jobs) {
        Map<String, Job> byName = new LinkedHashMap<>();
        for (Job job : jobs) {
            byName.put(job.getMetadata().getName(), job);
        }
        return DatasetPlan.decide(dataset, new DatasetObservation(node, byName), IMAGE);
    }

    private String digest() {
        return DatasetRevision.of(dataset, node("True")).digest();
    }

    private static FederationNode node(String ready) {
        FederationNode node = Fixtures.node("hospital", "site-a", NodeRole.DATA);
        FederationNodeStatus status = new FederationNodeStatus();
        status.setConditions(
                List.of(
                        new ConditionBuilder()
                                .withType("Ready")
                                .withStatus(ready)
                                .withReason("test")
                                .build()));
        node.setStatus(status);
        return node;
    }

    private static DatasetStatus status(
            int revision, String digest, String jobName, long generation, String trueType) {
        DatasetStatus s = new DatasetStatus();
        s.setRevision(revision);
        s.setRevisionDigest(digest);
        s.setJobName(jobName);
        s.setObservedGeneration(generation);
        s.setConditions(
                List.of(
                        new ConditionBuilder()
                                .withType(trueType)
                                .withStatus("True")
                                .withReason("test")
                                .build()));
        return s;
    }

    /** A Job as the cluster holds it; {@code finished} is Complete, Failed or null (active). */
    private static Job job(String name, int revision, String digest, String finished) {
        var b =
                new JobBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace("hospital")
                        .addToLabels(DatasetLabels.DATASET, "lung")
                        .addToLabels(DatasetLabels.REVISION, Integer.toString(revision))
                        .addToAnnotations(DatasetLabels.REVISION_DIGEST, digest)
                        .endMetadata()
                        .withNewStatus();
        if (finished != null) {
            b.addNewCondition().withType(finished).withStatus("True").endCondition();
        }
        return b.endStatus().build();
    }
}
