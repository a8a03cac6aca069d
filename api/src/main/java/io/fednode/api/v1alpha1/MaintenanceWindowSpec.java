package io.fednode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * When the operator may make disruptive changes to the node: a window that opens at {@code start}
 * (wall-clock time in {@code timeZone}) on each of {@code days} and stays open for {@code
 * duration}, possibly past midnight. Outside it, upgrades of spec.components wait; new installs,
 * reinstalls of releases deleted by hand and uninstalls do not.
 */
public class MaintenanceWindowSpec {
    /**
     * The days the window opens on (Mon, Tue, Wed, Thu, Fri, Sat, Sun), in timeZone. Empty or
     * absent: every day. A window that crosses midnight belongs to the day it opened on.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @Size(max = 7)
    @ValidationRule(
            value = "self.all(d, self.exists_one(e, e == d))",
            message = "maintenanceWindow.days must not name a day twice")
    private List<WeekDay> days = new ArrayList<>();

    /**
     * When the window opens, as HH:MM (24-hour clock) in timeZone. A time the clocks skip on the
     * day summer time starts opens the window the length of the gap later (02:30 → 03:30); a time
     * that happens twice when it ends opens it at the first.
     */
    @Required
    @Size(max = 5)
    @ValidationRule(
            value = "self.matches('^([01][0-9]|2[0-3]):[0-5][0-9]$')",
            message = "maintenanceWindow.start must be a time of day as HH:MM, e.g. 02:00")
    private String start;

    /**
     * How long the window stays open once opened, as a duration from 15m to 24h (e.g. 3h, 90m,
     * 1h30m): elapsed time, so a 3h window is 3 hours long on the nights the clocks change too.
     */
    @Required
    @Size(min = 2, max = 16)
    @ValidationRule(
            value =
                    "self.matches('^([0-9]+(h|m|s))+$') && duration(self) >= duration('15m')"
                            + " && duration(self) <= duration('24h')",
            message =
                    "maintenanceWindow.duration must be a duration from 15m to 24h in h, m and s,"
                            + " e.g. 3h or 1h30m")
    private String duration;

    /**
     * The IANA time zone the window's days and start are in (e.g. Europe/Madrid), default UTC. A
     * name the operator does not know holds upgrades (no window opens) and says so in the status.
     */
    @Default("UTC")
    @Size(min = 1, max = 64)
    @Pattern("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")
    private String timeZone = "UTC";

    public List<WeekDay> getDays() {
        return days;
    }

    public void setDays(List<WeekDay> days) {
        this.days = days == null ? new ArrayList<>() : days;
    }

    public String getStart() {
        return start;
    }

    public void setStart(String start) {
        this.start = start;
    }

    public String getDuration() {
        return duration;
    }

    public void setDuration(String duration) {
        this.duration = duration;
    }

    public String getTimeZone() {
        return timeZone;
    }

    public void setTimeZone(String timeZone) {
        this.timeZone = timeZone;
    }
}
