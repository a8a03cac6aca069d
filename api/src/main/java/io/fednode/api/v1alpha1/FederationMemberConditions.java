package io.fednode.api.v1alpha1;

/**
 * Condition types and reasons specific to {@link FederationMember}, whose status the hub writes;
 * the summary type {@code Ready} and the statuses are in {@link
 * io.fednode.api.common.ConditionTypes}. {@code Ready} is True when both conditions below are True,
 * else False with the reason and message of the first that is not.
 */
public final class FederationMemberConditions {
    /** The node holds a client certificate the hub issued (True), or why not yet (False). */
    public static final String ENROLLED = "Enrolled";

    /** The node heartbeats within the allowed window and reports itself ready. */
    public static final String AVAILABLE = "Available";

    /** Reasons of the member's conditions, and of the Events the hub records on it. */
    public static final class Reasons {
        /** {@code Enrolled=True}: a client certificate was issued; also the Event on enrolment. */
        public static final String ENROLLED = "Enrolled";

        /** Event: the node renewed its client certificate. */
        public static final String CERTIFICATE_RENEWED = "CertificateRenewed";

        /** {@code spec.revoked} is true (Enrolled=False and Available=False). */
        public static final String REVOKED = "Revoked";

        /** {@code Enrolled=False}: the hub has not issued the join token Secret yet. */
        public static final String AWAITING_JOIN_TOKEN = "AwaitingJoinToken";

        /** {@code Enrolled=False}: the join token expired before the node enrolled. */
        public static final String JOIN_TOKEN_EXPIRED = "JoinTokenExpired";

        /** {@code Enrolled=False}: a valid join token waits for the node. */
        public static final String AWAITING_ENROLMENT = "AwaitingEnrolment";

        /** {@code Available=Unknown}: the node has not enrolled. */
        public static final String NOT_ENROLLED = "NotEnrolled";

        /** {@code Available=Unknown}: enrolled, but no heartbeat yet. */
        public static final String NO_HEARTBEAT_YET = "NoHeartbeatYet";

        /** {@code Available=Unknown}: silent for longer than the allowed window; also an Event. */
        public static final String HEARTBEATS_STOPPED = "HeartbeatsStopped";

        /** {@code Available=False}: the node's heartbeat reports Ready=False. */
        public static final String NODE_NOT_READY = "NodeNotReady";

        /** {@code Available=True}: heartbeats arrive in time. */
        public static final String HEARTBEAT_RECEIVED = "HeartbeatReceived";

        /** {@code Ready=True}; also the Event when a member becomes available again. */
        public static final String AVAILABLE = "Available";

        private Reasons() {}
    }

    private FederationMemberConditions() {}
}
