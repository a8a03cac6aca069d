package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fednode.api.v1alpha1.TrainingRunConditions.Reasons;
import io.fednode.operator.common.JobState;

/**
 * What a run's Job means for the run, read from the common {@link JobState}: still going (Pod
 * running or not), succeeded, or failed and why, in the words of a TrainingRun's conditions.
 */
record JobOutcome(
        boolean running,
        boolean finished,
        boolean succeeded,
        String reason,
        String message,
        String finishedAt) {

    static JobOutcome of(Job job) {
        String name = job.getMetadata().getName();
        JobState state = JobState.of(job);
        if (state instanceof JobState.Complete c) {
            return new JobOutcome(
                    false,
                    true,
                    true,
                    Reasons.COMPLETED,
                    "Job " + name + " completed",
                    c.completionTime());
        }
        if (state instanceof JobState.Failed f) {
            String message =
                    f.deadlineExceeded()
                            ? "Job "
                                    + name
                                    + " ran longer than its maxRuntime ("
                                    + f.deadlineSeconds()
                                    + "s) and was stopped"
                            : "Job " + name + " failed (" + f.reason() + "): " + f.message();
            return new JobOutcome(
                    false,
                    true,
                    false,
                    f.deadlineExceeded() ? Reasons.DEADLINE_EXCEEDED : Reasons.JOB_FAILED,
                    message,
                    f.failedAt());
        }
        JobState.Active active = (JobState.Active) state;
        return new JobOutcome(active.readyPods() > 0, false, false, null, null, null);
    }
}
