package io.fednode.api.v1alpha1;

/**
 * Condition types and reasons specific to {@link Dataset}; the kstatus types ({@code Ready}, {@code
 * Reconciling}, {@code Stalled}) and the shared reasons are in {@link
 * io.fednode.api.common.ConditionTypes}.
 */
public final class DatasetConditions {
    /**
     * The current revision's anonymisation failed for good (retries used up, or an error retrying
     * cannot fix); the reason and message say why. Present and True only then.
     */
    public static final String FAILED = "Failed";

    /** Reasons: why a Dataset is where it is, and the reasons of its Events. */
    public static final class Reasons {
        /** {@code spec.nodeRef} names no FederationNode of the namespace (stalled). */
        public static final String NODE_NOT_FOUND = "NodeNotFound";

        /** The node has role compute: it holds no raw images (stalled). */
        public static final String NODE_HOLDS_NO_DATA = "NodeHoldsNoData";

        /** The node declares no raw, anonymised or scratch volume (stalled). */
        public static final String NODE_VOLUME_MISSING = "NodeVolumeMissing";

        /** The node is not Ready yet: no Job is created meanwhile (a wait). */
        public static final String WAITING_FOR_NODE = "WaitingForNode";

        /** {@code Reconciling=False} while a person must fix what stalls the Dataset. */
        public static final String BLOCKED = "Blocked";

        /** {@code Failed=False}: the current revision has not failed. */
        public static final String NOT_FAILED = "NotFailed";

        /** The revision's Job runs its first attempt. */
        public static final String ANONYMISING = "Anonymising";

        /** The revision's Job runs again after failed attempts. */
        public static final String RETRYING_AFTER_FAILURE = "RetryingAfterFailure";

        /** The revision's Job completed and its report was read. */
        public static final String ANONYMISED = "Anonymised";

        /** The revision's Job completed, but no report could be read. */
        public static final String ANONYMISED_WITHOUT_REPORT = "AnonymisedWithoutReport";

        /** {@code Ready=False} of a revision that failed for good. */
        public static final String ANONYMISATION_FAILED = "AnonymisationFailed";

        /** The Job failed and the Job controller gave no reason. */
        public static final String JOB_FAILED = "JobFailed";

        /** The anonymiser refused its arguments (exit status 2): retrying cannot help. */
        public static final String ANONYMISER_USAGE_ERROR = "AnonymiserUsageError";

        /** Event: the operator created the Job of a revision. */
        public static final String JOB_CREATED = "JobCreated";

        /** Event (Warning): a revision was anonymised, but some of its files were quarantined. */
        public static final String FILES_QUARANTINED = "FilesQuarantined";

        private Reasons() {}
    }

    private DatasetConditions() {}
}
