package io.fednode.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classic Helm chart repository (index.yaml + .tgz) served on 127.0.0.1 by the test itself.
 * Charts are packaged in-process with helm-java from fixture directories, each published at the
 * version the test names (the fixture's {@code Chart.yaml} says {@code version: 0.0.0}).
 */
public final class ChartRepositoryServer implements AutoCloseable {
    private final Path work;
    private final Path root;
    private final HttpServer server;
    private final Map<String, List<String[]>> entries = new LinkedHashMap<>();

    public ChartRepositoryServer() {
        try {
            work = Files.createTempDirectory("chart-repo-");
            root = Files.createDirectory(work.resolve("repo"));
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(
                "/",
                exchange -> {
                    Path file =
                            root.resolve(exchange.getRequestURI().getPath().substring(1))
                                    .normalize();
                    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                        exchange.sendResponseHeaders(404, -1);
                        exchange.close();
                        return;
                    }
                    byte[] body = Files.readAllBytes(file);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
    }

    /** The repository's URL, e.g. {@code http://127.0.0.1:43121}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Packages the chart fixture in {@code chartDir} at {@code version} (appVersion too) and lists
     * it in index.yaml.
     */
    public synchronized void publish(Path chartDir, String version) {
        try {
            Path archive = ChartPackages.packageAt(chartDir, version, work, root);
            String name = chartDir.getFileName().toString();
            String digest = sha256(Files.readAllBytes(archive));
            entries.computeIfAbsent(name, n -> new ArrayList<>())
                    .add(new String[] {version, archive.getFileName().toString(), digest});
            writeIndex();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeIndex() throws IOException {
        StringBuilder y = new StringBuilder("apiVersion: v1\nentries:\n");
        for (var e : entries.entrySet()) {
            y.append("  ").append(e.getKey()).append(":\n");
            for (String[] v : e.getValue()) {
                y.append("  - name: ").append(e.getKey()).append('\n');
                y.append("    version: ").append(v[0]).append('\n');
                y.append("    apiVersion: v2\n");
                y.append("    digest: ").append(v[2]).append('\n');
                y.append("    urls: [").append(v[1]).append("]\n");
            }
        }
        Files.writeString(root.resolve("index.yaml"), y.toString());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ChartPackages.deleteTree(work);
    }
}
