package io.fednode.api.common;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of fednode, for CRD fields, operator and hub settings alike: the way
 * Kubernetes users write durations (Go's {@code time.ParseDuration}), one or more parts of a
 * decimal number and a unit (ns, us or µs, ms, s, m, h), {@code 250ms}, {@code 30s}, {@code 1.5h},
 * {@code 1h30m}, plus {@code d} for whole days ({@code 30d}), which certificate lifetimes are
 * written in. Anything else — blank, a bare number, a sign, spaces between parts, an unknown unit —
 * is refused with a message that names the text; nothing falls back to a default.
 */
public final class GoDuration {
    /** The CRDs' OpenAPI pattern for a duration field: the same grammar. */
    public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h|d))+$";

    private static final Pattern WHOLE = Pattern.compile(PATTERN);
    private static final Pattern PART =
            Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h|d)");
    private static final BigDecimal MAX_SECONDS =
            BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000_000L);

    private GoDuration() {}

    /**
     * Parses {@code text}; fractions of a nanosecond round up.
     *
     * @throws IllegalArgumentException naming the text when it is not a duration of this grammar
     */
    public static Duration parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "not a duration: '"
                            + text
                            + "' (write a number and a unit, ns, us, ms, s, m, h or d, e.g. 30s, 5m, 1h30m,"
                            + " 24h, 30d)");
        }
        BigDecimal seconds = BigDecimal.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            BigDecimal unit =
                    switch (m.group(2)) {
                        case "ns" -> new BigDecimal("0.000000001");
                        case "us", "µs" -> new BigDecimal("0.000001");
                        case "ms" -> new BigDecimal("0.001");
                        case "s" -> BigDecimal.ONE;
                        case "m" -> BigDecimal.valueOf(60);
                        case "h" -> BigDecimal.valueOf(3_600);
                        default -> BigDecimal.valueOf(86_400);
                    };
            seconds = seconds.add(new BigDecimal(m.group(1)).multiply(unit));
            if (seconds.compareTo(MAX_SECONDS) > 0) {
                throw new IllegalArgumentException("duration too long: '" + text + "'");
            }
        }
        return Duration.ofNanos(
                seconds.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact());
    }
}
