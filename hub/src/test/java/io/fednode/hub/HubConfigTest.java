package io.fednode.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubConfigTest {
    @Test
    void listenerBoundsHaveDefaultsAndComeFromFlagsOrEnvironment() {
        HubConfig.Listener d = HubConfig.from(new String[] {"--namespace=x"}, Map.of()).listener();
        assertThat(d.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.maxConnections()).isEqualTo(16384);
        assertThat(d.maxConnectionsPerAddress()).isEqualTo(32);
        assertThat(d.enrolAttemptsPerMinute()).isEqualTo(10);
        assertThat(d.maxConcurrentEnrolments()).isEqualTo(8);
        assertThat(d.serverCertificateLifetime()).isEqualTo(Duration.ofDays(365));

        HubConfig.Listener set =
                HubConfig.from(
                                new String[] {
                                    "--namespace=x",
                                    "--request-timeout=3s",
                                    "--max-connections-per-address=4",
                                    "--server-certificate-lifetime=720h"
                                },
                                Map.of(
                                        "FEDNODE_HUB_ENROL_ATTEMPTS_PER_MINUTE", "2",
                                        "FEDNODE_HUB_MAX_CONNECTIONS_PER_ADDRESS", "99"))
                        .listener();
        assertThat(set.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(set.maxConnectionsPerAddress()).as("the flag wins").isEqualTo(4);
        assertThat(set.enrolAttemptsPerMinute()).isEqualTo(2);
        assertThat(set.serverCertificateLifetime()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void badBoundsAreRefusedNamingTheFlag() {
        assertThatThrownBy(
                        () ->
                                HubConfig.from(
                                        new String[] {"--namespace=x", "--max-connections=0"},
                                        Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-connections");
        assertThatThrownBy(
                        () ->
                                HubConfig.from(
                                        new String[] {
                                            "--namespace=x", "--enrol-attempts-per-minute=ten"
                                        },
                                        Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--enrol-attempts-per-minute")
                .hasMessageContaining("ten");
        assertThatThrownBy(
                        () ->
                                HubConfig.from(
                                        new String[] {"--namespace=x", "--request-timeout=0s"},
                                        Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--request-timeout");
    }

    @Test
    void durationsUseTheOneGrammarAndGarbageNamesTheFlag() {
        assertThat(
                        HubConfig.from(
                                        new String[] {
                                            "--namespace=x", "--join-token-lifetime=1h30m"
                                        },
                                        Map.of())
                                .joinTokenLifetime())
                .isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(
                        () ->
                                HubConfig.from(
                                        new String[] {"--namespace=x", "--status-refresh=5 min"},
                                        Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--status-refresh")
                .hasMessageContaining("'5 min'");
    }

    @Test
    void builderStartsFromTheDefaultsAndToBuilderChangesOnlyWhatIsSet() {
        HubConfig d = HubConfig.defaults("x");
        assertThat(d.port()).isEqualTo(8443);
        assertThat(d.adminPort()).isEqualTo(9090);
        assertThat(d.statusRefresh()).isEqualTo(Duration.ofMinutes(10));
        HubConfig changed = d.toBuilder().port(0).statusSyncPeriod(Duration.ofMillis(200)).build();
        assertThat(changed.port()).isZero();
        assertThat(changed.statusSyncPeriod()).isEqualTo(Duration.ofMillis(200));
        assertThat(changed.toBuilder().port(8443).statusSyncPeriod(Duration.ofSeconds(1)).build())
                .isEqualTo(d);
        assertThatThrownBy(() -> HubConfig.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--namespace");
        assertThatThrownBy(() -> HubConfig.Listener.builder().idleTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--idle-timeout");
    }

    @Test
    void jobLostAfterDefaultsToTheMembersWindowAndMustBePositive() {
        assertThat(HubConfig.from(new String[] {"--namespace=x"}, Map.of()).jobLostAfter())
                .as("unset: the member's own heartbeat window decides")
                .isNull();
        assertThat(
                        HubConfig.from(
                                        new String[] {"--namespace=x"},
                                        Map.of("FEDNODE_HUB_JOB_LOST_AFTER", "2m"))
                                .jobLostAfter())
                .isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(
                        () ->
                                HubConfig.from(
                                        new String[] {"--namespace=x", "--job-lost-after=0s"},
                                        Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--job-lost-after must be a positive duration");
    }
}
