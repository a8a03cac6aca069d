package io.fednode.api.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
    // Expected values are Go's: time.ParseDuration gives the same nanoseconds for these (d aside).
    @ParameterizedTest
    @CsvSource({
        "250ms, 250000000",
        "30s, 30000000000",
        "5m, 300000000000",
        "1h30m, 5400000000000",
        "1.5h, 5400000000000",
        "0.5s, 500000000",
        "2h45m30s, 9930000000000",
        "30d, 2592000000000000",
        "0s, 0",
        "1500us, 1500000",
        "2µs, 2000",
        "7ns, 7",
        "1m0.5s, 60500000000",
        "1.0000000001s, 1000000001",
    })
    void parsesTheGrammar(String text, long nanos) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "30",
                "s",
                "-5s",
                "+5s",
                "5 m",
                " 5m",
                "5m ",
                "5M",
                "1w",
                "PT30S",
                "5m x",
                "1.s",
                ".5s",
                "30sec",
                "999999999999h"
            })
    void refusesAnythingElseNamingTheText(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> GoDuration.parse(null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
