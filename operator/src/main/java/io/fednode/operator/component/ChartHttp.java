package io.fednode.operator.component;

import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * The HTTP GETs with which the operator fetches charts (classic repositories and OCI registries):
 * no redirects followed by the client (a caller that accepts one checks where it goes), bounded
 * bodies, and network failures as {@code RepositoryUnreachable} (retried).
 */
final class ChartHttp {
    /** One response, its body read completely (within the bound). */
    record Answer(int status, HttpHeaders headers, byte[] body) {
        String header(String name) {
            return headers.firstValue(name).orElse("");
        }
    }

    private final HttpClient http =
            HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    /**
     * GETs {@code uri} with {@code headers}, reading at most {@code maxBytes} of the body.
     *
     * @param what names what is fetched in error messages (never a header value: they may hold a
     *     token)
     */
    Answer get(URI uri, Map<String, String> headers, int maxBytes, String what)
            throws ComponentProblem {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        headers.forEach(request::header);
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
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
            return new Answer(response.statusCode(), response.headers(), out.toByteArray());
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
