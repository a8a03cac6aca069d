package io.fednode.operator.training;

import io.fednode.api.v1alpha1.ComputeSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a run may take: the smaller of the run's {@code maxRuntime} and the node's {@code
 * compute.maxRuntime}, in whole seconds for the Job's {@code activeDeadlineSeconds}.
 */
public final class RuntimeLimit {
    /** The node's default when it sets none (the CRD default). */
    static final Duration NODE_DEFAULT = Duration.ofHours(24);

    private static final Pattern WHOLE = Pattern.compile("^([0-9]+(\\.[0-9]+)?(h|m|s))+$");
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|m|s)");

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

    /** A Go-style duration as the CRDs accept it: sums of decimal h, m and s parts (1h30m, 90s). */
    static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("not a duration of h, m and s parts: " + text);
        }
        BigDecimal seconds = BigDecimal.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            BigDecimal amount = new BigDecimal(m.group(1));
            long unit =
                    switch (m.group(2)) {
                        case "h" -> 3600;
                        case "m" -> 60;
                        default -> 1;
                    };
            seconds = seconds.add(amount.multiply(BigDecimal.valueOf(unit)));
        }
        BigDecimal nanos = seconds.movePointRight(9).setScale(0, RoundingMode.CEILING);
        return Duration.ofNanos(nanos.longValueExact());
    }
}
