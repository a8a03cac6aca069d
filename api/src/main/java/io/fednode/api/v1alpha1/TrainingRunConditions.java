package io.fednode.api.v1alpha1;

/**
 * Condition types and reasons of {@link TrainingRun}. {@code Succeeded} is the summary of a bounded
 * run (Unknown while in progress, True or False at the end); {@code Reconciling} and {@code
 * Stalled} (in {@link io.fednode.api.common.ConditionTypes}) follow kstatus.
 */
public final class TrainingRunConditions {
    public static final String ADMITTED = "Admitted";
    public static final String QUEUED = "Queued";
    public static final String RUNNING = "Running";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";

    /** Reasons: why a run is where it is. Refusals are final. */
    public static final class Reasons {
        public static final String PENDING = "Pending";
        public static final String ADMITTED = "Admitted";
        public static final String NODE_NOT_FOUND = "NodeNotFound";
        public static final String NODE_NOT_READY = "NodeNotReady";
        public static final String NODE_NOT_COMPUTE = "NodeNotCompute";
        public static final String IMAGE_NOT_ALLOWED = "ImageNotAllowed";
        public static final String DIGEST_REQUIRED = "DigestRequired";
        public static final String TOO_MANY_GPUS = "TooManyGpus";
        public static final String AGGREGATOR_NOT_ALLOWED = "AggregatorNotAllowed";
        public static final String DATASET_NOT_FOUND = "DatasetNotFound";
        public static final String DATASET_NOT_READY = "DatasetNotReady";
        public static final String DATASET_ON_OTHER_NODE = "DatasetOnOtherNode";
        public static final String NOT_ADMITTED = "NotAdmitted";
        public static final String QUOTA_EXCEEDED = "QuotaExceeded";
        public static final String STARTED = "Started";
        public static final String JOB_PENDING = "JobPending";
        public static final String POD_RUNNING = "PodRunning";
        public static final String COMPLETED = "Completed";
        public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
        public static final String JOB_FAILED = "JobFailed";
        public static final String JOB_DELETED = "JobDeleted";
        public static final String IN_PROGRESS = "InProgress";
        public static final String FINISHED = "Finished";

        private Reasons() {}
    }

    private TrainingRunConditions() {}
}
