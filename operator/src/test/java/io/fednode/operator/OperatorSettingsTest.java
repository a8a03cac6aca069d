package io.fednode.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {
    @Test
    void defaultsForAPodListenOnAllInterfaces() {
        OperatorSettings s = OperatorSettings.from(Map.of(), new String[0]);
        assertThat(s.httpBindAddress()).isEqualTo("0.0.0.0");
        assertThat(s.httpPort()).isEqualTo(8080);
        assertThat(s.resyncPeriod()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.leaderElection()).isFalse();
        assertThat(s.namespaces()).isEmpty();
    }

    @Test
    void environmentThenFlagsOverride() {
        OperatorSettings s =
                OperatorSettings.from(
                        Map.of(
                                "FEDNODE_HTTP_BIND_ADDRESS", "10.0.0.5",
                                "FEDNODE_HTTP_PORT", "9000",
                                "FEDNODE_WATCH_NAMESPACES", "a, b,,",
                                "POD_NAMESPACE", "ops"),
                        new String[] {
                            "--http-bind-address=127.0.0.1", "--resync=30s", "--leader-elect"
                        });
        assertThat(s.httpBindAddress()).isEqualTo("127.0.0.1");
        assertThat(s.httpPort()).isEqualTo(9000);
        assertThat(s.resyncPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.leaderElection()).isTrue();
        assertThat(s.leaseNamespace()).isEqualTo("ops");
        assertThat(s.namespaces()).isEqualTo(Set.of("a", "b"));
    }

    @Test
    void withersKeepTheBindAddress() {
        OperatorSettings s =
                OperatorSettings.from(Map.of(), new String[] {"--http-bind-address=127.0.0.1"})
                        .withHttpPort(0)
                        .withResyncPeriod(Duration.ofSeconds(5))
                        .withLeaderElection(true, "x");
        assertThat(s.httpBindAddress()).isEqualTo("127.0.0.1");
        assertThat(OperatorSettings.defaults().httpBindAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void unknownFlagIsRefusedByName() {
        assertThatThrownBy(
                        () -> OperatorSettings.from(Map.of(), new String[] {"--http-bind=1.2.3.4"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--http-bind=1.2.3.4");
    }

    @Test
    void resyncIsAGoDurationAndGarbageIsRefusedByName() {
        assertThat(OperatorSettings.from(Map.of(), new String[] {"--resync=1h30m"}).resyncPeriod())
                .isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(
                        () ->
                                OperatorSettings.from(
                                        Map.of("FEDNODE_RESYNC_PERIOD", "10x"), new String[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resync period")
                .hasMessageContaining("'10x'");
    }
}
