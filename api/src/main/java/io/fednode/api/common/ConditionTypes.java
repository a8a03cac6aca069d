package io.fednode.api.common;

/**
 * Condition types shared by every fednode resource. {@code Ready} is the summary; {@code
 * Reconciling} and {@code Stalled} follow kstatus ("abnormal-true": present and True only while the
 * resource is converging or stuck).
 */
public final class ConditionTypes {
    public static final String READY = "Ready";
    public static final String RECONCILING = "Reconciling";
    public static final String STALLED = "Stalled";

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    /** Reasons every kind uses; the kinds' own reasons are constants next to their types. */
    public static final class Reasons {
        /** {@code Stalled=False}: nothing blocks progress. */
        public static final String NO_BLOCKING_ERRORS = "NoBlockingErrors";

        /** A reconcile failed with an error the operator did not expect (retried). */
        public static final String RECONCILE_ERROR = "ReconcileError";

        private Reasons() {}
    }

    private ConditionTypes() {}
}
