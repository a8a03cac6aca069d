package io.fednode.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A real OCI registry on 127.0.0.1: the CNCF distribution registry from Debian's {@code
 * docker-registry} package, started as a process with filesystem storage in a temporary directory
 * and stopped (its files removed) on {@link #close()}.
 *
 * <p>Two registry processes serve the one storage: an open one, to which charts are pushed with
 * helm-java ({@code helm push}, an independent client), and one with the registry's {@code silly}
 * token authentication for the code under test, which answers every request without an {@code
 * Authorization} header with 401 and a {@code Bearer realm=…,service=…,scope=…} challenge and
 * accepts any bearer token. Its realm is a token endpoint of this class that hands out random
 * tokens and records what it was asked ({@link #tokenRequests()}); the silly mode does not check
 * the token itself, so these tests prove the client's token flow, not a token's validation.
 */
public final class OciRegistryServer implements AutoCloseable {
    /** The binary of Debian's docker-registry package (tools/install-test-deps.sh installs it). */
    public static final String BINARY = "/usr/bin/docker-registry";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path work;
    private final Path storage;
    private final HttpServer tokens;
    private final List<String> tokenRequests = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final int openPort;
    private final int authPort;
    private final HttpClient http = HttpClient.newHttpClient();

    public OciRegistryServer() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(
                    BINARY
                            + " is missing: install Debian's docker-registry package"
                            + " (tools/install-test-deps.sh)");
        }
        try {
            work = Files.createTempDirectory("oci-registry-");
            storage = Files.createDirectory(work.resolve("storage"));
            tokens =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tokens.createContext(
                "/token",
                exchange -> {
                    synchronized (tokenRequests) {
                        tokenRequests.add(exchange.getRequestURI().getRawQuery());
                    }
                    byte[] body =
                            ("{\"token\":\"" + UUID.randomUUID() + "\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        tokens.start();
        try {
            openPort = start("open", "");
            authPort =
                    start(
                            "auth",
                            "auth:\n  silly:\n    realm: http://127.0.0.1:"
                                    + tokens.getAddress().getPort()
                                    + "/token\n    service: fednode-test-registry\n");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private int start(String name, String auth) {
        int port = freePort();
        String config =
                "version: 0.1\n"
                        + "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
                        + "storage:\n  filesystem:\n    rootdirectory: "
                        + storage
                        + "\n  delete:\n    enabled: true\n"
                        + "http:\n  addr: 127.0.0.1:"
                        + port
                        + "\n  secret: "
                        + UUID.randomUUID()
                        + "\n"
                        + auth;
        try {
            Path file = work.resolve(name + ".yml");
            Files.writeString(file, config);
            Process p =
                    new ProcessBuilder(BINARY, "serve", file.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(work.resolve(name + ".log").toFile())
                            .start();
            processes.add(p);
            awaitListening(p, port, name);
            return port;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening(Process p, int port, String name) throws IOException {
        Instant deadline = Instant.now().plusSeconds(30);
        URI ping = URI.create("http://127.0.0.1:" + port + "/v2/");
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IllegalStateException(
                        "the "
                                + name
                                + " registry exited: "
                                + Files.readString(work.resolve(name + ".log")));
            }
            try {
                int code =
                        http.send(
                                        HttpRequest.newBuilder(ping)
                                                .timeout(Duration.ofSeconds(2))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                if (code == 200 || code == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100); // polling a process's port: nothing to wait on instead
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the " + name + " registry did not listen on " + port);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The reference of {@code path} (e.g. {@code charts/probe-config}) on the registry that asks
     * for a bearer token: {@code oci://127.0.0.1:PORT/charts/probe-config}.
     */
    public String reference(String path) {
        return "oci://127.0.0.1:" + authPort + "/" + path;
    }

    /** The same storage served without authentication. */
    public String openReference(String path) {
        return "oci://127.0.0.1:" + openPort + "/" + path;
    }

    /**
     * Packages the chart fixture {@code chartDir} at {@code version} and pushes it with helm-java
     * to {@code oci://127.0.0.1:PORT/<namespace>} (so the repository is {@code <namespace>/<chart
     * name>}, as Helm names it).
     */
    public void push(Path chartDir, String version, String namespace) {
        try {
            Path packages = Files.createTempDirectory(work, "pkg-");
            Path archive = ChartPackages.packageAt(chartDir, version, work, packages);
            Helm.push()
                    .withChart(archive)
                    .withRemote(URI.create(openReference(namespace)))
                    .plainHttp()
                    .call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Uploads, with the distribution API, an OCI image manifest under {@code repository:tag} whose
     * one layer is a plain tar+gzip image layer: an artifact that is not a Helm chart.
     */
    public void pushNonChart(String repository, String tag) {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = "not a chart".getBytes(StandardCharsets.UTF_8);
        String configDigest = uploadBlob(repository, config);
        String layerDigest = uploadBlob(repository, layer);
        String manifest =
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                        + "\"digest\":\""
                        + configDigest
                        + "\",\"size\":"
                        + config.length
                        + "},\"layers\":[{\"mediaType\":"
                        + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                        + layerDigest
                        + "\",\"size\":"
                        + layer.length
                        + "}]}";
        send(
                HttpRequest.newBuilder(openUri("/v2/" + repository + "/manifests/" + tag))
                        .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(manifest)),
                201);
    }

    private String uploadBlob(String repository, byte[] content) {
        String digest = "sha256:" + ChartRepositoryServer.sha256(content);
        HttpResponse<String> started =
                send(
                        HttpRequest.newBuilder(openUri("/v2/" + repository + "/blobs/uploads/"))
                                .POST(HttpRequest.BodyPublishers.noBody()),
                        202);
        URI location = openUri("/").resolve(started.headers().firstValue("Location").orElseThrow());
        String sep = location.getRawQuery() == null ? "?" : "&";
        send(
                HttpRequest.newBuilder(URI.create(location + sep + "digest=" + digest))
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)),
                201);
        return digest;
    }

    /**
     * Changes one byte of the chart layer of {@code repository:tag} in the registry's storage (same
     * size, other content), so the registry serves a blob that no longer matches the digest in the
     * manifest.
     */
    public void corruptChartLayer(String repository, String tag) {
        HttpResponse<String> manifest =
                send(
                        HttpRequest.newBuilder(openUri("/v2/" + repository + "/manifests/" + tag))
                                .header("Accept", "application/vnd.oci.image.manifest.v1+json"),
                        200);
        try {
            String digest = null;
            for (JsonNode layer : JSON.readTree(manifest.body()).path("layers")) {
                if (layer.path("mediaType")
                        .asText()
                        .equals("application/vnd.cncf.helm.chart.content.v1.tar+gzip")) {
                    digest = layer.path("digest").asText();
                }
            }
            String hex = digest.substring("sha256:".length());
            Path data =
                    storage.resolve(
                            "docker/registry/v2/blobs/sha256/"
                                    + hex.substring(0, 2)
                                    + "/"
                                    + hex
                                    + "/data");
            byte[] bytes = Files.readAllBytes(data);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(data, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The query strings of the token requests so far ({@code service=…&scope=…}). */
    public List<String> tokenRequests() {
        synchronized (tokenRequests) {
            return List.copyOf(tokenRequests);
        }
    }

    private URI openUri(String path) {
        return URI.create("http://127.0.0.1:" + openPort + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, int expected) {
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(
                        request.build().method()
                                + " "
                                + request.build().uri()
                                + " answered "
                                + response.statusCode()
                                + ": "
                                + response.body());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tokens.stop(0);
        ChartPackages.deleteTree(work);
    }
}
