package io.fednode.operator.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fednode.api.v1alpha1.MaintenanceWindowSpec;
import io.fednode.api.v1alpha1.WeekDay;
import io.fednode.operator.maintenance.MaintenanceWindow.Closed;
import io.fednode.operator.maintenance.MaintenanceWindow.Open;
import io.fednode.operator.maintenance.MaintenanceWindow.Unusable;
import io.fednode.operator.maintenance.MaintenanceWindow.Verdict;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The window arithmetic at fixed instants (as a fixed {@link Clock} gives them to the operator):
 * open or not, and when it opens next, across midnight and the nights the clocks change.
 */
class MaintenanceWindowTest {
    static MaintenanceWindowSpec spec(String start, String duration, String zone, WeekDay... days) {
        MaintenanceWindowSpec s = new MaintenanceWindowSpec();
        s.setStart(start);
        s.setDuration(duration);
        s.setTimeZone(zone);
        s.setDays(List.of(days));
        return s;
    }

    static Instant at(String utc) {
        return Instant.parse(utc);
    }

    static Verdict verdictAt(MaintenanceWindowSpec spec, String utc) {
        return MaintenanceWindow.verdict(spec, Clock.fixed(at(utc), ZoneOffset.UTC).instant());
    }

    @Test
    void noWindowIsAlwaysOpen() {
        assertThat(MaintenanceWindow.verdict(null, at("2026-12-03T10:00:00Z")))
                .isInstanceOf(Open.class);
    }

    @Test
    void everyDayInUtcOpensAtStartAndClosesAfterDuration() {
        MaintenanceWindow w = MaintenanceWindow.of(spec("02:00", "3h", "UTC"));
        assertThat(w.isOpen(at("2026-12-03T01:59:59Z"))).isFalse();
        assertThat(w.isOpen(at("2026-12-03T02:00:00Z"))).isTrue();
        assertThat(w.isOpen(at("2026-12-03T04:59:59Z"))).isTrue();
        assertThat(w.isOpen(at("2026-12-03T05:00:00Z"))).isFalse();
        assertThat(w.closesAt(at("2026-12-03T03:00:00Z"))).contains(at("2026-12-03T05:00:00Z"));
        assertThat(w.nextOpening(at("2026-12-03T01:00:00Z"))).isEqualTo(at("2026-12-03T02:00:00Z"));
        assertThat(w.nextOpening(at("2026-12-03T05:00:00Z"))).isEqualTo(at("2026-12-04T02:00:00Z"));
        // open now: the next opening is tomorrow's
        assertThat(w.nextOpening(at("2026-12-03T02:00:00Z"))).isEqualTo(at("2026-12-04T02:00:00Z"));
    }

    @Test
    void theDefaultTimeZoneIsUtc() {
        MaintenanceWindowSpec s = new MaintenanceWindowSpec();
        s.setStart("02:00");
        s.setDuration("1h");
        assertThat(s.getTimeZone()).isEqualTo("UTC");
        assertThat(MaintenanceWindow.of(s).isOpen(at("2026-12-03T02:30:00Z"))).isTrue();
        s.setTimeZone(null);
        assertThat(MaintenanceWindow.of(s).isOpen(at("2026-12-03T02:30:00Z"))).isTrue();
    }

    @Test
    void onlyTheNamedDaysInTheWindowsTimeZone() {
        // Thursday 2026-12-03; Madrid is UTC+1 in winter
        MaintenanceWindowSpec weekend =
                spec("02:00", "3h", "Europe/Madrid", WeekDay.SAT, WeekDay.SUN);
        Verdict thursday = verdictAt(weekend, "2026-12-03T01:30:00Z");
        assertThat(thursday).isInstanceOf(Closed.class);
        Closed closed = (Closed) thursday;
        assertThat(closed.opens()).isEqualTo(at("2026-12-05T01:00:00Z"));
        assertThat(closed.description()).isEqualTo("Sat 2026-12-05 02:00 +01:00 (Europe/Madrid)");
        assertThat(verdictAt(weekend, "2026-12-05T01:00:00Z")).isInstanceOf(Open.class);
        assertThat(verdictAt(weekend, "2026-12-06T03:59:00Z")).isInstanceOf(Open.class);
        // after Sunday's window: next Saturday
        assertThat(((Closed) verdictAt(weekend, "2026-12-06T04:00:00Z")).opens())
                .isEqualTo(at("2026-12-12T01:00:00Z"));
        // 02:00 UTC on Saturday is 03:00 in Madrid: open there, though a UTC window would be too
        assertThat(verdictAt(weekend, "2026-12-05T03:30:00Z")).isInstanceOf(Open.class);
        assertThat(verdictAt(weekend, "2026-12-05T04:00:00Z")).isInstanceOf(Closed.class);
    }

    @Test
    void aWindowCrossingMidnightBelongsToTheDayItOpened() {
        // Saturday 23:00 for 4h: open until Sunday 03:00 (Madrid); Sunday 23:00 does not open
        MaintenanceWindow w =
                MaintenanceWindow.of(spec("23:00", "4h", "Europe/Madrid", WeekDay.SAT));
        assertThat(w.isOpen(at("2026-12-05T21:59:00Z"))).isFalse(); // Sat 22:59
        assertThat(w.isOpen(at("2026-12-05T22:00:00Z"))).isTrue(); // Sat 23:00
        assertThat(w.isOpen(at("2026-12-06T00:30:00Z"))).isTrue(); // Sun 01:30
        assertThat(w.closesAt(at("2026-12-06T00:30:00Z"))).contains(at("2026-12-06T02:00:00Z"));
        assertThat(w.isOpen(at("2026-12-06T02:00:00Z"))).isFalse(); // Sun 03:00
        assertThat(w.isOpen(at("2026-12-06T22:30:00Z"))).isFalse(); // Sun 23:30
        // Friday night is not Saturday's window
        assertThat(w.isOpen(at("2026-12-04T22:30:00Z"))).isFalse();
        assertThat(w.nextOpening(at("2026-12-06T01:00:00Z"))).isEqualTo(at("2026-12-12T22:00:00Z"));
    }

    @Test
    void aTwentyFourHourWindowEveryDayIsAlwaysOpenInUtc() {
        MaintenanceWindow w = MaintenanceWindow.of(spec("00:00", "24h", "UTC"));
        for (String t :
                List.of("2026-12-03T00:00:00Z", "2026-12-03T12:00:00Z", "2026-12-03T23:59:59Z")) {
            assertThat(w.isOpen(at(t))).as(t).isTrue();
        }
    }

    @Test
    void aStartTheClocksSkipOpensTheGapLater() {
        // Madrid, Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that night
        MaintenanceWindow w =
                MaintenanceWindow.of(spec("02:30", "1h", "Europe/Madrid", WeekDay.SUN));
        assertThat(w.nextOpening(at("2026-03-28T12:00:00Z")))
                .isEqualTo(at("2026-03-29T01:30:00Z")); // 03:30 CEST
        assertThat(w.isOpen(at("2026-03-29T01:29:59Z"))).isFalse();
        assertThat(w.isOpen(at("2026-03-29T01:30:00Z"))).isTrue();
        assertThat(w.isOpen(at("2026-03-29T02:29:59Z"))).isTrue();
        assertThat(w.isOpen(at("2026-03-29T02:30:00Z"))).isFalse();
        // a week later, summer time: 02:30 CEST = 00:30 UTC
        assertThat(w.nextOpening(at("2026-03-29T03:00:00Z"))).isEqualTo(at("2026-04-05T00:30:00Z"));
        // and the week before, winter time: 02:30 CET = 01:30 UTC
        assertThat(w.nextOpening(at("2026-03-21T00:00:00Z"))).isEqualTo(at("2026-03-22T01:30:00Z"));
    }

    @Test
    void theDurationIsElapsedTimeWhenTheClocksGoBack() {
        // Madrid, Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET; 01:00 to 04:00 on the wall
        // would be four hours, a 3h window closes at 03:00 CET
        MaintenanceWindow w =
                MaintenanceWindow.of(spec("01:00", "3h", "Europe/Madrid", WeekDay.SUN));
        Instant opens = w.nextOpening(at("2026-10-24T12:00:00Z"));
        assertThat(opens).isEqualTo(at("2026-10-24T23:00:00Z")); // 01:00 CEST
        assertThat(w.closesAt(opens)).contains(at("2026-10-25T02:00:00Z")); // 03:00 CET
        assertThat(w.isOpen(at("2026-10-25T02:00:00Z"))).isFalse();
        assertThat(w.show(at("2026-10-25T02:00:00Z")))
                .isEqualTo("Sun 2026-10-25 03:00 +01:00 (Europe/Madrid)");
    }

    @Test
    void aStartThatHappensTwiceOpensAtTheFirst() {
        // Madrid, 2026-10-25: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET)
        MaintenanceWindow w =
                MaintenanceWindow.of(spec("02:30", "30m", "Europe/Madrid", WeekDay.SUN));
        assertThat(w.nextOpening(at("2026-10-24T12:00:00Z"))).isEqualTo(at("2026-10-25T00:30:00Z"));
        assertThat(w.isOpen(at("2026-10-25T00:45:00Z"))).isTrue();
        assertThat(w.isOpen(at("2026-10-25T01:45:00Z"))).isFalse(); // the second 02:45
    }

    @Test
    void aWindowAcrossMidnightOnTheNightSummerTimeStarts() {
        // Saturday 23:00 CET for 4h: 22:00 UTC to 02:00 UTC, i.e. until 04:00 CEST on the wall
        MaintenanceWindow w =
                MaintenanceWindow.of(spec("23:00", "4h", "Europe/Madrid", WeekDay.SAT));
        assertThat(w.isOpen(at("2026-03-29T01:30:00Z"))).isTrue(); // 03:30 CEST
        assertThat(w.closesAt(at("2026-03-29T01:30:00Z"))).contains(at("2026-03-29T02:00:00Z"));
        assertThat(w.isOpen(at("2026-03-29T02:00:00Z"))).isFalse();
    }

    @Test
    void anUnknownTimeZoneIsUnusableNamingTheField() {
        Verdict v = verdictAt(spec("02:00", "3h", "Europe/Madird"), "2026-12-03T02:30:00Z");
        assertThat(v).isInstanceOf(Unusable.class);
        assertThat(((Unusable) v).problem())
                .contains("spec.maintenanceWindow.timeZone Europe/Madird")
                .contains("IANA");
    }

    @Test
    void whatTheApiServerShouldHaveRefusedIsRefusedHereToo() {
        assertThatThrownBy(() -> MaintenanceWindow.of(spec("2:00", "3h", "UTC")))
                .hasMessageContaining("spec.maintenanceWindow.start 2:00");
        assertThatThrownBy(() -> MaintenanceWindow.of(spec("02:00", "10m", "UTC")))
                .hasMessageContaining("spec.maintenanceWindow.duration 10m is not between");
        assertThatThrownBy(() -> MaintenanceWindow.of(spec("02:00", "25h", "UTC")))
                .hasMessageContaining("is not between 15m and 24h");
        assertThatThrownBy(() -> MaintenanceWindow.of(spec("02:00", "three hours", "UTC")))
                .hasMessageContaining("spec.maintenanceWindow.duration: not a duration");
    }
}
