package io.fednode.e2e.flower;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fednode.testing.KubernetesBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A researcher's Flower server, the aggregator of a federated training: {@code
 * tools/trainer/flower_server.py} (Flower's own server, FedAvg, a fixed number of rounds) run as a
 * process on this machine, listening on one address (the real node's host address: the only one its
 * Pods can reach) with a TLS certificate made here for that address by a CA made here. The CA
 * certificate is public: trainers get it in a plain environment variable; its key never leaves the
 * server's folder. Every TCP connection that reaches the server is logged with its peer address
 * ({@link #connectionPeers()}).
 */
public final class FlowerServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String address;
    private final int port;
    private final String caPem;
    private final Process process;

    private FlowerServer(Path dir, String address, int port, String caPem, Process process) {
        this.dir = dir;
        this.address = address;
        this.port = port;
        this.caPem = caPem;
        this.process = process;
    }

    /**
     * Starts the server on {@code address} (a free port) for {@code rounds} rounds of FedAvg with
     * at least {@code minClients} clients, and waits until it listens.
     */
    public static FlowerServer start(Path dir, String address, int rounds, int minClients) {
        try {
            Files.createDirectories(dir);
            int port = freePort(address);
            certificates(dir, address);
            Path root = KubernetesBinaries.repoRoot();
            Path lib =
                    Path.of(
                            lastLine(
                                    run(
                                            dir,
                                            "bash",
                                            root.resolve("tools/build-trainer-image.sh").toString(),
                                            "--host-lib")));
            ProcessBuilder builder =
                    new ProcessBuilder(
                                    "python3",
                                    root.resolve("tools/trainer/flower_server.py").toString(),
                                    "--listen=" + address + ":" + port,
                                    "--rounds=" + rounds,
                                    "--min-clients=" + minClients,
                                    "--ca=" + dir.resolve("ca.pem"),
                                    "--cert=" + dir.resolve("server.pem"),
                                    "--key=" + dir.resolve("server.key"),
                                    "--connections=" + dir.resolve("connections.log"),
                                    "--summary=" + dir.resolve("summary.json"))
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("server.log").toFile());
            builder.environment().put("PYTHONPATH", lib.toString());
            builder.environment().put("FLWR_TELEMETRY_ENABLED", "0");
            builder.environment().put("FLWR_HOME", dir.resolve("flwr-home").toString());
            builder.environment().put("PYTHONUNBUFFERED", "1");
            FlowerServer server =
                    new FlowerServer(
                            dir,
                            address,
                            port,
                            Files.readString(dir.resolve("ca.pem")),
                            builder.start());
            server.awaitLog("listening on " + address + ":" + port, Duration.ofMinutes(1));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The endpoint a TrainingRun or FederatedJob names as its aggregator. */
    public String endpoint() {
        return "https://" + address + ":" + port;
    }

    public String address() {
        return address;
    }

    public int port() {
        return port;
    }

    /** The CA certificate (PEM) the server's certificate chains to: public, no secret. */
    public String caPem() {
        return caPem;
    }

    /** The IP address of every peer that opened a TCP connection to the server so far. */
    public List<String> connectionPeers() {
        try {
            Path log = dir.resolve("connections.log");
            if (!Files.exists(log)) {
                return List.of();
            }
            List<String> peers = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("connection from ")) {
                    String peer = line.substring("connection from ".length());
                    peers.add(peer.substring(0, peer.lastIndexOf(':')));
                }
            }
            return peers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the server finished its rounds and exited; what it recorded. */
    public JsonNode awaitSummary(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(
                        "the Flower server did not finish within " + timeout + "\n" + log());
            }
            Path summary = dir.resolve("summary.json");
            if (process.exitValue() != 0 || !Files.exists(summary)) {
                throw new AssertionError(
                        "the Flower server exited " + process.exitValue() + "\n" + log());
            }
            return JSON.readTree(summary.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The server's own log (Flower's lines and the forwarder's). */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (log().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the Flower server exited before listening\n" + log());
            }
            sleep(200);
        }
        throw new AssertionError(
                "the Flower server did not listen within " + timeout + "\n" + log());
    }

    /** A CA and a server certificate for {@code address} (IP SAN), with openssl, in {@code dir}. */
    private static void certificates(Path dir, String address) throws IOException {
        Files.writeString(
                dir.resolve("server.ext"),
                "subjectAltName=IP:"
                        + address
                        + "\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n");
        String ec = "ec_paramgen_curve:prime256v1";
        run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                ec,
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "1",
                "-subj",
                "/CN=flower-test-ca");
        run(
                dir,
                "openssl",
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                ec,
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=" + address);
        run(
                dir,
                "openssl",
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "1",
                "-extfile",
                "server.ext");
        Files.delete(dir.resolve("ca.key"));
    }

    private static String run(Path dir, String... command) {
        try {
            Process p =
                    new ProcessBuilder(command)
                            .directory(dir.toFile())
                            .redirectError(dir.resolve("setup.log").toFile())
                            .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command)
                                + " failed:\n"
                                + Files.readString(dir.resolve("setup.log")));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String lastLine(String out) {
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new IllegalStateException("no output");
        }
        return lines.get(lines.size() - 1).strip();
    }

    private static int freePort(String address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return s.getLocalPort();
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
