package io.fednode.hub;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written the way Kubernetes users write them: {@code 30s}, {@code 5m}, {@code 720h}. */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("([0-9]+)(ms|h|m|s|d)");

    private GoDuration() {}

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        Matcher m = PART.matcher(text.trim());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            total =
                    total.plus(
                            switch (m.group(2)) {
                                case "ms" -> Duration.ofMillis(n);
                                case "s" -> Duration.ofSeconds(n);
                                case "m" -> Duration.ofMinutes(n);
                                case "h" -> Duration.ofHours(n);
                                default -> Duration.ofDays(n);
                            });
            end = m.end();
        }
        if (end != text.trim().length()) {
            throw new IllegalArgumentException(
                    "not a duration: " + text + " (use e.g. 30s, 5m, 24h, 30d)");
        }
        return total;
    }
}
