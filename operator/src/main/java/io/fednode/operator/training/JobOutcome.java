package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fednode.api.v1alpha1.TrainingRunConditions.Reasons;
import java.util.List;

/** What a run's Job says: still going (Pod running or not), succeeded, or failed and why. */
record JobOutcome(
        boolean running,
        boolean finished,
        boolean succeeded,
        String reason,
        String message,
        String finishedAt) {

    static JobOutcome of(Job job) {
        List<JobCondition> conditions =
                job.getStatus() == null || job.getStatus().getConditions() == null
                        ? List.of()
                        : job.getStatus().getConditions();
        for (JobCondition c : conditions) {
            if (!"True".equals(c.getStatus())) {
                continue;
            }
            if ("Complete".equals(c.getType())) {
                String at =
                        job.getStatus().getCompletionTime() != null
                                ? job.getStatus().getCompletionTime()
                                : c.getLastTransitionTime();
                return new JobOutcome(
                        false,
                        true,
                        true,
                        Reasons.COMPLETED,
                        "Job " + job.getMetadata().getName() + " completed",
                        at);
            }
            if ("Failed".equals(c.getType())) {
                boolean deadline = "DeadlineExceeded".equals(c.getReason());
                String message =
                        deadline
                                ? "Job "
                                        + job.getMetadata().getName()
                                        + " ran longer than its maxRuntime ("
                                        + job.getSpec().getActiveDeadlineSeconds()
                                        + "s) and was stopped"
                                : "Job "
                                        + job.getMetadata().getName()
                                        + " failed ("
                                        + c.getReason()
                                        + "): "
                                        + c.getMessage();
                return new JobOutcome(
                        false,
                        true,
                        false,
                        deadline ? Reasons.DEADLINE_EXCEEDED : Reasons.JOB_FAILED,
                        message,
                        c.getLastTransitionTime());
            }
        }
        Integer ready = job.getStatus() == null ? null : job.getStatus().getReady();
        return new JobOutcome(ready != null && ready > 0, false, false, null, null, null);
    }
}
