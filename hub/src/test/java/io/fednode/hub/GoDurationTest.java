package io.fednode.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
    @Test
    void parsesKubernetesStyleDurations() {
        assertThat(GoDuration.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> GoDuration.parse("30"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("5m x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
