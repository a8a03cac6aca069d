package io.fednode.e2e.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fednode.testing.KubernetesBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    public static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
