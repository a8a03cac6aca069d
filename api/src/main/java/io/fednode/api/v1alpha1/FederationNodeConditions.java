package io.fednode.api.v1alpha1;

/**
 * Condition types and annotations specific to {@link FederationNode}; the kstatus ones ({@code
 * Ready}, {@code Reconciling}, {@code Stalled}) are in {@link
 * io.fednode.api.common.ConditionTypes}.
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

    /** Reconciliation is stopped by the {@link #PAUSED_ANNOTATION} annotation. */
    public static final String PAUSED = "Paused";

    /** Set to {@code "true"} to stop the operator from changing anything the node owns. */
    public static final String PAUSED_ANNOTATION = "fednode.io/paused";

    private FederationNodeConditions() {}
}
