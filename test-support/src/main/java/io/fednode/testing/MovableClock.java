package io.fednode.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock moved to a chosen instant, ticking on from there: what a test gives the operator
 * to judge maintenance windows by, so that "Thursday noon" and "Saturday in the window" are a call
 * away.
 */
public final class MovableClock extends Clock {
    private volatile Duration offset;

    public MovableClock(Instant start) {
        moveTo(start);
    }

    /** From now on, the clock reads {@code t} (and ticks on from it). */
    public void moveTo(Instant t) {
        offset = Duration.between(Instant.now(), t);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the operator reads instants only");
    }
}
