package io.fednode.api.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    @Test
    void unsetIsText() {
        assertThat(LogFormat.from(Map.of())).isEqualTo("text");
    }

    @Test
    void textAndJsonAreTakenAsWritten() {
        assertThat(LogFormat.from(Map.of("FEDNODE_LOG_FORMAT", "text"))).isEqualTo("text");
        assertThat(LogFormat.from(Map.of("FEDNODE_LOG_FORMAT", "json"))).isEqualTo("json");
    }

    @Test
    void anythingElseIsRefusedNamingTheVariableAndTheValue() {
        // logback.xml picks the appender by this exact name: "JSON" or "" would log nothing.
        for (String bad : new String[] {"JSON", "", "xml", " json"}) {
            assertThatThrownBy(() -> LogFormat.from(Map.of("FEDNODE_LOG_FORMAT", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("FEDNODE_LOG_FORMAT must be text or json, got '" + bad + "'");
        }
    }
}
