package io.fednode.api.v1alpha1;

/**
 * Condition types and reasons of {@link FederatedJob}. {@code Succeeded} is the summary of the
 * bounded job (Unknown while nodes work, True or False at the end); {@code Ready} (in {@link
 * io.fednode.api.common.ConditionTypes}) mirrors it for {@code kubectl wait --for=condition=Ready};
 * {@code Reconciling} and {@code Stalled} follow kstatus.
 */
public final class FederatedJobConditions {
    public static final String SUCCEEDED = "Succeeded";

    /** Reasons of the job's conditions and of its Events. */
    public static final class Reasons {
        /** Nodes are being chosen (no entries yet). */
        public static final String PLACING = "Placing";

        /** Offered nodes have not all decided yet. */
        public static final String AWAITING_NODES = "AwaitingNodes";

        /** Nodes run the job. */
        public static final String RUNNING = "Running";

        /** Succeeded=True: every placed node succeeded. */
        public static final String ALL_SUCCEEDED = "AllSucceeded";

        /** Succeeded=True: enough nodes and every required node succeeded, others did not. */
        public static final String PARTIALLY_SUCCEEDED = "PartiallySucceeded";

        /** Succeeded=False, Stalled=True: fewer than minNodes can still succeed. */
        public static final String QUORUM_NOT_REACHED = "QuorumNotReached";

        /**
         * Succeeded=False, Stalled=True: a required node refused, failed, was lost or not placed.
         */
        public static final String REQUIRED_NODE_FAILED = "RequiredNodeFailed";

        /** Succeeded=False, Stalled=True: no member fits the placement. */
        public static final String NO_MATCHING_NODES = "NoMatchingNodes";

        /** A node entry's reason: the node did not decide before acceptDeadline. */
        public static final String ACCEPT_DEADLINE_EXCEEDED = "AcceptDeadlineExceeded";

        /** A node entry's reason: the node stopped heartbeating while it had the job. */
        public static final String NODE_LOST = "HeartbeatsStopped";

        private Reasons() {}
    }

    private FederatedJobConditions() {}
}
