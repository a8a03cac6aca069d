package io.fednode.operator.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Fetches one chart archive from a classic Helm repository (index.yaml + .tgz) with bounded sizes,
 * from the declared repository only: a chart URL in the index that points to another scheme, host
 * or port is refused, and the archive must match the index's sha256 digest when it gives one.
 */
final class ChartRepository {
    /** Largest index.yaml read (big public repositories are a few MiB). */
    static final int MAX_INDEX_BYTES = 8 * 1024 * 1024;

    /** Largest chart archive read. */
    static final int MAX_CHART_BYTES = 16 * 1024 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final ChartHttp http;

    ChartRepository(ChartHttp http) {
        this.http = http;
    }

    /** Downloads {@code chart} at {@code version}: the archive's bytes, checked. */
    byte[] fetch(String repository, String chart, String version) throws ComponentProblem {
        URI base = URI.create(repository.endsWith("/") ? repository : repository + "/");
        URI indexUri = base.resolve("index.yaml");
        JsonNode index;
        try {
            index = YAML.readTree(get(indexUri, MAX_INDEX_BYTES, "index.yaml"));
        } catch (IOException e) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID, indexUri + " is not a Helm repository index", false);
        }
        JsonNode entries = index == null ? null : index.path("entries").get(chart);
        if (entries == null || !entries.isArray()) {
            throw new ComponentProblem(
                    Reasons.CHART_NOT_FOUND,
                    "chart " + chart + " does not exist in repository " + repository,
                    false);
        }
        JsonNode entry = null;
        for (JsonNode e : entries) {
            if (version.equals(e.path("version").asText())) {
                entry = e;
            }
        }
        if (entry == null || !entry.path("urls").isArray() || entry.path("urls").isEmpty()) {
            throw new ComponentProblem(
                    Reasons.CHART_NOT_FOUND,
                    "chart "
                            + chart
                            + " has no version "
                            + version
                            + " in repository "
                            + repository,
                    false);
        }
        URI archive = base.resolve(entry.path("urls").get(0).asText());
        if (!Objects.equals(archive.getScheme(), base.getScheme())
                || !Objects.equals(archive.getHost(), base.getHost())
                || archive.getPort() != base.getPort()) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    "chart "
                            + chart
                            + " "
                            + version
                            + " is served from "
                            + archive.getScheme()
                            + "://"
                            + archive.getAuthority()
                            + ", outside the declared repository "
                            + repository,
                    false);
        }
        byte[] bytes = get(archive, MAX_CHART_BYTES, "chart " + chart + " " + version);
        String digest = entry.path("digest").asText("");
        if (!digest.isEmpty() && !digest.equalsIgnoreCase(ChartHttp.sha256(bytes))) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    "chart " + chart + " " + version + " does not match the digest in the index",
                    false);
        }
        return bytes;
    }

    private byte[] get(URI uri, int maxBytes, String what) throws ComponentProblem {
        ChartHttp.Answer answer = http.get(uri, Map.of(), maxBytes, what);
        if (answer.status() == 404) {
            throw new ComponentProblem(
                    Reasons.CHART_NOT_FOUND, uri + " answered 404 for " + what, false);
        }
        if (answer.status() != 200) {
            throw new ComponentProblem(
                    Reasons.REPOSITORY_UNREACHABLE,
                    uri + " answered HTTP " + answer.status() + " for " + what,
                    true);
        }
        return answer.body();
    }
}
