package io.fednode.e2e.alerts;

import static io.fednode.e2e.alerts.PrometheusBinaries.promtool;
import static io.fednode.e2e.alerts.ShippedMonitoring.JSON;
import static io.fednode.e2e.alerts.ShippedMonitoring.YAML;
import static io.fednode.e2e.alerts.ShippedMonitoring.alerts;
import static io.fednode.e2e.alerts.ShippedMonitoring.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fednode.e2e.alerts.PrometheusBinaries.Run;
import io.fednode.e2e.alerts.ShippedMonitoring.Chart;
import io.fednode.testing.KubernetesBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The alert rules the charts ship, checked by the real promtool ({@code tools/build-prometheus.sh})
 * : {@code promtool check rules} on the rule files and on the PrometheusRule helm renders, and
 * {@code promtool test rules} on the unit tests in {@code src/test/resources/alerts/}, which show
 * each alert firing on synthetic series and staying quiet on healthy ones.
 */
class PrometheusRulesTest {
    static final String RUNBOOKS = "https://github.com/fednode/fednode/blob/main/docs/runbooks/";

    @TempDir Path tmp;

    @ParameterizedTest
    @EnumSource(Chart.class)
    void promtoolAcceptsTheShippedRuleFile(Chart chart) {
        int alerts = alerts(chart.rules()).size();
        assertThat(alerts).as("alerts in %s", chart.rules()).isPositive();
        Run r = promtool(tmp, "check", "rules", chart.rules().toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("SUCCESS: " + alerts + " rules found")
                .doesNotContain("WARNING");
    }

    @ParameterizedTest
    @EnumSource(Chart.class)
    void promtoolUnitTestsOfEveryAlertPass(Chart chart) {
        Run r = promtool(tmp, "test", "rules", chart.ruleTests().toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("SUCCESS")
                .doesNotContain("WARNING")
                .doesNotContain("FAILED");
    }

    /** The harness can fail: an expectation the rules do not meet makes promtool exit non-zero. */
    @Test
    void aWrongExpectationFailsPromtool() throws Exception {
        Path test = tmp.resolve("wrong.rules-test.yaml");
        Files.writeString(
                test,
                """
                rule_files: [%s]
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'fednode_node_ready{namespace="a",node="a"}'
                        values: '1x20'
                    alert_rule_test:
                      - eval_time: 10m
                        alertname: FednodeNodeNotReady
                        exp_alerts: [{exp_labels: {severity: critical, namespace: a, node: a}}]
                """
                        .formatted(Chart.OPERATOR.rules()));
        Run r = promtool(tmp, "test", "rules", test.toString());
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("FednodeNodeNotReady").contains("FAILED");
    }

    /** Every alert has its severity, summary, description and a runbook that exists. */
    @ParameterizedTest
    @EnumSource(Chart.class)
    void everyAlertCarriesSeverityAnnotationsAndARunbook(Chart chart) throws Exception {
        for (JsonNode rule : alerts(chart.rules())) {
            String alert = rule.path("alert").asText();
            assertThat(rule.path("labels").path("severity").asText())
                    .as("%s severity", alert)
                    .isIn("critical", "warning", "info");
            JsonNode annotations = rule.path("annotations");
            assertThat(annotations.path("summary").asText()).as("%s summary", alert).isNotBlank();
            assertThat(annotations.path("description").asText())
                    .as("%s description", alert)
                    .isNotBlank();
            assertThat(annotations.path("runbook_url").asText())
                    .as("%s runbook_url", alert)
                    .isEqualTo(RUNBOOKS + alert + ".md");
            Path runbook = KubernetesBinaries.repoRoot().resolve("docs/runbooks/" + alert + ".md");
            assertThat(runbook).exists();
            assertThat(Files.readString(runbook))
                    .startsWith("# " + alert + "\n")
                    .contains("## What it means", "## Diagnose", "## Fix", "kubectl");
        }
    }

    /**
     * Each alert has a unit test in which it fires and one in which it does not: no alert is
     * shipped without proof that it can fire.
     */
    @ParameterizedTest
    @EnumSource(Chart.class)
    void everyAlertIsShownFiringAndNotFiring(Chart chart) {
        Set<String> fires = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        JsonNode tests = read(YAML, chart.ruleTests());
        for (JsonNode test : tests.path("tests")) {
            for (JsonNode t : test.path("alert_rule_test")) {
                (t.path("exp_alerts").isEmpty() ? quiet : fires).add(t.path("alertname").asText());
            }
        }
        List<String> names =
                alerts(chart.rules()).stream().map(a -> a.path("alert").asText()).toList();
        assertThat(fires).as("alerts shown firing").containsAll(names);
        assertThat(quiet).as("alerts shown not firing").containsAll(names);
        assertThat(tests.path("rule_files").get(0).asText())
                .as("the unit tests load the shipped rule file")
                .endsWith("charts/" + chart.name + "/files/prometheus-rules.yaml");
    }

    /** The PrometheusRule helm renders is the rule file, which promtool accepts as rendered. */
    @ParameterizedTest
    @EnumSource(Chart.class)
    void theRenderedPrometheusRuleHoldsTheRuleFile(Chart chart) throws Exception {
        JsonNode rendered =
                rendered(
                        chart,
                        "templates/prometheusrule.yaml",
                        "metrics.prometheusRule.enabled=true",
                        "metrics.prometheusRule.labels.release=kube-prometheus-stack");
        assertThat(rendered.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rendered.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(rendered.path("metadata").path("labels").path("release").asText())
                .isEqualTo("kube-prometheus-stack");
        assertThat(rendered.path("spec")).isEqualTo(read(YAML, chart.rules()));
        Path asRendered = tmp.resolve("rendered-rules.yaml");
        YAML.writeValue(asRendered.toFile(), rendered.path("spec"));
        Run r = promtool(tmp, "check", "rules", asRendered.toString());
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Chart.class)
    void runbookLinksFollowTheConfiguredBase(Chart chart) throws Exception {
        JsonNode rendered =
                rendered(
                        chart,
                        "templates/prometheusrule.yaml",
                        "metrics.prometheusRule.enabled=true",
                        "metrics.prometheusRule.runbookBaseUrl=https://wiki.example.org/rb/");
        List<String> urls = new ArrayList<>();
        rendered.path("spec")
                .path("groups")
                .forEach(
                        g ->
                                g.path("rules")
                                        .forEach(
                                                rule ->
                                                        urls.add(
                                                                rule.path("annotations")
                                                                        .path("runbook_url")
                                                                        .asText())));
        assertThat(urls)
                .isNotEmpty()
                .allSatisfy(
                        u ->
                                assertThat(u)
                                        .matches(
                                                "https://wiki\\.example\\.org/rb/Fednode\\w+\\.md"));
    }

    @ParameterizedTest
    @EnumSource(Chart.class)
    void theDashboardConfigMapCarriesTheSidecarLabelAndTheDashboard(Chart chart) throws Exception {
        JsonNode rendered =
                rendered(chart, "templates/dashboard.yaml", "metrics.dashboard.enabled=true");
        assertThat(rendered.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(rendered.path("metadata").path("labels").path("grafana_dashboard").asText())
                .isEqualTo("1");
        var data = rendered.path("data").fields();
        assertThat(data.hasNext()).isTrue();
        var entry = data.next();
        assertThat(entry.getKey()).endsWith(".json");
        assertThat(JSON.readTree(entry.getValue().asText()))
                .isEqualTo(read(JSON, chart.dashboard()));
    }

    /** Nothing of this needs the Prometheus Operator or Grafana unless asked for. */
    @ParameterizedTest
    @EnumSource(Chart.class)
    void offByDefault(Chart chart) throws Exception {
        String all = helmTemplate(chart, null);
        assertThat(all)
                .doesNotContain("kind: PrometheusRule")
                .doesNotContain("kind: ServiceMonitor")
                .doesNotContain("grafana_dashboard");
        String monitor =
                helmTemplate(
                        chart,
                        "templates/servicemonitor.yaml",
                        "metrics.serviceMonitor.enabled=true");
        JsonNode sm = YAML.readTree(monitor);
        assertThat(sm.path("kind").asText()).isEqualTo("ServiceMonitor");
        assertThat(sm.path("spec").path("endpoints").get(0).path("port").asText())
                .isEqualTo(chart == Chart.HUB ? "admin" : "http");
    }

    private String helmTemplate(Chart chart, String showOnly, String... sets) {
        return ShippedMonitoring.helmTemplate(chart, tmp, showOnly, sets);
    }

    /** One rendered template, parsed. */
    private JsonNode rendered(Chart chart, String template, String... sets) throws Exception {
        return YAML.readTree(helmTemplate(chart, template, sets));
    }
}
