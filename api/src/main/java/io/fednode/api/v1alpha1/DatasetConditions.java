package io.fednode.api.v1alpha1;

/**
 * Condition types specific to {@link Dataset}; the kstatus ones ({@code Ready}, {@code
 * Reconciling}, {@code Stalled}) are in {@link io.fednode.api.common.ConditionTypes}.
 */
public final class DatasetConditions {
    /**
     * The current revision's anonymisation failed for good (retries used up, or an error retrying
     * cannot fix); the reason and message say why. Present and True only then.
     */
    public static final String FAILED = "Failed";

    private DatasetConditions() {}
}
