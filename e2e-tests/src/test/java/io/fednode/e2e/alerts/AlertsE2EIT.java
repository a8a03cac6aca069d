package io.fednode.e2e.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.e2e.alerts.ShippedMonitoring.Chart;
import io.fednode.e2e.hub.FederationProcesses;
import io.fednode.e2e.hub.ProcessLogTails;
import io.fednode.testing.KwokCluster;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's proof that the shipped alerts fire: a real Prometheus on 127.0.0.1 scrapes the real
 * operator's and hub's {@code /metrics} (both processes of {@link FederationProcesses}, on a kwok
 * control plane with the real node) and evaluates the rules exactly as the two charts render them,
 * with only the {@code for:} durations shortened. When the hospital's node goes dark (its operator
 * process stops) FednodeMemberUnavailable (hub: the member turns unknown after missed heartbeats)
 * and FednodeNodeNotReady (node: {@code fednode_node_ready} is no longer reported) fire; when the
 * operator is started again and heartbeats resume, both resolve. Everything asserted comes from
 * Prometheus's {@code /api/v1/alerts} and {@code /api/v1/query}, cross-checked against the member's
 * status the hub wrote.
 */
class AlertsE2EIT {
    static final String HUB_NS = "fednode-hub-alerts";
    static final String HOSPITAL_NS = "hospital-alerts";
    static final String OPERATOR_NS = "fednode-system";
    static final String NODE = "hospital-alerts";
    static final String MEMBER = "hospital-alerts";
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final int MISSED_HEARTBEATS = 3;

    /**
     * The test's copy of the rules replaces every {@code for:} (5m and more in the charts) by this,
     * so that the test waits seconds, not minutes; expressions, labels and annotations are the
     * shipped ones.
     */
    static final String SHORT_FOR = "5s";

    static final String NODE_NOT_READY = "FednodeNodeNotReady";
    static final String MEMBER_UNAVAILABLE = "FednodeMemberUnavailable";

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.sharedWithRealNode();
    @RegisterExtension static final ProcessLogTails LOGS = new ProcessLogTails();

    @TempDir static Path tmp;

    private static FederationProcesses processes;
    private static PrometheusServer prometheus;
    private static int operatorPort;

    @BeforeAll
    static void start() throws Exception {
        processes =
                FederationProcesses.install(
                        CLUSTER,
                        LOGS,
                        tmp,
                        Path.of("target", "alerts-e2e").toAbsolutePath(),
                        HUB_NS,
                        HOSPITAL_NS,
                        OPERATOR_NS,
                        NODE);
        operatorPort = FederationProcesses.freePort();
        processes.startHub("24h", MISSED_HEARTBEATS);
        startOperator();
        prometheus = PrometheusServer.start(tmp.resolve("prometheus"), prometheusConfig());
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (processes != null) {
            processes.stopAll();
        }
    }

    @Test
    void memberUnavailableAndNodeNotReadyFireWhileTheNodeIsDarkAndResolveWhenItReturns()
            throws Exception {
        // The hospital enrols its node.
        processes.createMember(MEMBER);
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .until(() -> processes.joinTokenSecret(MEMBER) != null);
        processes.handOverJoinToken(processes.joinTokenSecret(MEMBER));
        processes.createNode(INTERVAL);

        // Prometheus sees the node Ready (operator) and the member available (hub).
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertThat(value(nodeReady())).as(nodeReady()).isEqualTo(1.0);
                            assertThat(value("fednode_hub_members{health=\"available\"}"))
                                    .isEqualTo(1.0);
                        });
        // While the node runs and is Ready neither alert fires (nor is pending), for longer than
        // the shortened for: plus a few evaluations.
        await().during(Duration.ofSeconds(10))
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () ->
                                assertThat(alerts(NODE_NOT_READY, MEMBER_UNAVAILABLE))
                                        .as("alerts while the node is Ready")
                                        .isEmpty());

        // The node goes dark: its operator stops, heartbeats stop, the scrape target is gone.
        processes.stopOperator();
        Duration silence = INTERVAL.multipliedBy(MISSED_HEARTBEATS);
        await().atMost(silence.plus(Duration.ofSeconds(90)))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertThat(alerts(NODE_NOT_READY))
                                    .singleElement()
                                    .satisfies(
                                            a -> {
                                                assertThat(a.path("state").asText())
                                                        .isEqualTo("firing");
                                                assertThat(
                                                                a.path("labels")
                                                                        .path("namespace")
                                                                        .asText())
                                                        .isEqualTo(HOSPITAL_NS);
                                                assertThat(a.path("labels").path("node").asText())
                                                        .isEqualTo(NODE);
                                                assertThat(a.path("labels").path("job").asText())
                                                        .isEqualTo("fednode-operator");
                                                assertThat(
                                                                a.path("labels")
                                                                        .path("severity")
                                                                        .asText())
                                                        .isEqualTo("critical");
                                            });
                            assertThat(alerts(MEMBER_UNAVAILABLE))
                                    .singleElement()
                                    .satisfies(
                                            a -> {
                                                assertThat(a.path("state").asText())
                                                        .isEqualTo("firing");
                                                assertThat(a.path("labels").path("health").asText())
                                                        .isEqualTo("unknown");
                                                assertThat(a.path("labels").path("job").asText())
                                                        .isEqualTo("fednode-hub");
                                                // one member unknown: this one
                                                assertThat(
                                                                Double.parseDouble(
                                                                        a.path("value").asText()))
                                                        .isEqualTo(1.0);
                                                assertThat(
                                                                a.path("annotations")
                                                                        .path("summary")
                                                                        .asText())
                                                        .isEqualTo(
                                                                "1 federation member(s) are"
                                                                        + " unknown");
                                            });
                        });
        // The member the alert counts is this one: the hub marked it unknown.
        Condition available = memberCondition("Available");
        assertThat(available.getStatus()).isEqualTo(ConditionTypes.UNKNOWN);
        assertThat(available.getReason()).isEqualTo("HeartbeatsStopped");
        assertThat(value("fednode_hub_members{health=\"available\"}")).isEqualTo(0.0);

        // The node returns: heartbeats resume and the operator reports it Ready again.
        startOperator();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertThat(alerts(NODE_NOT_READY, MEMBER_UNAVAILABLE))
                                    .as("alerts after the node returned")
                                    .isEmpty();
                            assertThat(value(nodeReady())).isEqualTo(1.0);
                            assertThat(value("fednode_hub_members{health=\"available\"}"))
                                    .isEqualTo(1.0);
                        });
        assertThat(memberCondition("Available").getStatus()).isEqualTo(ConditionTypes.TRUE);
    }

    // ---- the set-up

    /** The operator serves /metrics on 127.0.0.1 only, on a port of the test's. */
    private static void startOperator() {
        processes.startOperator(
                List.of("--http-port=" + operatorPort, "--http-bind-address=127.0.0.1"));
    }

    /**
     * Scrapes both processes every second and loads both charts' rules as {@code helm template}
     * renders them (the PrometheusRule's spec, as PrometheusLoadsShippedRulesIT loads them), with
     * only each rule's {@code for:} replaced by {@link #SHORT_FOR}.
     */
    private static String prometheusConfig() throws Exception {
        List<String> ruleFiles = new ArrayList<>();
        for (Chart chart : Chart.values()) {
            JsonNode rules = ShippedMonitoring.renderedRules(chart, tmp);
            for (JsonNode group : rules.path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (rule.has("for")) {
                        ((ObjectNode) rule).put("for", SHORT_FOR);
                    }
                }
            }
            Path file = tmp.resolve(chart.name + ".rules.yaml");
            ShippedMonitoring.YAML.writeValue(file.toFile(), rules);
            ruleFiles.add(file.toString());
        }
        return """
                global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
                rule_files: %s
                scrape_configs:
                  - job_name: fednode-operator
                    static_configs: [{targets: ["127.0.0.1:%d"]}]
                  - job_name: fednode-hub
                    static_configs: [{targets: ["127.0.0.1:%d"]}]
                """
                .formatted(
                        ShippedMonitoring.JSON.writeValueAsString(ruleFiles),
                        operatorPort,
                        processes.adminPort);
    }

    // ---- what Prometheus and the hub say

    private static String nodeReady() {
        return "fednode_node_ready{namespace=\"%s\",node=\"%s\"}".formatted(HOSPITAL_NS, NODE);
    }

    /** Prometheus's active alerts (pending or firing) with one of these names. */
    private static List<JsonNode> alerts(String... names) throws Exception {
        List<String> wanted = List.of(names);
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode alert : prometheus.api("/api/v1/alerts").path("alerts")) {
            if (wanted.contains(alert.path("labels").path("alertname").asText())) {
                out.add(alert);
            }
        }
        return out;
    }

    /** The value of an instant query with exactly one series; fails on none or several. */
    private static double value(String query) throws Exception {
        JsonNode data =
                prometheus.api(
                        "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        assertThat(data.path("result")).as(query).hasSize(1);
        return Double.parseDouble(data.path("result").get(0).path("value").get(1).asText());
    }

    private static Condition memberCondition(String type) {
        FederationMember member =
                CLUSTER.client()
                        .resources(FederationMember.class)
                        .inNamespace(HUB_NS)
                        .withName(MEMBER)
                        .get();
        return member.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no member condition " + type));
    }
}
