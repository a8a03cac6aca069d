package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fednode.api.v1alpha1.DatasetConditions.Reasons;
import io.fednode.operator.common.JobState;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What an anonymiser Job's run means for its Dataset: the Job's state as the common {@link
 * JobState} reads it, plus what only the anonymiser has: its report (the succeeded Pod's
 * termination message), its own error text (made safe by {@link AnonymiserText}) and its
 * usage-error exit. Pure, so it is unit-tested with hand-written Job and Pod objects.
 */
public sealed interface JobOutcome {
    /** Longest failure message copied into the Dataset's conditions. */
    int MAX_MESSAGE = 512;

    /** Longest reason copied from a Job condition (a condition reason is at most 1024). */
    int MAX_REASON = 128;

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

    /** The outcome of {@code job}; {@code pods} are its Pods (read only once it has finished). */
    static JobOutcome of(Job job, List<Pod> pods) {
        JobState state = JobState.of(job);
        if (state instanceof JobState.Complete done) {
            return succeeded(done, pods);
        }
        if (state instanceof JobState.Failed failed) {
            return failed(job.getMetadata().getName(), failed, pods);
        }
        return new Running(state.failedAttempts(), state.startTime());
    }

    private static Succeeded succeeded(JobState.Complete done, List<Pod> pods) {
        Optional<ContainerStateTerminated> last =
                terminatedStates(pods).filter(t -> exitCode(t) == 0).max(byFinish());
        Optional<AnonymiserReport> report = Optional.empty();
        String problem;
        if (last.isEmpty()) {
            problem = "no terminated anonymiser container found to read the report from";
        } else {
            try {
                report = Optional.of(AnonymiserReport.parse(last.get().getMessage()));
                problem = null;
            } catch (AnonymiserReport.UnreadableReportException e) {
                problem = e.getMessage();
            }
        }
        return new Succeeded(
                report, problem, done.failedAttempts(), done.startTime(), done.completionTime());
    }

    private static Failed failed(String jobName, JobState.Failed f, List<Pod> pods) {
        int attempts = f.failedAttempts();
        String reason =
                f.reason() == null
                        ? Reasons.JOB_FAILED
                        : AnonymiserText.bounded(f.reason(), MAX_REASON);
        StringBuilder message = new StringBuilder("Job ").append(jobName);
        if (f.deadlineExceeded()) {
            message.append(" was stopped: it ran longer than its deadline");
            if (f.deadlineSeconds() != null) {
                message.append(" of ").append(f.deadlineSeconds()).append(" s");
            }
            message.append(" (spec.activeDeadlineSeconds; a new value applies to the next")
                    .append(" revision) after ")
                    .append(attempts)
                    .append(attempts == 1 ? " failed attempt" : " failed attempts");
        } else {
            message.append(" failed after ")
                    .append(attempts)
                    .append(attempts == 1 ? " attempt" : " attempts");
            if (f.message() != null && !f.message().isBlank()) {
                message.append(" (")
                        .append(AnonymiserText.bounded(f.message(), MAX_MESSAGE))
                        .append(")");
            }
        }
        Optional<ContainerStateTerminated> last =
                terminatedStates(pods).filter(t -> exitCode(t) != 0).max(byFinish());
        if (last.isPresent()) {
            message.append("; last exit code ").append(exitCode(last.get()));
            if (exitCode(last.get()) == AnonymisationJob.USAGE_ERROR_EXIT) {
                reason = Reasons.ANONYMISER_USAGE_ERROR;
            }
            // The anonymiser's own words: may name input files, hence no paths.
            String tail = AnonymiserText.safe(last.get().getMessage(), MAX_MESSAGE);
            if (!tail.isEmpty()) {
                message.append(": ").append(tail);
            }
        }
        return new Failed(
                reason,
                AnonymiserText.bounded(message.toString(), MAX_MESSAGE),
                attempts,
                f.startTime());
    }

    private static Stream<ContainerStateTerminated> terminatedStates(List<Pod> pods) {
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
