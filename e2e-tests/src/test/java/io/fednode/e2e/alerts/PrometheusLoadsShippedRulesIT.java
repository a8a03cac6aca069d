package io.fednode.e2e.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fednode.e2e.alerts.ShippedMonitoring.Chart;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus on 127.0.0.1 loads the alert rules exactly as the two charts render them (the
 * PrometheusRule's spec) and evaluates every alert without error; with no fednode target nothing
 * fires. The harness AlertsE2EIT (issue 17) builds on; it needs no cluster.
 */
class PrometheusLoadsShippedRulesIT {
    @TempDir Path tmp;

    @Test
    void prometheusLoadsAndEvaluatesEveryShippedAlert() throws Exception {
        List<String> ruleFiles = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (Chart chart : Chart.values()) {
            Path file = tmp.resolve(chart.name + ".rules.yaml");
            ShippedMonitoring.YAML.writeValue(
                    file.toFile(), ShippedMonitoring.renderedRules(chart, tmp));
            ruleFiles.add(file.toString());
            ShippedMonitoring.alerts(chart.rules())
                    .forEach(a -> expected.add(a.path("alert").asText()));
        }
        String config =
                """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: %s
                scrape_configs: []
                """
                        .formatted(ShippedMonitoring.JSON.writeValueAsString(ruleFiles));
        try (PrometheusServer prometheus =
                PrometheusServer.start(tmp.resolve("prometheus"), config)) {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(
                            () -> {
                                Map<String, String> health = new TreeMap<>();
                                for (JsonNode group :
                                        prometheus.api("/api/v1/rules?type=alert").path("groups")) {
                                    for (JsonNode rule : group.path("rules")) {
                                        health.put(
                                                rule.path("name").asText(),
                                                rule.path("health").asText()
                                                        + " "
                                                        + rule.path("lastError").asText(""));
                                    }
                                }
                                assertThat(health.keySet())
                                        .containsExactlyInAnyOrderElementsOf(expected);
                                assertThat(health)
                                        .allSatisfy(
                                                (name, h) ->
                                                        assertThat(h).as(name).isEqualTo("ok "));
                            });
            assertThat(prometheus.api("/api/v1/alerts").path("alerts"))
                    .as("no fednode series, no alert")
                    .isEmpty();
        }
    }
}
