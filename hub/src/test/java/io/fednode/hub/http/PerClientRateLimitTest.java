package io.fednode.hub.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PerClientRateLimitTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstOfTheLimitThenOneEverySixSecondsAtTenAMinute() {
        PerClientRateLimit limit = new PerClientRateLimit(10, null);
        long t = 1_000 * SECOND;
        for (int i = 0; i < 10; i++) {
            assertThat(limit.take("10.0.0.1", t)).as("attempt %d", i + 1).isZero();
        }
        assertThat(limit.take("10.0.0.1", t)).as("11th at once: wait 6 s").isEqualTo(6 * SECOND);
        assertThat(limit.take("10.0.0.1", t + 5 * SECOND)).isEqualTo(SECOND);
        assertThat(limit.take("10.0.0.1", t + 6 * SECOND)).isZero();
        assertThat(limit.take("10.0.0.1", t + 6 * SECOND)).isEqualTo(6 * SECOND);
        // another address has its own bucket
        assertThat(limit.take("10.0.0.2", t + 6 * SECOND)).isZero();
        // a quiet minute refills the bucket, but never beyond the limit
        long later = t + 600 * SECOND;
        for (int i = 0; i < 10; i++) {
            assertThat(limit.take("10.0.0.1", later)).isZero();
        }
        assertThat(limit.take("10.0.0.1", later)).isPositive();
    }

    @Test
    void trackedAddressesAreBounded() {
        PerClientRateLimit limit = new PerClientRateLimit(1, null);
        long t = 0;
        assertThat(limit.take("first", t)).isZero();
        assertThat(limit.take("first", t)).isPositive();
        for (int i = 0; i < PerClientRateLimit.MAX_TRACKED; i++) {
            limit.take("a" + i, t);
        }
        assertThat(limit.tracked()).isEqualTo(PerClientRateLimit.MAX_TRACKED);
        // pushed out: starts afresh
        assertThat(limit.take("first", t)).isZero();
    }
}
