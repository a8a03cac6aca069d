package io.fednode.operator.training;

import static io.fednode.api.common.ConditionTypes.FALSE;
import static io.fednode.api.common.ConditionTypes.RECONCILING;
import static io.fednode.api.common.ConditionTypes.STALLED;
import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.api.common.ConditionTypes.UNKNOWN;
import static io.fednode.api.v1alpha1.TrainingRunConditions.ADMITTED;
import static io.fednode.api.v1alpha1.TrainingRunConditions.FAILED;
import static io.fednode.api.v1alpha1.TrainingRunConditions.QUEUED;
import static io.fednode.api.v1alpha1.TrainingRunConditions.RUNNING;
import static io.fednode.api.v1alpha1.TrainingRunConditions.SUCCEEDED;

import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.TrainingRunConditions.Reasons;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The full set of a run's conditions for each stage it can be in — every type present from the
 * first reconcile on, so {@code kubectl wait --for=condition=Succeeded} and GitOps health checks
 * always find them. {@link #settle} keeps {@code lastTransitionTime} of conditions whose status did
 * not change.
 */
final class RunConditions {
    private final long generation;
    private final Map<String, Condition> conditions = new LinkedHashMap<>();

    private RunConditions(long generation) {
        this.generation = generation;
    }

    /** Waiting for a prerequisite (node or dataset) before admission can be decided. */
    static RunConditions waiting(long generation, String reason, String message) {
        return new RunConditions(generation)
                .set(ADMITTED, FALSE, reason, message)
                .set(QUEUED, FALSE, Reasons.NOT_ADMITTED, "not admitted yet")
                .set(RUNNING, FALSE, Reasons.NOT_ADMITTED, "not admitted yet")
                .set(SUCCEEDED, UNKNOWN, reason, message)
                .set(FAILED, FALSE, Reasons.IN_PROGRESS, "waiting for admission")
                .set(RECONCILING, TRUE, reason, message)
                .set(STALLED, FALSE, Reasons.IN_PROGRESS, "waiting for admission");
    }

    /** Refused by the node's policy: final. */
    static RunConditions refused(long generation, String reason, String message) {
        return new RunConditions(generation)
                .set(ADMITTED, FALSE, reason, message)
                .set(QUEUED, FALSE, Reasons.NOT_ADMITTED, "refused: " + reason)
                .set(RUNNING, FALSE, Reasons.NOT_ADMITTED, "refused: " + reason)
                .set(SUCCEEDED, FALSE, reason, message)
                .set(FAILED, TRUE, reason, message)
                .set(RECONCILING, FALSE, Reasons.FINISHED, "refused: " + reason)
                .set(STALLED, TRUE, reason, message);
    }

    /** Admitted, waiting for one of the node's run slots. */
    static RunConditions queued(long generation, String admission, String message) {
        return new RunConditions(generation)
                .set(ADMITTED, TRUE, Reasons.ADMITTED, admission)
                .set(QUEUED, TRUE, Reasons.QUOTA_EXCEEDED, message)
                .set(RUNNING, FALSE, Reasons.QUOTA_EXCEEDED, message)
                .set(SUCCEEDED, UNKNOWN, Reasons.QUOTA_EXCEEDED, message)
                .set(FAILED, FALSE, Reasons.IN_PROGRESS, "queued")
                .set(RECONCILING, TRUE, Reasons.QUOTA_EXCEEDED, message)
                .set(STALLED, FALSE, Reasons.IN_PROGRESS, "queued");
    }

    /** Holds a slot; its Job exists. {@code running}: the Pod is running. */
    static RunConditions started(long generation, String admission, boolean running, String job) {
        String reason = running ? Reasons.POD_RUNNING : Reasons.JOB_PENDING;
        String message =
                running
                        ? "the Pod of Job " + job + " is running"
                        : "Job " + job + " created; waiting for its Pod to run";
        return new RunConditions(generation)
                .set(ADMITTED, TRUE, Reasons.ADMITTED, admission)
                .set(
                        QUEUED,
                        FALSE,
                        Reasons.STARTED,
                        "Job " + job + " holds one of the node's slots")
                .set(RUNNING, running ? TRUE : FALSE, reason, message)
                .set(SUCCEEDED, UNKNOWN, reason, message)
                .set(FAILED, FALSE, Reasons.IN_PROGRESS, message)
                .set(RECONCILING, TRUE, reason, message)
                .set(STALLED, FALSE, Reasons.IN_PROGRESS, message);
    }

    /** The Job finished. */
    static RunConditions finished(
            long generation, String admission, boolean succeeded, String reason, String message) {
        RunConditions c =
                new RunConditions(generation)
                        .set(ADMITTED, TRUE, Reasons.ADMITTED, admission)
                        .set(QUEUED, FALSE, Reasons.STARTED, "ran")
                        .set(RUNNING, FALSE, reason, message)
                        .set(SUCCEEDED, succeeded ? TRUE : FALSE, reason, message)
                        .set(FAILED, succeeded ? FALSE : TRUE, reason, message)
                        .set(RECONCILING, FALSE, Reasons.FINISHED, message);
        return succeeded
                ? c.set(STALLED, FALSE, Reasons.FINISHED, message)
                : c.set(STALLED, TRUE, reason, message);
    }

    private RunConditions set(String type, String status, String reason, String message) {
        conditions.put(type, Conditions.of(type, status, reason, message, generation));
        return this;
    }

    /**
     * The conditions to write ({@link Conditions#settle}): a condition whose status is unchanged
     * keeps its transition time; the others get {@code now}, to the second.
     */
    List<Condition> settle(List<Condition> previous, Instant now) {
        return Conditions.settle(asList(), previous, now);
    }

    List<Condition> asList() {
        return List.copyOf(conditions.values());
    }

    /** Whether a run's conditions say it is over (succeeded, failed or refused). */
    static boolean finished(List<Condition> conditions) {
        return Conditions.is(conditions, SUCCEEDED, TRUE)
                || Conditions.is(conditions, FAILED, TRUE);
    }
}
