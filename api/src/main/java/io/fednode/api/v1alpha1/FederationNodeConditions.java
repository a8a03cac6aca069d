package io.fednode.api.v1alpha1;

/**
 * Condition types and annotations specific to {@link FederationNode}; the kstatus ones ({@code
 * Ready}, {@code Reconciling}, {@code Stalled}) are in {@link
 * io.fednode.api.common.ConditionTypes}, with the reasons every kind shares ({@code
 * NoBlockingErrors}, {@code ReconcileError}).
 */
public final class FederationNodeConditions {
    /** Every declared volume has a bound claim of at least the requested size. */
    public static final String STORAGE_READY = "StorageReady";

    /** The namespace denies all traffic except the allow rules the node's workloads need. */
    public static final String NETWORK_ISOLATED = "NetworkIsolated";

    /** The node holds a certificate signed by the hub (Unknown until the hub link exists). */
    public static final String REGISTERED = "Registered";

    /** Heartbeats reach the hub (Unknown until the hub link exists). */
    public static final String CONNECTED = "Connected";

    /**
     * A new operator version's roll-forward of the node's objects waits for {@code
     * spec.maintenanceWindow} (False: the objects are as the running operator makes them).
     */
    public static final String UPGRADE_PENDING = "UpgradePending";

    /** Reconciliation is stopped by the {@link #PAUSED_ANNOTATION} annotation. */
    public static final String PAUSED = "Paused";

    /** Set to {@code "true"} to stop the operator from changing anything the node owns. */
    public static final String PAUSED_ANNOTATION = "fednode.io/paused";

    /**
     * Reasons of a node's conditions and of the Events the operator records about it. The hub
     * link's own reasons ({@code HubUnreachable}, {@code RefusedByHub}…) come from the link.
     */
    public static final class Reasons {
        // StorageReady, and Ready/Reconciling/Stalled while a volume holds the node back
        public static final String NO_VOLUMES_DECLARED = "NoVolumesDeclared";
        public static final String VOLUMES_BOUND = "VolumesBound";
        public static final String VOLUME_CLAIM_BOUND = "VolumeClaimBound";
        public static final String VOLUME_CLAIM_CREATING = "VolumeClaimCreating";
        public static final String VOLUME_CLAIM_PENDING = "VolumeClaimPending";
        public static final String VOLUME_EXPANSION_IN_PROGRESS = "VolumeExpansionInProgress";
        public static final String VOLUME_CLAIM_REJECTED = "VolumeClaimRejected";
        public static final String VOLUME_SHRINK_NOT_ALLOWED = "VolumeShrinkNotAllowed";
        public static final String VOLUME_SPEC_IMMUTABLE = "VolumeSpecImmutable";

        // NetworkIsolated
        public static final String DEFAULT_DENY_IN_PLACE = "DefaultDenyInPlace";
        public static final String NETWORK_POLICIES_MISSING = "NetworkPoliciesMissing";

        // Registered, Connected without a hub link
        public static final String NO_HUB_LINK = "NoHubLink";

        // the pseudonymisation key
        public static final String PSEUDONYM_KEY_INVALID = "PseudonymKeyInvalid";
        public static final String PSEUDONYM_KEY_MISSING = "PseudonymKeyMissing";

        // Ready, Reconciling, Paused
        public static final String NODE_READY = "NodeReady";
        public static final String CONVERGED = "Converged";
        public static final String NOT_PAUSED = "NotPaused";
        public static final String PAUSED_BY_ANNOTATION = "PausedByAnnotation";

        /** A condition not observed yet because the node is paused. */
        public static final String PAUSED = "Paused";

        // UpgradePending (held: the components' OutsideMaintenanceWindow and
        // MaintenanceWindowInvalid)
        public static final String UP_TO_DATE = "UpToDate";

        // Events only
        public static final String VOLUME_CLAIM_CREATED = "VolumeClaimCreated";
        public static final String VOLUME_EXPANSION_REQUESTED = "VolumeExpansionRequested";
        public static final String PSEUDONYM_KEY_GENERATED = "PseudonymKeyGenerated";
        public static final String NETWORK_POLICY_RESTORED = "NetworkPolicyRestored";
        public static final String REMOVED = "Removed";
        public static final String RESUMED = "Resumed";
        public static final String REGISTERED = "Registered";
        public static final String HUB_CONNECTED = "HubConnected";

        private Reasons() {}
    }

    private FederationNodeConditions() {}
}
