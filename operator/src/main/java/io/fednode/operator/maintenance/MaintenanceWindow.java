package io.fednode.operator.maintenance;

import io.fednode.api.common.GoDuration;
import io.fednode.api.v1alpha1.MaintenanceWindowSpec;
import io.fednode.api.v1alpha1.WeekDay;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A node's {@code spec.maintenanceWindow} as time: it opens at {@code start} (wall-clock time in
 * {@code timeZone}) on each of its days and stays open for {@code duration} of elapsed time,
 * possibly past midnight (the window belongs to the day it opened on).
 *
 * <p>On the days the clocks change, the start is resolved the way {@link ZonedDateTime#of} does: a
 * start in the gap when clocks go forward opens the window the length of the gap later (02:30 in
 * Europe/Madrid on the last Sunday of March opens at 03:30 CEST), a start in the hour that happens
 * twice when they go back opens at the first of the two. The duration is elapsed time, so a 3h
 * window is three real hours long on those nights too.
 */
public final class MaintenanceWindow {
    static final Duration SHORTEST = Duration.ofMinutes(15);
    static final Duration LONGEST = Duration.ofHours(24);
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter SHOWN =
            DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm xxx", java.util.Locale.ROOT);

    private final Set<DayOfWeek> days;
    private final LocalTime start;
    private final Duration duration;
    private final ZoneId zone;

    MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, Duration duration, ZoneId zone) {
        this.days = days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
        this.start = start;
        this.duration = duration;
        this.zone = zone;
    }

    /**
     * Whether changes that wait for the window may be made at {@code now}, and if not, until when
     * they wait.
     */
    public sealed interface Verdict permits Open, Closed, Unusable {}

    /** The window is open (or the node declares none). */
    public record Open() implements Verdict {}

    /** The window is closed; it opens next at {@code opens}. */
    public record Closed(Instant opens, String description) implements Verdict {}

    /** The window cannot be used (e.g. an unknown time zone): it never opens until fixed. */
    public record Unusable(String problem) implements Verdict {}

    /** The verdict for {@code spec} (null: no window, always {@link Open}) at {@code now}. */
    public static Verdict verdict(MaintenanceWindowSpec spec, Instant now) {
        if (spec == null) {
            return new Open();
        }
        MaintenanceWindow window;
        try {
            window = of(spec);
        } catch (IllegalArgumentException e) {
            return new Unusable(e.getMessage());
        }
        if (window.isOpen(now)) {
            return new Open();
        }
        Instant next = window.nextOpening(now);
        return new Closed(next, window.show(next));
    }

    /**
     * Reads {@code spec}; the API server has checked its form, this checks what it cannot: that the
     * time zone is one the JVM knows.
     *
     * @throws IllegalArgumentException with a message naming the field
     */
    public static MaintenanceWindow of(MaintenanceWindowSpec spec) {
        String zoneName = spec.getTimeZone() == null ? "UTC" : spec.getTimeZone();
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneName);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    "spec.maintenanceWindow.timeZone "
                            + zoneName
                            + " is not a time zone the operator knows (write an IANA name such as"
                            + " Europe/Madrid, or UTC)");
        }
        LocalTime start;
        try {
            start = LocalTime.parse(String.valueOf(spec.getStart()), HH_MM);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "spec.maintenanceWindow.start " + spec.getStart() + " is not a time as HH:MM");
        }
        Duration duration;
        try {
            duration = GoDuration.parse(spec.getDuration());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "spec.maintenanceWindow.duration: " + e.getMessage());
        }
        if (duration.compareTo(SHORTEST) < 0 || duration.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException(
                    "spec.maintenanceWindow.duration "
                            + spec.getDuration()
                            + " is not between 15m and 24h");
        }
        Set<DayOfWeek> days =
                spec.getDays().stream()
                        .map(WeekDay::dayOfWeek)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(DayOfWeek.class)));
        return new MaintenanceWindow(days, start, duration, zone);
    }

    /** Whether the window is open at {@code t}. */
    public boolean isOpen(Instant t) {
        return closesAt(t).isPresent();
    }

    /** When the window open at {@code t} closes; empty when none is open. */
    public Optional<Instant> closesAt(Instant t) {
        LocalDate today = t.atZone(zone).toLocalDate();
        // a window is at most 24h long: only one opened today, yesterday or (clocks changed) the
        // day before can still be open
        for (LocalDate d = today.minusDays(2); !d.isAfter(today); d = d.plusDays(1)) {
            if (!days.contains(d.getDayOfWeek())) {
                continue;
            }
            Instant opens = opening(d);
            Instant closes = opens.plus(duration);
            if (!t.isBefore(opens) && t.isBefore(closes)) {
                return Optional.of(closes);
            }
        }
        return Optional.empty();
    }

    /** The first opening of the window after {@code t}. */
    public Instant nextOpening(Instant t) {
        LocalDate today = t.atZone(zone).toLocalDate();
        for (LocalDate d = today.minusDays(1); ; d = d.plusDays(1)) {
            if (days.contains(d.getDayOfWeek())) {
                Instant opens = opening(d);
                if (opens.isAfter(t)) {
                    return opens;
                }
            }
        }
    }

    /** When the window of date {@code d} opens. */
    Instant opening(LocalDate d) {
        return ZonedDateTime.of(d, start, zone).toInstant();
    }

    /** {@code t} as a person in the window's time zone reads it, with the zone's name. */
    public String show(Instant t) {
        return SHOWN.format(t.atZone(zone)) + " (" + zone.getId() + ")";
    }
}
