package io.fednode.hub.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberSpec;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import io.fednode.hub.http.Json;
import io.fednode.testing.RealApiServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Load generator for bench/hub.sh: a real API server, the hub as a separate process (its CPU and
 * RSS measured from /proc), N FederationMembers enrolled through the real enrolment endpoint, then
 * N simulated nodes heartbeating over mTLS, one kept-alive TLS connection each, spread evenly over
 * the interval. Reports heartbeats/s, p50/p99 latency, hub CPU and RSS, and the API server's own
 * count of write requests during the steady-state window.
 *
 * <p>Then the baseline, {@link HeartbeatBaselineServer} (the same Jetty mTLS setup answering
 * heartbeats with 200 and nothing else), started the same way with the same heap flag once the hub
 * has stopped, takes the identical load: the same enrolled identities, interval, warm-up (as long
 * as the hub's took) and window. Both sets of figures and their ratios go into one JSON line.
 *
 * <p>Usage: {@code HubBenchmark <members> <interval s> <window s> <hub classpath> <out.json>
 * <baseline classpath>}
 */
public final class HubBenchmark {
    static final String NS = "bench";

    public static void main(String[] args) throws Exception {
        int members = Integer.parseInt(args[0]);
        int intervalSeconds = Integer.parseInt(args[1]);
        int windowSeconds = Integer.parseInt(args[2]);
        String hubClasspath = args[3];
        Path out = Path.of(args[4]);
        String baselineClasspath = args[5];
        String heap = System.getProperty("bench.hubHeap", "512m");

        RealApiServer api = new RealApiServer();
        api.start();
        Process hub = null;
        Process baseline = null;
        Path caDir = null;
        try {
            KubernetesClient kube = api.client();
            api.installCrd(Path.of("crds/federationmembers.fednode.io-v1.yml"));
            kube.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(NS)
                                    .endMetadata()
                                    .build())
                    .create();
            Path kubeconfig = Files.createTempFile("bench-kubeconfig", ".yaml");
            Files.writeString(kubeconfig, api.kubeConfigYaml());
            int port = freePort();
            int adminPort = freePort();
            hub =
                    startServer(
                            "hub",
                            members,
                            heap,
                            hubClasspath,
                            "io.fednode.hub.HubMain",
                            Map.of("KUBECONFIG", kubeconfig.toString()),
                            "--namespace=" + NS,
                            "--port=" + port,
                            "--admin-port=" + adminPort,
                            // every simulated node is on 127.0.0.1 and enrols within seconds,
                            // 48 at a time: lift the per-address bounds meant for the internet
                            "--max-connections=" + (members + 1024),
                            "--max-connections-per-address=" + (members + 1024),
                            "--enrol-attempts-per-minute=" + (members * 2),
                            "--max-concurrent-enrolments=48");
            long hubPid = hub.pid();
            awaitHealthy(adminPort);

            long t0 = System.nanoTime();
            createMembers(kube, members);
            double createSeconds = (System.nanoTime() - t0) / 1e9;
            log("created %d members in %.1f s", members, createSeconds);

            Map<String, String> caSecret =
                    kube.secrets().inNamespace(NS).withName("fednode-hub-ca").get().getData();
            X509Certificate ca = Pem.certificates(decode(caSecret.get("tls.crt"))).get(0);
            long t1 = System.nanoTime();
            Identities identities = enrolAll(kube, members, ca, port);
            double enrolSeconds = (System.nanoTime() - t1) / 1e9;
            log(
                    "enrolled %d members in %.1f s (%.0f/s)",
                    members, enrolSeconds, members / enrolSeconds);

            Load load = new Load(identities, ca, port, intervalSeconds);
            long warmupStart = System.nanoTime();
            load.start();
            // warm-up: every connection handshakes once and every member turns Available
            Thread.sleep(Duration.ofSeconds(intervalSeconds + 5).toMillis());
            awaitAvailable(adminPort, members, Duration.ofSeconds(120));
            awaitStatusWritesDrained(adminPort, Duration.ofMinutes(10));
            Duration warmup = Duration.ofNanos(System.nanoTime() - warmupStart);
            load.resetStats();
            Map<String, Double> writesBefore = apiWrites(kube);
            Window window = window(hubPid, windowSeconds);
            Map<String, Double> writesAfter = apiWrites(kube);
            Steady hubRun = steady(load, window, hubPid);
            double writes = 0;
            double writesNoLeases = 0;
            for (var e : writesAfter.entrySet()) {
                double d = e.getValue() - writesBefore.getOrDefault(e.getKey(), 0.0);
                writes += d;
                if (!e.getKey().contains("resource=\"leases\"")) {
                    writesNoLeases += d;
                }
            }
            log(
                    "hub: %.1f heartbeats/s, p50 %.2f ms, p99 %.2f ms, %.3f cores, %.0f MiB",
                    hubRun.perSecond(),
                    hubRun.stats().percentile(0.50),
                    hubRun.stats().percentile(0.99),
                    hubRun.cpuCores(),
                    hubRun.rssMiB());
            // The hub must be gone before the baseline runs: it would otherwise compete for the
            // cores, and turn members Unknown (status writes) once their heartbeats stop.
            stopServer(hub);
            hub = null;
            load.awaitStopped();
            load = null;

            // Baseline: same identities, interval, warm-up and window; same CA and heap flag.
            caDir = Files.createTempDirectory("bench-baseline-ca");
            Path caCert = writeOwnerOnly(caDir.resolve("tls.crt"), decode(caSecret.get("tls.crt")));
            Path caKey = writeOwnerOnly(caDir.resolve("tls.key"), decode(caSecret.get("tls.key")));
            int baselinePort = freePort();
            int baselineAdminPort = freePort();
            baseline =
                    startServer(
                            "baseline",
                            members,
                            heap,
                            baselineClasspath,
                            HeartbeatBaselineServer.class.getName(),
                            Map.of(),
                            "--port=" + baselinePort,
                            "--admin-port=" + baselineAdminPort,
                            "--ca-cert=" + caCert,
                            "--ca-key=" + caKey);
            long baselinePid = baseline.pid();
            awaitHealthy(baselineAdminPort);
            Load baselineLoad = new Load(identities, ca, baselinePort, intervalSeconds);
            baselineLoad.start();
            log("baseline: warming up for %d s, as long as the hub did", warmup.toSeconds());
            Thread.sleep(warmup.toMillis());
            baselineLoad.resetStats();
            Steady baseRun = steady(baselineLoad, window(baselinePid, windowSeconds), baselinePid);
            log(
                    "baseline: %.1f heartbeats/s, p50 %.2f ms, p99 %.2f ms, %.3f cores, %.0f MiB",
                    baseRun.perSecond(),
                    baseRun.stats().percentile(0.50),
                    baseRun.stats().percentile(0.99),
                    baseRun.cpuCores(),
                    baseRun.rssMiB());

            String json =
                    String.format(
                            Locale.ROOT,
                            "{\"hubHeap\":\""
                                    + heap
                                    + "\",\"members\":%d,\"intervalSeconds\":%d,\"windowSeconds\":%.1f,"
                                    + "\"heartbeats\":%d,\"errors\":%d,\"heartbeatsPerSecond\":%.1f,"
                                    + "\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"maxMs\":%.2f,\"lateSends\":%d,"
                                    + "\"hubCpuCores\":%.3f,\"hubRssMiB\":%.0f,"
                                    + "\"apiWritesPerMinute\":%.1f,\"apiWritesPerMinuteExcludingLeases\":%.1f,"
                                    + "\"memberCreateSeconds\":%.1f,\"enrolmentSeconds\":%.1f,\"enrolmentsPerSecond\":%.1f,"
                                    + "\"warmupSeconds\":%.1f,"
                                    + "\"baseline\":{\"windowSeconds\":%.1f,\"heartbeats\":%d,\"errors\":%d,"
                                    + "\"heartbeatsPerSecond\":%.1f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"maxMs\":%.2f,"
                                    + "\"lateSends\":%d,\"cpuCores\":%.3f,\"rssMiB\":%.0f},"
                                    + "\"hubToBaseline\":{\"heartbeatsPerSecond\":%.3f,\"p50\":%.3f,\"p99\":%.3f,"
                                    + "\"cpuCores\":%.3f,\"rss\":%.3f}}",
                            members,
                            intervalSeconds,
                            hubRun.window().seconds(),
                            hubRun.stats().count,
                            hubRun.stats().errors,
                            hubRun.perSecond(),
                            hubRun.stats().percentile(0.50),
                            hubRun.stats().percentile(0.99),
                            hubRun.stats().percentile(1.0),
                            hubRun.stats().late,
                            hubRun.cpuCores(),
                            hubRun.rssMiB(),
                            writes * 60 / hubRun.window().seconds(),
                            writesNoLeases * 60 / hubRun.window().seconds(),
                            createSeconds,
                            enrolSeconds,
                            members / enrolSeconds,
                            warmup.toMillis() / 1000.0,
                            baseRun.window().seconds(),
                            baseRun.stats().count,
                            baseRun.stats().errors,
                            baseRun.perSecond(),
                            baseRun.stats().percentile(0.50),
                            baseRun.stats().percentile(0.99),
                            baseRun.stats().percentile(1.0),
                            baseRun.stats().late,
                            baseRun.cpuCores(),
                            baseRun.rssMiB(),
                            hubRun.perSecond() / baseRun.perSecond(),
                            hubRun.stats().percentile(0.50) / baseRun.stats().percentile(0.50),
                            hubRun.stats().percentile(0.99) / baseRun.stats().percentile(0.99),
                            hubRun.cpuCores() / baseRun.cpuCores(),
                            hubRun.rssMiB() / baseRun.rssMiB());
            Files.writeString(out, json + "\n");
            System.out.println(json);
        } finally {
            if (hub != null) {
                stopServer(hub);
            }
            if (baseline != null) {
                stopServer(baseline);
            }
            if (caDir != null) {
                for (String f : new String[] {"tls.crt", "tls.key"}) {
                    Files.deleteIfExists(caDir.resolve(f));
                }
                Files.deleteIfExists(caDir);
            }
            api.close();
        }
    }

    /**
     * Starts a server under test (the hub or the baseline) as its own JVM, both the same way: the
     * same heap flag, a GC log and the output in
     * hub/target/bench-&lt;role&gt;[-gc]-&lt;members&gt;.log.
     */
    static Process startServer(
            String role,
            int members,
            String heap,
            String classpath,
            String mainClass,
            Map<String, String> env,
            String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add("java");
        command.add("-Xmx" + heap);
        command.add("-Xlog:gc:file=hub/target/bench-" + role + "-gc-" + members + ".log");
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(
                                Path.of("hub/target/bench-" + role + "-" + members + ".log")
                                        .toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    static void stopServer(Process server) throws InterruptedException {
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    static Path writeOwnerOnly(Path file, String content) throws IOException {
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(file, content);
    }

    /** The measured steady-state window: its length and the server's CPU time during it. */
    record Window(double seconds, double cpuCores) {}

    static Window window(long pid, int windowSeconds) throws Exception {
        long cpuBefore = cpuTicks(pid);
        long w0 = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(windowSeconds).toMillis());
        double seconds = (System.nanoTime() - w0) / 1e9;
        long cpuAfter = cpuTicks(pid);
        return new Window(seconds, (cpuAfter - cpuBefore) / 100.0 / seconds); // USER_HZ = 100
    }

    /** One server's figures for one window. */
    record Steady(Stats stats, Window window, double rssMiB) {
        double perSecond() {
            return stats.count / window.seconds();
        }

        double cpuCores() {
            return window.cpuCores();
        }
    }

    static Steady steady(Load load, Window window, long pid) throws IOException {
        Stats stats = load.snapshot();
        load.stop();
        return new Steady(stats, window, rssKiB(pid) / 1024.0);
    }

    static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }

    static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void awaitHealthy(int adminPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 600; i++) {
            try {
                var r =
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + adminPort
                                                                + "/healthz"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("hub did not start");
    }

    static void awaitAvailable(int adminPort, int members, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        int available = 0;
        while (System.nanoTime() < deadline) {
            var r =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + adminPort
                                                            + "/api/v1/fleet"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            available = Json.MAPPER.readTree(r.body()).path("summary").path("AVAILABLE").asInt();
            if (available == members) {
                log("all %d members available", members);
                return;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException(
                "only " + available + " of " + members + " available; fleet: " + fleet(adminPort));
    }

    static String fleet(int adminPort) throws Exception {
        String body =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + adminPort
                                                                + "/api/v1/fleet?state=unknown"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        return body.length() > 2000 ? body.substring(0, 2000) : body;
    }

    /** Waits until the hub's status-write counter has not moved for 15 s. */
    static void awaitStatusWritesDrained(int adminPort, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        double last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            String metrics =
                    http.send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + adminPort
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            double writes = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("fednode_hub_status_writes_total")) {
                    writes = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            if (writes != last) {
                last = writes;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(15)) {
                log("status writes drained (%.0f written)", writes);
                return;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("status writes did not drain");
    }

    static void createMembers(KubernetesClient kube, int members) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(48);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            String id = nodeId(i);
            done.add(
                    pool.submit(
                            () -> {
                                FederationMember m = new FederationMember();
                                m.getMetadata().setName(id);
                                m.getMetadata().setNamespace(NS);
                                FederationMemberSpec spec = new FederationMemberSpec();
                                spec.setNodeId(id);
                                spec.setRole(NodeRole.HYBRID);
                                spec.setCountry("NL");
                                m.setSpec(spec);
                                kube.resource(m).create();
                            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    static String nodeId(int i) {
        return String.format(Locale.ROOT, "node-%05d", i);
    }

    record Identities(String[] nodeIds, PrivateKey[] keys, X509Certificate[][] chains) {}

    static Identities enrolAll(KubernetesClient kube, int members, X509Certificate ca, int port)
            throws Exception {
        String[] ids = new String[members];
        PrivateKey[] keys = new PrivateKey[members];
        X509Certificate[][] chains = new X509Certificate[members][];
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient http =
                HttpClient.newBuilder()
                        .sslContext(tls)
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
        ExecutorService pool = Executors.newFixedThreadPool(48);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            int n = i;
            done.add(
                    pool.submit(
                            () -> {
                                String id = nodeId(n);
                                Secret token = null;
                                for (int attempt = 0; token == null && attempt < 1200; attempt++) {
                                    token =
                                            kube.secrets()
                                                    .inNamespace(NS)
                                                    .withName(id + "-join-token")
                                                    .get();
                                    if (token == null) {
                                        Thread.sleep(100);
                                    }
                                }
                                if (token == null) {
                                    throw new IllegalStateException("no join token for " + id);
                                }
                                KeyPair key = FederationCa.newKeyPair();
                                String csr =
                                        Pem.encode(
                                                new JcaPKCS10CertificationRequestBuilder(
                                                                new X500Name("CN=" + id),
                                                                key.getPublic())
                                                        .build(
                                                                new JcaContentSignerBuilder(
                                                                                "SHA256withECDSA")
                                                                        .build(key.getPrivate())));
                                String body =
                                        Json.MAPPER.writeValueAsString(
                                                Map.of(
                                                        "nodeId", id,
                                                        "token",
                                                                new String(
                                                                        Base64.getDecoder()
                                                                                .decode(
                                                                                        token.getData()
                                                                                                .get(
                                                                                                        "token")),
                                                                        StandardCharsets.UTF_8),
                                                        "csr", csr));
                                var r =
                                        http.send(
                                                HttpRequest.newBuilder(
                                                                URI.create(
                                                                        "https://localhost:"
                                                                                + port
                                                                                + "/api/v1/enrol"))
                                                        .header("Content-Type", "application/json")
                                                        .POST(
                                                                HttpRequest.BodyPublishers.ofString(
                                                                        body))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString());
                                if (r.statusCode() != 200) {
                                    throw new IllegalStateException(
                                            id + ": " + r.statusCode() + " " + r.body());
                                }
                                ids[n] = id;
                                keys[n] = key.getPrivate();
                                chains[n] =
                                        Pem.certificates(
                                                        Json.MAPPER
                                                                .readTree(r.body())
                                                                .path("certificateChain")
                                                                .asText())
                                                .toArray(X509Certificate[]::new);
                                return null;
                            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return new Identities(ids, keys, chains);
    }

    /** Latencies in microseconds, collected per thread-safe bucket. */
    static final class Stats {
        final long[] micros;
        final int count;
        final long errors;
        final long late;

        Stats(long[] micros, long errors, long late) {
            this.micros = micros;
            Arrays.sort(this.micros);
            this.count = micros.length;
            this.errors = errors;
            this.late = late;
        }

        double percentile(double p) {
            if (count == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(count - 1, Math.ceil(p * count) - 1);
            return micros[Math.max(0, i)] / 1000.0;
        }
    }

    /**
     * N simulated nodes on T threads. Member i heartbeats at offset (i/N)·interval + k·interval on
     * its own kept-alive TLS connection with its own client certificate.
     */
    static final class Load {
        static final int THREADS = 128;
        final Identities ids;
        final int port;
        final long intervalNanos;
        final SSLContext tls;
        final Map<Socket, Integer> socketOwner = new ConcurrentHashMap<>();
        final List<Thread> threads = new ArrayList<>();
        final List<long[]> buffers = new ArrayList<>();
        final int[] fill = new int[THREADS];
        final AtomicLong errors = new AtomicLong();
        final AtomicLong late = new AtomicLong();
        volatile boolean running = true;
        volatile long statsEpoch;

        Load(Identities ids, X509Certificate ca, int port, int intervalSeconds) throws Exception {
            this.ids = ids;
            this.port = port;
            this.intervalNanos = TimeUnit.SECONDS.toNanos(intervalSeconds);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            tls = SSLContext.getInstance("TLS");
            tls.init(new KeyManager[] {new PerSocketIdentity()}, tmf.getTrustManagers(), null);
            for (int t = 0; t < THREADS; t++) {
                buffers.add(new long[1 << 20]);
            }
        }

        void start() {
            long start = System.nanoTime();
            int n = ids.nodeIds().length;
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread th = new Thread(() -> run(thread, start, n), "load-" + t);
                th.setDaemon(true);
                threads.add(th);
                th.start();
            }
        }

        void run(int thread, long start, int n) {
            SSLSocket[] sockets = new SSLSocket[n];
            try {
                run(thread, start, n, sockets);
            } finally {
                for (SSLSocket s : sockets) {
                    if (s != null) {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    }
                }
            }
        }

        private void run(int thread, long start, int n, SSLSocket[] sockets) {
            List<Integer> mine = new ArrayList<>();
            for (int i = thread; i < n; i += THREADS) {
                mine.add(i);
            }
            InputStream[] ins = new InputStream[n];
            for (long round = 0; running; round++) {
                for (int i : mine) {
                    if (!running) {
                        return;
                    }
                    long due =
                            start + round * intervalNanos + (long) ((double) i / n * intervalNanos);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        try {
                            TimeUnit.NANOSECONDS.sleep(wait); // pacing, not synchronisation
                        } catch (InterruptedException e) {
                            return;
                        }
                    } else if (wait < -TimeUnit.MILLISECONDS.toNanos(100)) {
                        late.incrementAndGet();
                    }
                    long epoch = statsEpoch;
                    long t0 = System.nanoTime();
                    try {
                        if (sockets[i] == null) {
                            // One SSLContext serves every simulated node; a distinct peer name
                            // per node keeps JSSE from resuming another node's TLS session (which
                            // would carry that node's client certificate).
                            Socket plain = new Socket();
                            plain.connect(
                                    new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
                            SSLSocket s =
                                    (SSLSocket)
                                            tls.getSocketFactory()
                                                    .createSocket(
                                                            plain,
                                                            ids.nodeIds()[i] + ".bench",
                                                            port,
                                                            true);
                            socketOwner.put(s, i);
                            s.setSoTimeout(30_000);
                            s.startHandshake();
                            sockets[i] = s;
                            ins[i] = new BufferedInputStream(s.getInputStream(), 4096);
                            t0 = System.nanoTime(); // latency excludes the one-off handshake
                        }
                        heartbeat(sockets[i].getOutputStream(), ins[i], ids.nodeIds()[i]);
                        long micros = (System.nanoTime() - t0) / 1000;
                        synchronized (buffers.get(thread)) {
                            if (epoch == statsEpoch && fill[thread] < buffers.get(thread).length) {
                                buffers.get(thread)[fill[thread]++] = micros;
                            }
                        }
                    } catch (IOException e) {
                        if (!running) {
                            return; // the server under test was stopped after the window
                        }
                        if (errors.incrementAndGet() <= 5) {
                            log("heartbeat of %s failed: %s", ids.nodeIds()[i], e);
                        }
                        try {
                            if (sockets[i] != null) {
                                sockets[i].close();
                            }
                        } catch (IOException ignored) {
                            // already broken
                        }
                        sockets[i] = null;
                    }
                }
            }
        }

        void heartbeat(OutputStream out, InputStream in, String nodeId) throws IOException {
            byte[] body =
                    ("{\"nodeId\":\""
                                    + nodeId
                                    + "\",\"version\":\"0.1.0\",\"role\":\"hybrid\","
                                    + "\"intervalSeconds\":"
                                    + (intervalNanos / 1_000_000_000L)
                                    + ","
                                    + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Ready\"}],"
                                    + "\"gpus\":{\"capacity\":8,\"allocated\":2},"
                                    + "\"datasets\":[{\"name\":\"lidc-idri\",\"files\":1018,\"bytes\":124000000000}]}")
                            .getBytes(StandardCharsets.UTF_8);
            String head =
                    "POST /api/v1/heartbeat HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/json\r\nContent-Length: "
                            + body.length
                            + "\r\n\r\n";
            ByteArrayOutputStream req = new ByteArrayOutputStream(head.length() + body.length);
            req.write(head.getBytes(StandardCharsets.US_ASCII));
            req.write(body);
            out.write(req.toByteArray());
            out.flush();
            String status = line(in);
            int contentLength = -1;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                    contentLength = Integer.parseInt(h.substring(15).trim());
                }
            }
            if (contentLength < 0) {
                throw new IOException("no content length");
            }
            in.readNBytes(contentLength);
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IOException(status);
            }
        }

        static String line(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        void resetStats() {
            statsEpoch++;
            for (int t = 0; t < THREADS; t++) {
                synchronized (buffers.get(t)) {
                    fill[t] = 0;
                }
            }
            errors.set(0);
            late.set(0);
        }

        Stats snapshot() {
            List<Long> all = new ArrayList<>();
            long[] merged;
            int total = 0;
            for (int t = 0; t < THREADS; t++) {
                synchronized (buffers.get(t)) {
                    total += fill[t];
                }
            }
            merged = new long[total];
            int k = 0;
            for (int t = 0; t < THREADS; t++) {
                synchronized (buffers.get(t)) {
                    System.arraycopy(buffers.get(t), 0, merged, k, Math.min(fill[t], total - k));
                    k += fill[t];
                }
            }
            all.clear();
            return new Stats(Arrays.copyOf(merged, Math.min(k, total)), errors.get(), late.get());
        }

        void stop() {
            running = false;
            threads.forEach(Thread::interrupt); // wakes the threads waiting for their next send
        }

        /**
         * Waits for every load thread to end (a thread blocked on a response ends once its server
         * is stopped), so that no connection of this run outlives it.
         */
        void awaitStopped() throws InterruptedException {
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(40));
                if (t.isAlive()) {
                    log("load thread %s did not stop", t.getName());
                }
            }
        }

        /** One SSLContext, each socket presenting the certificate of the member it belongs to. */
        final class PerSocketIdentity extends X509ExtendedKeyManager {
            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                Integer i = socketOwner.get(socket);
                return i == null ? null : Integer.toString(i);
            }

            @Override
            public String chooseEngineClientAlias(
                    String[] keyType, Principal[] issuers, SSLEngine engine) {
                return null;
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return ids.chains()[Integer.parseInt(alias)];
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return ids.keys()[Integer.parseInt(alias)];
            }
        }
    }

    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    }

    static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** apiserver_request_total for write verbs, by label set, from the API server's /metrics. */
    static Map<String, Double> apiWrites(KubernetesClient kube) {
        String metrics = kube.raw("/metrics");
        Map<String, Double> writes = new java.util.HashMap<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("apiserver_request_total{")
                    && line.matches(".*verb=\"(POST|PUT|PATCH|DELETE|APPLY|CREATE|UPDATE)\".*")) {
                int space = line.lastIndexOf(' ');
                writes.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return writes;
    }
}
