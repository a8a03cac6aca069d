package io.fednode.e2e.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fednode.testing.KubernetesBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The alert rules and dashboards the two charts ship, read from their files/. */
public final class ShippedMonitoring {
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    public static final ObjectMapper JSON = new ObjectMapper();

    /** A chart and its rule file, dashboard and promtool unit tests. */
    public enum Chart {
        OPERATOR("fednode-operator", "fednode-node-dashboard.json"),
        HUB("fednode-hub", "fednode-fleet-dashboard.json");

        public final String name;
        private final String dashboard;

        Chart(String name, String dashboard) {
            this.name = name;
            this.dashboard = dashboard;
        }

        public Path dir() {
            return KubernetesBinaries.repoRoot().resolve("charts").resolve(name);
        }

        public Path rules() {
            return dir().resolve("files/prometheus-rules.yaml");
        }

        public Path dashboard() {
            return dir().resolve("files").resolve(dashboard);
        }

        public Path ruleTests() {
            return KubernetesBinaries.repoRoot()
                    .resolve("e2e-tests/src/test/resources/alerts")
                    .resolve(name + ".rules-test.yaml");
        }
    }

    private ShippedMonitoring() {}

    /** Every alerting rule of a rule file (Prometheus's groups[].rules[] with an alert name). */
    public static List<JsonNode> alerts(Path ruleFile) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode group : read(YAML, ruleFile).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    out.add(rule);
                }
            }
        }
        return out;
    }

    /** Every panel query ({@code targets[].expr}) of a dashboard, with its panel's title. */
    public static List<String[]> panelQueries(Path dashboard) {
        List<String[]> out = new ArrayList<>();
        collect(read(JSON, dashboard).path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<String[]> out) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new String[] {panel.path("title").asText(), target.path("expr").asText()});
            }
            collect(panel.path("panels"), out); // rows hold panels of their own
        }
    }

    /**
     * {@code helm template} of a chart (the operator's with one watched namespace), only the given
     * template unless null, with {@code --set} values; fails with helm's output unless it exits 0.
     */
    public static String helmTemplate(Chart chart, Path tmp, String showOnly, String... sets) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                KubernetesBinaries.binary("helm").toString(),
                                "template",
                                chart.name,
                                chart.dir().toString(),
                                "--namespace",
                                "monitoring-test"));
        if (chart == Chart.OPERATOR) {
            command.addAll(List.of("--set", "watchNamespaces={hospital-a}"));
        }
        for (String set : sets) {
            command.addAll(List.of("--set", set));
        }
        if (showOnly != null) {
            command.addAll(List.of("--show-only", showOnly));
        }
        try {
            Path out = Files.createTempFile(tmp, "helm", ".out");
            Process p =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .start();
            boolean done = p.waitFor(1, TimeUnit.MINUTES);
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (!done || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError(
                        "helm " + command.subList(1, command.size()) + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The PrometheusRule's spec (a rule file) as the chart renders it with the rule enabled. */
    public static JsonNode renderedRules(Chart chart, Path tmp) {
        try {
            return YAML.readTree(
                            helmTemplate(
                                    chart,
                                    tmp,
                                    "templates/prometheusrule.yaml",
                                    "metrics.prometheusRule.enabled=true"))
                    .path("spec");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
