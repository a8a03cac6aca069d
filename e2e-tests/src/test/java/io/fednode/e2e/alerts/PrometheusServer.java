package io.fednode.e2e.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus ({@code tools/build-prometheus.sh}) on 127.0.0.1 with a configuration the test
 * writes, its data and log in a folder of the test's. Queried over its HTTP API.
 */
public final class PrometheusServer implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Prometheus with {@code config} (prometheus.yml content; rule files it names are
     * resolved relative to {@code dir}) and waits until it is ready.
     */
    public static PrometheusServer start(Path dir, String config) throws IOException {
        Files.createDirectories(dir);
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        Path log = dir.resolve("prometheus.log");
        int port = freePort();
        Process p =
                new ProcessBuilder(
                                List.of(
                                        PrometheusBinaries.binary("prometheus").toString(),
                                        "--config.file=" + configFile,
                                        "--storage.tsdb.path=" + dir.resolve("data"),
                                        "--web.listen-address=127.0.0.1:" + port,
                                        "--log.level=warn"))
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        PrometheusServer server = new PrometheusServer(p, port, log);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException(
                        "prometheus exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (server.status("/-/ready") == 200) {
                    return server;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                server.close();
                throw new IllegalStateException(
                        "prometheus not ready within 1 minute:\n" + Files.readString(log));
            }
            sleep(200);
        }
    }

    /** GET an API path ({@code /api/v1/alerts}, …); fails unless Prometheus answers success. */
    public JsonNode api(String path) throws IOException {
        HttpResponse<String> r = get(path);
        JsonNode body = ShippedMonitoring.JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return body.path("data");
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    private int status(String path) throws IOException {
        return get(path).statusCode();
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
