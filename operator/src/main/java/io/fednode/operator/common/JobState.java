package io.fednode.operator.common;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.List;
import java.util.Optional;

/**
 * What a Job's status says, read once for every kind of Job the operator runs (a Dataset's
 * anonymiser, a TrainingRun's trainer): still active, complete, or failed for good. Pure, so it is
 * unit-tested with hand-written Jobs. What a kind makes of it (a report read from the Pod, a
 * condition's wording) stays with the kind.
 */
public sealed interface JobState {
    /** The Job controller's reason for a Job stopped at its {@code activeDeadlineSeconds}. */
    String DEADLINE_EXCEEDED = "DeadlineExceeded";

    /** Longest reason or message copied from the Job controller's condition. */
    int MAX_TEXT = 512;

    /** Attempts that failed so far (the Job's {@code status.failed}). */
    int failedAttempts();

    /** When the Job controller started the Job (RFC 3339), or null. */
    String startTime();

    /** Not finished: {@code readyPods} of its Pods are ready (a trainer is running when > 0). */
    record Active(int readyPods, int failedAttempts, String startTime) implements JobState {}

    /** Completed ({@code Complete=True}); {@code completionTime} falls back to the condition's. */
    record Complete(int failedAttempts, String startTime, String completionTime)
            implements JobState {}

    /**
     * Failed for good ({@code Failed=True}): the controller's reason and message (bounded, may be
     * null), whether it was the deadline, and the deadline in seconds (null when none was set).
     */
    record Failed(
            String reason,
            String message,
            boolean deadlineExceeded,
            Long deadlineSeconds,
            int failedAttempts,
            String startTime,
            String failedAt)
            implements JobState {}

    static JobState of(Job job) {
        var status = job.getStatus();
        int failed =
                status == null || status.getFailed() == null ? 0 : status.getFailed().intValue();
        String start = status == null ? null : status.getStartTime();
        Optional<JobCondition> complete = trueCondition(job, "Complete");
        if (complete.isPresent()) {
            String at =
                    status.getCompletionTime() != null
                            ? status.getCompletionTime()
                            : complete.get().getLastTransitionTime();
            return new Complete(failed, start, at);
        }
        Optional<JobCondition> failure = trueCondition(job, "Failed");
        if (failure.isPresent()) {
            JobCondition c = failure.get();
            Long deadline = job.getSpec() == null ? null : job.getSpec().getActiveDeadlineSeconds();
            return new Failed(
                    bounded(c.getReason()),
                    bounded(c.getMessage()),
                    DEADLINE_EXCEEDED.equals(c.getReason()),
                    deadline,
                    failed,
                    start,
                    c.getLastTransitionTime());
        }
        int ready = status == null || status.getReady() == null ? 0 : status.getReady();
        return new Active(ready, failed, start);
    }

    private static Optional<JobCondition> trueCondition(Job job, String type) {
        List<JobCondition> conditions =
                job.getStatus() == null || job.getStatus().getConditions() == null
                        ? List.of()
                        : job.getStatus().getConditions();
        return conditions.stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static String bounded(String text) {
        if (text == null || text.length() <= MAX_TEXT) {
            return text;
        }
        return text.substring(0, MAX_TEXT - 1) + "…";
    }
}
