package io.fednode.operator.dataset;

import static io.fednode.api.common.ConditionTypes.FALSE;
import static io.fednode.api.common.ConditionTypes.READY;
import static io.fednode.api.common.ConditionTypes.RECONCILING;
import static io.fednode.api.common.ConditionTypes.STALLED;
import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.api.v1alpha1.DatasetConditions.FAILED;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetConditions.Reasons;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.operator.common.OperatorIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one builder of a Dataset's status. Pure: the same inputs give the same status. Conditions are
 * made with {@link Conditions#of} and settled against the previous ones with {@link
 * Conditions#settle}, so a condition whose status does not change keeps its lastTransitionTime
 * (Kubernetes API conventions) and a reconcile that observes nothing new produces an identical
 * status (and no write). The previous status (the informer cache's) is never modified.
 */
public final class DatasetConditionsBuilder {
    /** Order of the conditions; all four are always present. */
    public static final List<String> TYPES = List.of(READY, RECONCILING, STALLED, FAILED);

    private static final String NOTHING_BLOCKS = "nothing blocks progress";

    /** Why no Job can run. {@code stalled}: a person must fix something; else it is a wait. */
    public record Refusal(String reason, String message, boolean stalled) {}

    private DatasetConditionsBuilder() {}

    /** The node does not allow a Job; what the status said about existing data is kept. */
    public static DatasetStatus refused(Dataset dataset, Refusal refusal, Instant now) {
        long gen = generation(dataset);
        String reason = refusal.reason();
        String message = refusal.message();
        List<Condition> c =
                refusal.stalled()
                        ? List.of(
                                Conditions.of(READY, FALSE, reason, message, gen),
                                Conditions.of(RECONCILING, FALSE, Reasons.BLOCKED, message, gen),
                                Conditions.of(STALLED, TRUE, reason, message, gen),
                                notFailed(gen))
                        : unblocked(FALSE, reason, message, gen);
        return settled(dataset, copyOf(dataset.getStatus()), c, now);
    }

    /**
     * The status as it is, observed at the current generation: a new object (the Dataset is the
     * informer cache's, and a change made to it in place would hide itself from the change check
     * and stay in the cache). Conditions keep their reason, message and lastTransitionTime.
     */
    public static DatasetStatus observed(Dataset dataset) {
        DatasetStatus previous = dataset.getStatus();
        long gen = generation(dataset);
        DatasetStatus s = copyOf(previous);
        s.setObservedGeneration(gen);
        s.setConditions(
                previous == null || previous.getConditions() == null
                        ? List.of()
                        : previous.getConditions().stream()
                                .map(
                                        p ->
                                                new ConditionBuilder(p)
                                                        .withObservedGeneration(gen)
                                                        .build())
                                .toList());
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
        long gen = generation(dataset);
        DatasetStatus s = new DatasetStatus();
        s.setOperatorVersion(OperatorIdentity.version());
        s.setRevision(revision);
        s.setRevisionDigest(digest);
        s.setJobName(jobName);
        s.setOutputPath(DatasetRevision.outputPath(dataset, revision));
        List<Condition> c;
        if (outcome instanceof JobOutcome.Running r) {
            s.setStartTime(r.startTime());
            s.setFailedAttempts(r.failedAttempts());
            String reason =
                    r.failedAttempts() > 0 ? Reasons.RETRYING_AFTER_FAILURE : Reasons.ANONYMISING;
            String message = running(jobName, revision, r.failedAttempts());
            c = unblocked(FALSE, reason, message, gen);
        } else if (outcome instanceof JobOutcome.Succeeded ok) {
            s.setStartTime(ok.startTime());
            s.setCompletionTime(ok.completionTime());
            s.setFailedAttempts(ok.failedAttempts());
            String reason;
            String message;
            if (ok.report().isPresent()) {
                AnonymiserReport report = ok.report().get();
                s.setFiles(
                        new DatasetStatus.DatasetFiles(
                                report.filesSeen(),
                                report.filesWritten(),
                                report.filesQuarantined()));
                s.setBytes(new DatasetStatus.DatasetBytes(report.bytesIn(), report.bytesOut()));
                s.setQuarantineReasons(report.quarantineReasons());
                reason = Reasons.ANONYMISED;
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
                reason = Reasons.ANONYMISED_WITHOUT_REPORT;
                message =
                        "Job "
                                + jobName
                                + " completed, but its report could not be read ("
                                + ok.reportProblem()
                                + "); file counts are unknown";
            }
            c = unblocked(TRUE, reason, message, gen);
        } else {
            JobOutcome.Failed f = (JobOutcome.Failed) outcome;
            s.setStartTime(f.startTime());
            s.setFailedAttempts(f.failedAttempts());
            c =
                    List.of(
                            Conditions.of(
                                    READY, FALSE, Reasons.ANONYMISATION_FAILED, f.message(), gen),
                            Conditions.of(RECONCILING, FALSE, f.reason(), f.message(), gen),
                            Conditions.of(STALLED, TRUE, f.reason(), f.message(), gen),
                            Conditions.of(FAILED, TRUE, f.reason(), f.message(), gen));
        }
        return settled(dataset, s, c, now);
    }

    /** The condition of this type in {@code status} (which may be null). */
    public static Optional<Condition> find(DatasetStatus status, String type) {
        return Conditions.find(status == null ? null : status.getConditions(), type);
    }

    /** Whether {@code status} holds the condition of this type with status True. */
    static boolean isTrue(DatasetStatus status, String type) {
        return Conditions.is(
                status == null ? null : status.getConditions(), type, ConditionTypes.TRUE);
    }

    private static String running(String jobName, int revision, int failedAttempts) {
        String message = "Job " + jobName + " is anonymising revision " + revision;
        if (failedAttempts == 0) {
            return message;
        }
        return message
                + " (attempt "
                + (failedAttempts + 1)
                + " of "
                + (AnonymisationJob.BACKOFF_LIMIT + 1)
                + " after "
                + failedAttempts
                + " failed)";
    }

    /** {@code s} at the Dataset's generation with {@code computed} settled against the last. */
    private static DatasetStatus settled(
            Dataset dataset, DatasetStatus s, List<Condition> computed, Instant now) {
        DatasetStatus previous = dataset.getStatus();
        s.setObservedGeneration(generation(dataset));
        s.setConditions(
                Conditions.settle(
                        computed, previous == null ? null : previous.getConditions(), now));
        return s;
    }

    private static long generation(Dataset dataset) {
        return dataset.getMetadata().getGeneration();
    }

    /**
     * Nothing blocks the Dataset: Ready is {@code ready}, Reconciling its opposite (converging
     * until Ready), both with this reason and message; not stalled, not failed.
     */
    private static List<Condition> unblocked(
            String ready, String reason, String message, long gen) {
        String reconciling = TRUE.equals(ready) ? FALSE : TRUE;
        return List.of(
                Conditions.of(READY, ready, reason, message, gen),
                Conditions.of(RECONCILING, reconciling, reason, message, gen),
                notStalled(gen),
                notFailed(gen));
    }

    private static Condition notStalled(long gen) {
        return Conditions.of(
                STALLED, FALSE, ConditionTypes.Reasons.NO_BLOCKING_ERRORS, NOTHING_BLOCKS, gen);
    }

    private static Condition notFailed(long gen) {
        return Conditions.of(
                FAILED, FALSE, Reasons.NOT_FAILED, "the current revision has not failed", gen);
    }

    private static DatasetStatus copyOf(DatasetStatus previous) {
        DatasetStatus s = new DatasetStatus();
        s.setOperatorVersion(OperatorIdentity.version());
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
                s.setQuarantineReasons(new TreeMap<>(previous.getQuarantineReasons()));
            }
            s.setStartTime(previous.getStartTime());
            s.setFailedAttempts(previous.getFailedAttempts());
            s.setCompletionTime(previous.getCompletionTime());
        }
        return s;
    }
}
