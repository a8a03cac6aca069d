package io.fednode.operator.dataset;

import static io.fednode.api.common.ConditionTypes.FALSE;
import static io.fednode.api.common.ConditionTypes.READY;
import static io.fednode.api.common.ConditionTypes.RECONCILING;
import static io.fednode.api.common.ConditionTypes.STALLED;
import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.api.v1alpha1.DatasetConditions.FAILED;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a Dataset's status. Pure: the same inputs give the same status, and a condition whose
 * status does not change keeps its lastTransitionTime (Kubernetes API conventions), so a reconcile
 * that observes nothing new produces an identical status (and no write).
 */
public final class DatasetConditionsBuilder {
    /** Order of the conditions; all four are always present. */
    public static final List<String> TYPES = List.of(READY, RECONCILING, STALLED, FAILED);

    /** Why no Job can run. {@code stalled}: a person must fix something; else it is a wait. */
    public record Refusal(String reason, String message, boolean stalled) {}

    private DatasetConditionsBuilder() {}

    /** The node does not allow a Job; what the status said about existing data is kept. */
    public static DatasetStatus refused(Dataset dataset, Refusal refusal, Instant now) {
        DatasetStatus previous = dataset.getStatus();
        DatasetStatus s = copyOf(previous);
        long gen = dataset.getMetadata().getGeneration();
        s.setObservedGeneration(gen);
        List<Condition> c = new ArrayList<>();
        c.add(condition(previous, READY, FALSE, refusal.reason(), refusal.message(), gen, now));
        c.add(
                refusal.stalled()
                        ? condition(
                                previous,
                                RECONCILING,
                                FALSE,
                                "Blocked",
                                refusal.message(),
                                gen,
                                now)
                        : condition(
                                previous,
                                RECONCILING,
                                TRUE,
                                refusal.reason(),
                                refusal.message(),
                                gen,
                                now));
        c.add(
                refusal.stalled()
                        ? condition(
                                previous,
                                STALLED,
                                TRUE,
                                refusal.reason(),
                                refusal.message(),
                                gen,
                                now)
                        : condition(
                                previous,
                                STALLED,
                                FALSE,
                                "NoBlockingErrors",
                                "nothing blocks progress",
                                gen,
                                now));
        c.add(notFailed(previous, gen, now));
        s.setConditions(c);
        return s;
    }

    /**
     * The status as it is, observed at the current generation: a new object (the Dataset is the
     * informer cache's, and a change made to it in place would hide itself from the change check
     * and stay in the cache). Conditions keep their reason, message and lastTransitionTime.
     */
    public static DatasetStatus observed(Dataset dataset) {
        DatasetStatus previous = dataset.getStatus();
        long gen = dataset.getMetadata().getGeneration();
        DatasetStatus s = copyOf(previous);
        s.setObservedGeneration(gen);
        List<Condition> c = new ArrayList<>();
        if (previous != null && previous.getConditions() != null) {
            for (Condition p : previous.getConditions()) {
                c.add(new ConditionBuilder(p).withObservedGeneration(gen).build());
            }
        }
        s.setConditions(c);
        return s;
    }

    /** Status of revision {@code revision}, anonymised by {@code jobName}, given its outcome. */
    public static DatasetStatus forRevision(
            Dataset dataset,
            int revision,
            String digest,
            String jobName,
            JobOutcome outcome,
            Instant now) {
        DatasetStatus previous = dataset.getStatus();
        long gen = dataset.getMetadata().getGeneration();
        DatasetStatus s = new DatasetStatus();
        s.setObservedGeneration(gen);
        s.setRevision(revision);
        s.setRevisionDigest(digest);
        s.setJobName(jobName);
        s.setOutputPath(DatasetRevision.outputPath(dataset, revision));
        List<Condition> c = new ArrayList<>();
        String noBlock = "nothing blocks progress";
        if (outcome instanceof JobOutcome.Running r) {
            s.setStartTime(r.startTime());
            s.setFailedAttempts(r.failedAttempts());
            String message =
                    "Job "
                            + jobName
                            + " is anonymising revision "
                            + revision
                            + (r.failedAttempts() > 0
                                    ? " (attempt "
                                            + (r.failedAttempts() + 1)
                                            + " of "
                                            + (AnonymisationJob.BACKOFF_LIMIT + 1)
                                            + " after "
                                            + r.failedAttempts()
                                            + " failed)"
                                    : "");
            String reason = r.failedAttempts() > 0 ? "RetryingAfterFailure" : "Anonymising";
            c.add(condition(previous, READY, FALSE, reason, message, gen, now));
            c.add(condition(previous, RECONCILING, TRUE, reason, message, gen, now));
            c.add(condition(previous, STALLED, FALSE, "NoBlockingErrors", noBlock, gen, now));
            c.add(notFailed(previous, gen, now));
        } else if (outcome instanceof JobOutcome.Succeeded ok) {
            s.setStartTime(ok.startTime());
            s.setCompletionTime(ok.completionTime());
            s.setFailedAttempts(ok.failedAttempts());
            String message;
            String reason;
            if (ok.report().isPresent()) {
                AnonymiserReport report = ok.report().get();
                s.setFiles(
                        new DatasetStatus.DatasetFiles(
                                report.filesSeen(),
                                report.filesWritten(),
                                report.filesQuarantined()));
                s.setBytes(new DatasetStatus.DatasetBytes(report.bytesIn(), report.bytesOut()));
                s.setQuarantineReasons(report.quarantineReasons());
                reason = "Anonymised";
                message =
                        "revision "
                                + revision
                                + ": "
                                + report.filesWritten()
                                + " of "
                                + report.filesSeen()
                                + " files anonymised, "
                                + report.filesQuarantined()
                                + " quarantined";
            } else {
                reason = "AnonymisedWithoutReport";
                message =
                        "Job "
                                + jobName
                                + " completed, but its report could not be read ("
                                + ok.reportProblem()
                                + "); file counts are unknown";
            }
            c.add(condition(previous, READY, TRUE, reason, message, gen, now));
            c.add(condition(previous, RECONCILING, FALSE, reason, message, gen, now));
            c.add(condition(previous, STALLED, FALSE, "NoBlockingErrors", noBlock, gen, now));
            c.add(notFailed(previous, gen, now));
        } else if (outcome instanceof JobOutcome.Failed f) {
            s.setStartTime(f.startTime());
            s.setFailedAttempts(f.failedAttempts());
            c.add(condition(previous, READY, FALSE, "AnonymisationFailed", f.message(), gen, now));
            c.add(condition(previous, RECONCILING, FALSE, f.reason(), f.message(), gen, now));
            c.add(condition(previous, STALLED, TRUE, f.reason(), f.message(), gen, now));
            c.add(condition(previous, FAILED, TRUE, f.reason(), f.message(), gen, now));
        }
        s.setConditions(c);
        return s;
    }

    public static Optional<Condition> find(DatasetStatus status, String type) {
        if (status == null || status.getConditions() == null) {
            return Optional.empty();
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static Condition notFailed(DatasetStatus previous, long gen, Instant now) {
        return condition(
                previous,
                FAILED,
                FALSE,
                "NotFailed",
                "the current revision has not failed",
                gen,
                now);
    }

    private static Condition condition(
            DatasetStatus previous,
            String type,
            String status,
            String reason,
            String message,
            long generation,
            Instant now) {
        String since =
                find(previous, type)
                        .filter(p -> Objects.equals(p.getStatus(), status))
                        .map(Condition::getLastTransitionTime)
                        .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(since)
                .build();
    }

    private static DatasetStatus copyOf(DatasetStatus previous) {
        DatasetStatus s = new DatasetStatus();
        if (previous != null) {
            s.setRevision(previous.getRevision());
            s.setRevisionDigest(previous.getRevisionDigest());
            s.setJobName(previous.getJobName());
            s.setOutputPath(previous.getOutputPath());
            // Copies, not the cached status's own objects.
            DatasetStatus.DatasetFiles files = previous.getFiles();
            if (files != null) {
                s.setFiles(
                        new DatasetStatus.DatasetFiles(
                                files.getSeen(), files.getWritten(), files.getQuarantined()));
            }
            DatasetStatus.DatasetBytes bytes = previous.getBytes();
            if (bytes != null) {
                s.setBytes(new DatasetStatus.DatasetBytes(bytes.getRead(), bytes.getWritten()));
            }
            if (previous.getQuarantineReasons() != null) {
                s.setQuarantineReasons(new java.util.TreeMap<>(previous.getQuarantineReasons()));
            }
            s.setStartTime(previous.getStartTime());
            s.setCompletionTime(previous.getCompletionTime());
            s.setFailedAttempts(previous.getFailedAttempts());
        }
        return s;
    }
}
