package io.fednode.operator.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Fetches one chart archive from a classic Helm repository (index.yaml + .tgz) with bounded sizes,
 * from the declared repository only: a chart URL in the index that points to another scheme, host
 * or port is refused, and the archive must match the index's sha256 digest when it gives one.
 */
public final class ChartRepository {
    /** Largest index.yaml read (big public repositories are a few MiB). */
    static final int MAX_INDEX_BYTES = 8 * 1024 * 1024;

    /** Largest chart archive read. */
    static final int MAX_CHART_BYTES = 16 * 1024 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final HttpClient http =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    /** Downloads {@code chart} at {@code version} into {@code dir} and returns its path. */
    public Path fetch(String repository, String chart, String version, Path dir)
            throws ComponentProblem {
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
        if (!digest.isEmpty() && !digest.equalsIgnoreCase(sha256(bytes))) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    "chart " + chart + " " + version + " does not match the digest in the index",
                    false);
        }
        try {
            Path file = dir.resolve(chart + "-" + version + ".tgz");
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the chart archive: " + e.getMessage(), e);
        }
    }

    private byte[] get(URI uri, int maxBytes, String what) throws ComponentProblem {
        HttpRequest request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ComponentProblem(
                    Reasons.REPOSITORY_UNREACHABLE,
                    "cannot fetch "
                            + what
                            + " from "
                            + uri
                            + ": "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()),
                    true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ComponentProblem(Reasons.REPOSITORY_UNREACHABLE, "interrupted", true);
        }
        try (InputStream in = response.body()) {
            int code = response.statusCode();
            if (code == 404) {
                throw new ComponentProblem(
                        Reasons.CHART_NOT_FOUND, uri + " answered 404 for " + what, false);
            }
            if (code != 200) {
                throw new ComponentProblem(
                        Reasons.REPOSITORY_UNREACHABLE,
                        uri + " answered HTTP " + code + " for " + what,
                        true);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (out.size() + n > maxBytes) {
                    throw new ComponentProblem(
                            Reasons.CHART_INVALID,
                            what + " from " + uri + " is larger than " + maxBytes + " bytes",
                            false);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ComponentProblem(
                    Reasons.REPOSITORY_UNREACHABLE,
                    "reading " + what + " from " + uri + " failed: " + e.getMessage(),
                    true);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
