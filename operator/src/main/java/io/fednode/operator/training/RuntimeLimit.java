package io.fednode.operator.training;

import io.fednode.api.common.GoDuration;
import io.fednode.api.v1alpha1.ComputeSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import java.time.Duration;

/**
 * How long a run may take: the smaller of the run's {@code maxRuntime} and the node's {@code
 * compute.maxRuntime}, in whole seconds for the Job's {@code activeDeadlineSeconds}.
 */
public final class RuntimeLimit {
    /** The node's default when it sets none (the CRD default). */
    static final Duration NODE_DEFAULT = Duration.ofHours(24);

    private RuntimeLimit() {}

    /** Seconds of {@code activeDeadlineSeconds}; at least 1. */
    public static long activeDeadlineSeconds(TrainingRun run, FederationNode node) {
        ComputeSpec compute = node.getSpec().getCompute();
        Duration nodeMax =
                compute == null || compute.getMaxRuntime() == null
                        ? NODE_DEFAULT
                        : parse(compute.getMaxRuntime());
        Duration limit = nodeMax;
        if (run.getSpec().getMaxRuntime() != null) {
            Duration runMax = parse(run.getSpec().getMaxRuntime());
            if (runMax.compareTo(limit) < 0) {
                limit = runMax;
            }
        }
        long seconds = limit.getSeconds() + (limit.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    /**
     * A duration as the CRDs accept it, by the one grammar of {@link GoDuration} (the CRDs' pattern
     * of {@code maxRuntime}, sums of h, m and s parts such as 1h30m or 90s, is part of it).
     *
     * @throws IllegalArgumentException naming the text when it is not a duration
     */
    static Duration parse(String text) {
        return GoDuration.parse(text);
    }
}
