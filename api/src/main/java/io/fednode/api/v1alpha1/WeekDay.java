package io.fednode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.DayOfWeek;

/** A day of the week, as a maintenance window names it (three letters, English). */
public enum WeekDay {
    @JsonProperty("Mon")
    MON(DayOfWeek.MONDAY),
    @JsonProperty("Tue")
    TUE(DayOfWeek.TUESDAY),
    @JsonProperty("Wed")
    WED(DayOfWeek.WEDNESDAY),
    @JsonProperty("Thu")
    THU(DayOfWeek.THURSDAY),
    @JsonProperty("Fri")
    FRI(DayOfWeek.FRIDAY),
    @JsonProperty("Sat")
    SAT(DayOfWeek.SATURDAY),
    @JsonProperty("Sun")
    SUN(DayOfWeek.SUNDAY);

    private final DayOfWeek day;

    WeekDay(DayOfWeek day) {
        this.day = day;
    }

    public DayOfWeek dayOfWeek() {
        return day;
    }
}
