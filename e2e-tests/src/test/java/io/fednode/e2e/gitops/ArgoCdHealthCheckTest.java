package io.fednode.e2e.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Argo CD health check fednode ships ({@code manifests/gitops/argocd-cm-patch.yaml}), run by a
 * real Lua 5.1 interpreter (the dialect of Argo CD's gopher-lua) against resources in each state.
 */
class ArgoCdHealthCheckTest {
    private static final Path PATCH = Path.of("../manifests/gitops/argocd-cm-patch.yaml");
    private static final String KEY = "resource.customizations.health.fednode.io_*";
    private static Path script;

    @BeforeAll
    static void extractShippedScript() throws IOException {
        JsonNode cm = new ObjectMapper(new YAMLFactory()).readTree(PATCH.toFile());
        String lua = cm.path("data").path(KEY).asText();
        assertThat(lua).as("%s in %s", KEY, PATCH).isNotBlank();
        script = Files.createTempFile("fednode-health", ".lua");
        Files.writeString(script, lua);
    }

    @Test
    void shippedPatchIsTheRenderedScript() throws IOException {
        assertThat(Files.readString(script))
                .as("run tools/render-gitops.sh after editing argocd-health.lua")
                .isEqualTo(Files.readString(Path.of("../manifests/gitops/argocd-health.lua")));
    }

    static Stream<Arguments> resources() {
        return Stream.of(
                Arguments.of("no status yet", resource(1, null, "[]"), "Progressing", "Waiting"),
                Arguments.of(
                        "old generation observed",
                        resource(3, 2L, cond("Ready", "True", "Reconciled", "all good")),
                        "Progressing",
                        "observe generation 3"),
                Arguments.of(
                        "ready",
                        resource(2, 2L, cond("Ready", "True", "Reconciled", "node is ready")),
                        "Healthy",
                        "Reconciled: node is ready"),
                Arguments.of(
                        "reconciling",
                        resource(
                                2,
                                2L,
                                cond("Ready", "False", "StorageNotBound", "waiting for PVCs"),
                                cond("Reconciling", "True", "StorageNotBound", "waiting for PVCs")),
                        "Progressing",
                        "StorageNotBound"),
                Arguments.of(
                        "stalled",
                        resource(
                                2,
                                2L,
                                cond("Ready", "False", "JoinTokenMissing", "no Secret hub-join"),
                                cond("Stalled", "True", "JoinTokenMissing", "no Secret hub-join")),
                        "Degraded",
                        "JoinTokenMissing: no Secret hub-join"),
                Arguments.of(
                        "not ready and not progressing",
                        resource(
                                1,
                                1L,
                                cond("Ready", "False", "HubUnreachable", "connect timed out")),
                        "Degraded",
                        "HubUnreachable"),
                Arguments.of(
                        "queued training run",
                        resource(1, 1L, cond("Queued", "True", "QuotaExceeded", "2 of 2 running")),
                        "Suspended",
                        "QuotaExceeded"),
                Arguments.of(
                        "running training run",
                        resource(1, 1L, cond("Running", "True", "JobRunning", "on gpu-node-0")),
                        "Progressing",
                        "JobRunning"),
                Arguments.of(
                        "succeeded run",
                        resource(
                                1,
                                1L,
                                cond("Running", "False", "Completed", ""),
                                cond("Succeeded", "True", "Completed", "finished")),
                        "Healthy",
                        "Completed"),
                Arguments.of(
                        "failed dataset",
                        resource(
                                1,
                                1L,
                                cond("Ready", "False", "JobFailed", "3 attempts"),
                                cond("Failed", "True", "JobFailed", "3 attempts")),
                        "Degraded",
                        "JobFailed: 3 attempts"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void judgesHealthFromConditions(
            String name, String resourceJson, String expectedStatus, String messageFragment)
            throws Exception {
        List<String> health = runLua(resourceJson);
        assertThat(health.get(0)).isEqualTo(expectedStatus);
        assertThat(health.get(1)).contains(messageFragment);
    }

    private static List<String> runLua(String json) throws IOException, InterruptedException {
        Path harness = Path.of("src/test/resources/argocd-health-harness.lua");
        Process p =
                new ProcessBuilder("lua5.1", harness.toString(), script.toString())
                        .redirectErrorStream(true)
                        .start();
        p.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("lua5.1 output: %s", out).isZero();
        return List.of(out.split("\n", -1));
    }

    private static String resource(long generation, Long observed, String... conditions) {
        String status =
                observed == null && conditions.length == 1 && conditions[0].equals("[]")
                        ? ""
                        : ",\"status\":{"
                                + (observed == null
                                        ? ""
                                        : "\"observedGeneration\":" + observed + ",")
                                + "\"conditions\":["
                                + String.join(",", conditions)
                                + "]}";
        return "{\"apiVersion\":\"fednode.io/v1alpha1\",\"kind\":\"FederationNode\","
                + "\"metadata\":{\"name\":\"n\",\"generation\":"
                + generation
                + "}"
                + status
                + "}";
    }

    private static String cond(String type, String status, String reason, String message) {
        return String.format(
                "{\"type\":\"%s\",\"status\":\"%s\",\"reason\":\"%s\",\"message\":\"%s\"}",
                type, status, reason, message);
    }
}
