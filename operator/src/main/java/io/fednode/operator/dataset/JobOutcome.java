package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an anonymiser Job's status and Pods say about its run. Pure, so it is unit-tested with
 * hand-written Job and Pod objects.
 */
public sealed interface JobOutcome {
    /** Longest failure message copied into the Dataset's conditions. */
    int MAX_MESSAGE = 512;

    /** Longest reason copied from a Job condition (a condition reason is at most 1024). */
    int MAX_REASON = 128;

    /** The Job controller's reason for a Job stopped at its {@code activeDeadlineSeconds}. */
    String DEADLINE_EXCEEDED = "DeadlineExceeded";

    /** Not finished yet. */
    record Running(int failedAttempts, String startTime) implements JobOutcome {}

    /**
     * Completed. {@code report} is empty when the termination message held no usable report, and
     * {@code reportProblem} then says why.
     */
    record Succeeded(
            Optional<AnonymiserReport> report,
            String reportProblem,
            int failedAttempts,
            String startTime,
            String completionTime)
            implements JobOutcome {}

    /** Failed for good: the Job controller gave up. */
    record Failed(String reason, String message, int failedAttempts, String startTime)
            implements JobOutcome {}

    static JobOutcome of(Job job, List<Pod> pods) {
        var status = job.getStatus();
        int failed =
                status == null || status.getFailed() == null ? 0 : status.getFailed().intValue();
        String start = status == null ? null : status.getStartTime();
        if (hasCondition(job, "Complete")) {
            Optional<ContainerStateTerminated> done =
                    terminatedStates(pods).filter(t -> exitCode(t) == 0).max(byFinish());
            if (done.isEmpty()) {
                return new Succeeded(
                        Optional.empty(),
                        "no terminated anonymiser container found to read the report from",
                        failed,
                        start,
                        status.getCompletionTime());
            }
            try {
                return new Succeeded(
                        Optional.of(AnonymiserReport.parse(done.get().getMessage())),
                        null,
                        failed,
                        start,
                        status.getCompletionTime());
            } catch (AnonymiserReport.UnreadableReportException e) {
                return new Succeeded(
                        Optional.empty(),
                        e.getMessage(),
                        failed,
                        start,
                        status.getCompletionTime());
            }
        }
        Optional<JobCondition> failedCondition = condition(job, "Failed");
        if (failedCondition.isPresent()) {
            JobCondition c = failedCondition.get();
            Optional<ContainerStateTerminated> last =
                    terminatedStates(pods).filter(t -> exitCode(t) != 0).max(byFinish());
            String reason =
                    c.getReason() == null
                            ? "JobFailed"
                            : AnonymiserText.bounded(c.getReason(), MAX_REASON);
            StringBuilder message = new StringBuilder();
            message.append("Job ").append(job.getMetadata().getName());
            if (DEADLINE_EXCEEDED.equals(c.getReason())) {
                message.append(" was stopped: it ran longer than its deadline");
                Long deadline =
                        job.getSpec() == null ? null : job.getSpec().getActiveDeadlineSeconds();
                if (deadline != null) {
                    message.append(" of ").append(deadline).append(" s");
                }
                message.append(" (spec.activeDeadlineSeconds; a new value applies to the next")
                        .append(" revision) after ")
                        .append(failed)
                        .append(failed == 1 ? " failed attempt" : " failed attempts");
            } else {
                message.append(" failed after ")
                        .append(failed)
                        .append(failed == 1 ? " attempt" : " attempts");
                if (c.getMessage() != null && !c.getMessage().isBlank()) {
                    message.append(" (")
                            .append(AnonymiserText.bounded(c.getMessage(), MAX_MESSAGE))
                            .append(")");
                }
            }
            if (last.isPresent()) {
                message.append("; last exit code ").append(exitCode(last.get()));
                if (exitCode(last.get()) == AnonymisationJob.USAGE_ERROR_EXIT) {
                    reason = "AnonymiserUsageError";
                }
                // The anonymiser's own words: may name input files, hence no paths.
                String tail = AnonymiserText.safe(last.get().getMessage(), MAX_MESSAGE);
                if (!tail.isEmpty()) {
                    message.append(": ").append(tail);
                }
            }
            return new Failed(
                    reason, AnonymiserText.bounded(message.toString(), MAX_MESSAGE), failed, start);
        }
        return new Running(failed, start);
    }

    static boolean hasCondition(Job job, String type) {
        return condition(job, type).isPresent();
    }

    private static Optional<JobCondition> condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static java.util.stream.Stream<ContainerStateTerminated> terminatedStates(
            List<Pod> pods) {
        return pods.stream()
                .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
                .flatMap(p -> p.getStatus().getContainerStatuses().stream())
                .filter(s -> AnonymisationJob.CONTAINER.equals(s.getName()))
                .map(ContainerStatus::getState)
                .filter(Objects::nonNull)
                .map(s -> s.getTerminated())
                .filter(Objects::nonNull);
    }

    private static int exitCode(ContainerStateTerminated t) {
        return t.getExitCode() == null ? -1 : t.getExitCode();
    }

    private static Comparator<ContainerStateTerminated> byFinish() {
        // RFC 3339 times in UTC sort as strings.
        return Comparator.comparing(
                t -> t.getFinishedAt() == null ? "" : t.getFinishedAt(), Comparator.naturalOrder());
    }
}
