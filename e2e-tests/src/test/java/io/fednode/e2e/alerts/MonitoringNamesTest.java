package io.fednode.e2e.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fednode.e2e.alerts.ShippedMonitoring.Chart;
import io.fednode.testing.KubernetesBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every metric name the shipped alert rules and dashboards query is one docs/metrics.md lists as
 * exported (docs/metrics.md is checked against a real scrape by the metrics tests; AlertsE2EIT
 * checks these names against real scrapes too). A series of a timer or histogram ({@code _count},
 * {@code _sum}, {@code _bucket}, {@code _max}) counts as its base name.
 */
class MonitoringNamesTest {
    private static final Pattern DOC_NAME =
            Pattern.compile("`((?:fednode|operator_sdk)_[a-z0-9_]+)");
    private static Set<String> documented;

    @BeforeAll
    static void readDocumentedNames() throws Exception {
        Path doc = KubernetesBinaries.repoRoot().resolve("docs/metrics.md");
        assertThat(doc).as("docs/metrics.md lists the exported metrics").exists();
        documented = new TreeSet<>();
        Matcher m = DOC_NAME.matcher(Files.readString(doc));
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(documented).as("metric names in docs/metrics.md").hasSizeGreaterThan(5);
    }

    static boolean exported(String name) {
        return documented.contains(name)
                || documented.contains(name.replaceFirst("_(count|sum|bucket|max)$", ""));
    }

    @ParameterizedTest
    @EnumSource(Chart.class)
    void alertRulesQueryOnlyExportedNames(Chart chart) {
        for (JsonNode rule : ShippedMonitoring.alerts(chart.rules())) {
            Set<String> names = PromQlNames.metricNames(rule.path("expr").asText());
            assertThat(names).as("%s queries a metric", rule.path("alert").asText()).isNotEmpty();
            assertThat(names)
                    .as(
                            "names %s queries that docs/metrics.md does not list",
                            rule.path("alert").asText())
                    .allMatch(MonitoringNamesTest::exported);
        }
    }

    @ParameterizedTest
    @EnumSource(Chart.class)
    void everyDashboardPanelQueriesOnlyExportedNames(Chart chart) {
        List<String[]> queries = ShippedMonitoring.panelQueries(chart.dashboard());
        assertThat(queries).as("panel queries of %s", chart.dashboard()).hasSizeGreaterThan(5);
        JsonNode dashboard = ShippedMonitoring.read(ShippedMonitoring.JSON, chart.dashboard());
        dashboard
                .path("panels")
                .forEach(
                        p ->
                                assertThat(p.path("targets").isEmpty())
                                        .as("panel %s has no query", p.path("title"))
                                        .isFalse());
        for (String[] q : queries) {
            Set<String> names = PromQlNames.metricNames(q[1]);
            assertThat(names).as("panel %s: %s", q[0], q[1]).isNotEmpty();
            assertThat(names)
                    .as("panel %s: names docs/metrics.md does not list", q[0])
                    .allMatch(MonitoringNamesTest::exported);
        }
    }

    /** The extractor itself, on the forms the rules and panels use (and must not miss). */
    @Test
    void extractsMetricNamesAndNothingElse() {
        assertThat(PromQlNames.metricNames("fednode_node_ready == 0"))
                .containsExactly("fednode_node_ready");
        assertThat(
                        PromQlNames.metricNames(
                                "sum by (job, kind) (rate(operator_sdk_reconciliations_failed_total{a=\"b\"}[5m])) > 0"))
                .containsExactly("operator_sdk_reconciliations_failed_total");
        assertThat(
                        PromQlNames.metricNames(
                                "fednode_x < 7 * 24 * 3600 and on(node) fednode_y offset 5m"))
                .containsExactly("fednode_x", "fednode_y");
        assertThat(
                        PromQlNames.metricNames(
                                "bottomk(10, fednode_z{health=~\"a|b\"}) / ignoring(outcome) up"))
                .containsExactly("fednode_z", "up");
        assertThat(PromQlNames.metricNames("delta(fednode_q{outcome=\"quarantined\"}[30m]) > 1e3"))
                .containsExactly("fednode_q");
    }
}
