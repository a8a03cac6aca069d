package io.fednode.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunSpec;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceStatesTest {
    static Condition c(String type, String status, String reason) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage("m")
                .build();
    }

    static Dataset dataset(Condition... conditions) {
        Dataset ds = new Dataset();
        if (conditions.length > 0) {
            DatasetStatus s = new DatasetStatus();
            s.setConditions(new ArrayList<>(List.of(conditions)));
            ds.setStatus(s);
        }
        return ds;
    }

    static TrainingRun run(int gpus, Condition... conditions) {
        TrainingRun run = new TrainingRun();
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setGpus(gpus);
        run.setSpec(spec);
        if (conditions.length > 0) {
            TrainingRunStatus s = new TrainingRunStatus();
            s.setConditions(new ArrayList<>(List.of(conditions)));
            run.setStatus(s);
        }
        return run;
    }

    @Test
    void datasetStates() {
        assertThat(ResourceStates.dataset(dataset())).isEqualTo("Pending");
        assertThat(ResourceStates.dataset(dataset(c("Ready", "False", "WaitingForNode"))))
                .isEqualTo("Pending");
        assertThat(
                        ResourceStates.dataset(
                                dataset(
                                        c("Ready", "False", "Anonymising"),
                                        c("Failed", "False", "NotFailed"))))
                .isEqualTo("Running");
        assertThat(ResourceStates.dataset(dataset(c("Ready", "False", "RetryingAfterFailure"))))
                .isEqualTo("Running");
        assertThat(
                        ResourceStates.dataset(
                                dataset(
                                        c("Ready", "True", "Anonymised"),
                                        c("Failed", "False", "NotFailed"))))
                .isEqualTo("Ready");
        assertThat(
                        ResourceStates.dataset(
                                dataset(
                                        c("Ready", "False", "AnonymisationFailed"),
                                        c("Failed", "True", "AnonymisationFailed"))))
                .isEqualTo("Failed");
    }

    @Test
    void trainingRunStatesAndGpus() {
        TrainingRun pending = run(2);
        TrainingRun waiting =
                run(
                        2,
                        c("Admitted", "False", "NodeNotReady"),
                        c("Queued", "False", "NotAdmitted"),
                        c("Running", "False", "NotAdmitted"),
                        c("Succeeded", "Unknown", "NodeNotReady"),
                        c("Failed", "False", "InProgress"));
        TrainingRun refused =
                run(
                        9,
                        c("Admitted", "False", "TooManyGpus"),
                        c("Queued", "False", "NotAdmitted"),
                        c("Succeeded", "False", "TooManyGpus"),
                        c("Failed", "True", "TooManyGpus"));
        TrainingRun queued =
                run(
                        1,
                        c("Admitted", "True", "Admitted"),
                        c("Queued", "True", "QuotaExceeded"),
                        c("Running", "False", "QuotaExceeded"),
                        c("Succeeded", "Unknown", "QuotaExceeded"),
                        c("Failed", "False", "InProgress"));
        TrainingRun starting =
                run(
                        3,
                        c("Admitted", "True", "Admitted"),
                        c("Queued", "False", "Started"),
                        c("Running", "False", "JobPending"),
                        c("Succeeded", "Unknown", "JobPending"),
                        c("Failed", "False", "InProgress"));
        TrainingRun running =
                run(
                        4,
                        c("Admitted", "True", "Admitted"),
                        c("Queued", "False", "Started"),
                        c("Running", "True", "PodRunning"),
                        c("Succeeded", "Unknown", "PodRunning"),
                        c("Failed", "False", "InProgress"));
        TrainingRun succeeded =
                run(
                        4,
                        c("Admitted", "True", "Admitted"),
                        c("Queued", "False", "Started"),
                        c("Running", "False", "Completed"),
                        c("Succeeded", "True", "Completed"),
                        c("Failed", "False", "Completed"));
        TrainingRun failed =
                run(
                        4,
                        c("Admitted", "True", "Admitted"),
                        c("Queued", "False", "Started"),
                        c("Running", "False", "DeadlineExceeded"),
                        c("Succeeded", "False", "DeadlineExceeded"),
                        c("Failed", "True", "DeadlineExceeded"));
        assertThat(
                        List.of(
                                        pending, waiting, refused, queued, starting, running,
                                        succeeded, failed)
                                .stream()
                                .map(ResourceStates::trainingRun))
                .containsExactly(
                        "Pending",
                        "Pending",
                        "Refused",
                        "Queued",
                        "Starting",
                        "Running",
                        "Succeeded",
                        "Failed");
        assertThat(
                        List.of(
                                        pending, waiting, refused, queued, starting, running,
                                        succeeded, failed)
                                .stream()
                                .map(ResourceStates::gpusHeld))
                .containsExactly(0, 0, 0, 0, 3, 4, 0, 0);
    }

    @Test
    void missingConditionIsUnknown() {
        assertThat(ResourceStates.status(null, "Ready")).isEqualTo("Unknown");
        assertThat(ResourceStates.status(List.of(c("Ready", "True", "x")), "Connected"))
                .isEqualTo("Unknown");
        assertThat(ResourceStates.status(List.of(c("Ready", "False", "x")), "Ready"))
                .isEqualTo("False");
    }

    static io.fednode.api.v1alpha1.FederatedJobOffer offer(
            io.fednode.api.v1alpha1.FederatedJobDecision decision, String phase) {
        var o = new io.fednode.api.v1alpha1.FederatedJobOffer();
        o.setDecision(decision);
        o.setPhase(phase);
        return o;
    }

    @Test
    void aFederatedJobIsCountedByDecisionThenByItsRunsPhase() {
        assertThat(
                        ResourceStates.federatedJob(
                                offer(
                                        io.fednode.api.v1alpha1.FederatedJobDecision
                                                .PendingApproval,
                                        null)))
                .isEqualTo("PendingApproval");
        assertThat(
                        ResourceStates.federatedJob(
                                offer(
                                        io.fednode.api.v1alpha1.FederatedJobDecision.Refused,
                                        "Refused")))
                .isEqualTo("Refused");
        for (String phase : List.of("Accepted", "Running", "Succeeded", "Failed")) {
            assertThat(
                            ResourceStates.federatedJob(
                                    offer(
                                            io.fednode.api.v1alpha1.FederatedJobDecision.Accepted,
                                            phase)))
                    .isEqualTo(phase);
        }
        // A phase from elsewhere never becomes a label value: cardinality stays bounded.
        assertThat(
                        ResourceStates.federatedJob(
                                offer(
                                        io.fednode.api.v1alpha1.FederatedJobDecision.Accepted,
                                        "Exploded")))
                .isEqualTo("Accepted");
    }
}
