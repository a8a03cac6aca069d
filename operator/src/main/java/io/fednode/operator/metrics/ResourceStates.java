package io.fednode.operator.metrics;

import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetConditions;
import io.fednode.api.v1alpha1.FederatedJobDecision;
import io.fednode.api.v1alpha1.FederatedJobOffer;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunConditions;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bounded state label of a resource, read from the conditions its reconciler wrote. Pure: the
 * metrics collector hands in what the informer cache holds.
 */
public final class ResourceStates {
    /** Every value {@link #dataset} returns. */
    public static final List<String> DATASET_STATES =
            List.of("Pending", "Running", "Ready", "Failed");

    /** Every value {@link #trainingRun} returns. */
    public static final List<String> TRAINING_RUN_STATES =
            List.of("Pending", "Queued", "Starting", "Running", "Succeeded", "Failed", "Refused");

    private static final Set<String> ANONYMISING =
            Set.of(
                    DatasetConditions.Reasons.ANONYMISING,
                    DatasetConditions.Reasons.RETRYING_AFTER_FAILURE,
                    DatasetConditions.Reasons.JOB_CREATED);

    private ResourceStates() {}

    /**
     * States of a federated job offer on a node (issue 12): its decision while not accepted, then
     * the phase of its run.
     */
    public static final List<String> FEDERATED_JOB_STATES =
            List.of("PendingApproval", "Refused", "Accepted", "Running", "Succeeded", "Failed");

    /** The state of one entry of a node's {@code status.federatedJobs}; one of the above. */
    public static String federatedJob(FederatedJobOffer offer) {
        if (offer.getDecision() == null
                || offer.getDecision() == FederatedJobDecision.PendingApproval) {
            return "PendingApproval";
        }
        if (offer.getDecision() == FederatedJobDecision.Refused) {
            return "Refused";
        }
        return FEDERATED_JOB_STATES.contains(offer.getPhase())
                        && !"PendingApproval".equals(offer.getPhase())
                        && !"Refused".equals(offer.getPhase())
                ? offer.getPhase()
                : "Accepted";
    }

    /**
     * Failed (its {@code Failed} condition is True), Ready ({@code Ready} True), Running (an
     * anonymisation Job is working on it: Ready False with reason Anonymising, RetryingAfterFailure
     * or JobCreated), else Pending (no status yet, waiting for its node, blocked).
     */
    public static String dataset(Dataset ds) {
        List<Condition> conditions = ds.getStatus() == null ? null : ds.getStatus().getConditions();
        if (isTrue(conditions, DatasetConditions.FAILED)) {
            return "Failed";
        }
        if (isTrue(conditions, ConditionTypes.READY)) {
            return "Ready";
        }
        Optional<Condition> ready = Conditions.find(conditions, ConditionTypes.READY);
        if (ready.isPresent() && ANONYMISING.contains(ready.get().getReason())) {
            return "Running";
        }
        return "Pending";
    }

    /**
     * Refused (Failed True without admission), Failed, Succeeded, Running (its Pod runs), Starting
     * (its Job holds a slot, the Pod is not running yet), Queued (admitted, waiting for a slot),
     * else Pending (no status yet, or waiting for its node or dataset).
     */
    public static String trainingRun(TrainingRun run) {
        List<Condition> conditions =
                run.getStatus() == null ? null : run.getStatus().getConditions();
        if (isTrue(conditions, TrainingRunConditions.FAILED)) {
            return isTrue(conditions, TrainingRunConditions.ADMITTED) ? "Failed" : "Refused";
        }
        if (isTrue(conditions, TrainingRunConditions.SUCCEEDED)) {
            return "Succeeded";
        }
        if (isTrue(conditions, TrainingRunConditions.RUNNING)) {
            return "Running";
        }
        if (holdsSlot(conditions)) {
            return "Starting";
        }
        if (isTrue(conditions, TrainingRunConditions.QUEUED)) {
            return "Queued";
        }
        return "Pending";
    }

    /** GPUs the run holds: its {@code spec.gpus} while it is Starting or Running, else 0. */
    public static int gpusHeld(TrainingRun run) {
        String state = trainingRun(run);
        if (!state.equals("Running") && !state.equals("Starting")) {
            return 0;
        }
        Integer gpus = run.getSpec() == null ? null : run.getSpec().getGpus();
        return gpus == null ? 0 : gpus;
    }

    /** Its Job was created and has not finished: Queued False because it started, no outcome. */
    private static boolean holdsSlot(List<Condition> conditions) {
        return Conditions.find(conditions, TrainingRunConditions.QUEUED)
                        .filter(c -> ConditionTypes.FALSE.equals(c.getStatus()))
                        .filter(c -> TrainingRunConditions.Reasons.STARTED.equals(c.getReason()))
                        .isPresent()
                && Conditions.find(conditions, TrainingRunConditions.SUCCEEDED)
                        .filter(c -> ConditionTypes.UNKNOWN.equals(c.getStatus()))
                        .isPresent();
    }

    /** The status of a condition type; Unknown when it is missing. */
    public static String status(List<Condition> conditions, String type) {
        return Conditions.find(conditions, type)
                .map(Condition::getStatus)
                .filter(s -> s.equals(ConditionTypes.TRUE) || s.equals(ConditionTypes.FALSE))
                .orElse(ConditionTypes.UNKNOWN);
    }

    static boolean isTrue(List<Condition> conditions, String type) {
        return Conditions.is(conditions, type, ConditionTypes.TRUE);
    }
}
