package io.fednode.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.hub.http.Json;
import io.fednode.hub.member.JoinTokens;
import io.fednode.testing.RealApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub's attack surface, attacked from 127.0.0.x (every loopback address is the local host; the
 * attackers use 127.0.0.2 and up so that the per-address limits meet them and not the honest nodes
 * on 127.0.0.1): slow clients, enrolment floods, malformed JSON. Every attack is bounded in count
 * and time.
 */
class HubSurfaceIT {
    static final String NS = "fednode-hub-surface";

    /** The limits this hub runs with: the defaults, written out so the test states them. */
    static final int PER_ADDRESS = 32;

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final int ENROL_BURST = 10;

    /** Short, so that the server certificate is renewed (every 6 s) while the tests run. */
    static final Duration SERVER_CERT_LIFETIME = Duration.ofSeconds(9);

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static KubernetesClient kube;
    static Hub hub;

    @BeforeAll
    static void startHub() throws Exception {
        kube = API.client();
        KubernetesClient asHub = TestHubs.prepare(API, NS);
        HubConfig config =
                TestHubs.config(NS)
                        .listener(
                                HubConfig.Listener.builder()
                                        .serverCertificateLifetime(SERVER_CERT_LIFETIME)
                                        .build())
                        .build();
        assertThat(config.listener().maxConnectionsPerAddress()).isEqualTo(PER_ADDRESS);
        assertThat(config.listener().requestTimeout()).isEqualTo(REQUEST_TIMEOUT);
        assertThat(config.listener().enrolAttemptsPerMinute()).isEqualTo(ENROL_BURST);
        hub = new Hub(asHub, config).start();
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    /**
     * 144 TLS clients without a certificate, for 16 s: 80 (from eight addresses, 10 each) declare a
     * small enrolment body and send it one byte every half second; 16 send their headers one byte
     * at a time; 48 from one address (beyond the per-address limit) send nothing after the
     * handshake. Meanwhile an enrolled node heartbeats, another node enrols, and the admin listener
     * answers /healthz and the fleet API.
     */
    @Test
    void slowClientsDoNotStopHeartbeatsEnrolmentOrHealth() throws Exception {
        TestNode steady = enrol(createMember("steady", "steady"));
        FederationMember late = createMember("late", "late");
        String lateToken = awaitToken(late);

        ConcurrentLinkedQueue<Trickler> open = new ConcurrentLinkedQueue<>();
        AtomicInteger refusedFromOneAddress = new AtomicInteger();
        AtomicInteger acceptedFromOneAddress = new AtomicInteger();
        ConcurrentLinkedQueue<Long> crowdedOpenedMillis = new ConcurrentLinkedQueue<>();
        ExecutorService openers = Executors.newFixedThreadPool(16);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        List<Long> heartbeatMillis = new ArrayList<>();
        List<Long> healthMillis = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        long attackStart = System.nanoTime();
        try {
            List<Future<?>> opened = new ArrayList<>();
            // the crowded address first, so that all its connections are tried well within the
            // request timeout (none of them closed by it yet)
            for (int i = 0; i < 144; i++) {
                String from =
                        i < 48 ? "127.0.0.10" : i < 128 ? "127.0.0." + (2 + i % 8) : "127.0.0.11";
                boolean crowded = i < 48;
                // (the crowded ones send nothing: a request would meet the enrolment rate limit,
                // whose 429 closes the connection and so frees its place)
                Slow how = crowded ? Slow.SILENT : i < 128 ? Slow.BODY : Slow.HEADERS;
                opened.add(
                        openers.submit(
                                () -> {
                                    try {
                                        open.add(Trickler.open(from, hub.nodePort(), how));
                                        if (crowded) {
                                            acceptedFromOneAddress.incrementAndGet();
                                            crowdedOpenedMillis.add(
                                                    (System.nanoTime() - attackStart) / 1_000_000);
                                        }
                                    } catch (IOException e) {
                                        if (crowded) {
                                            refusedFromOneAddress.incrementAndGet();
                                        }
                                    }
                                    return null;
                                }));
            }
            trickle.scheduleWithFixedDelay(
                    () -> open.forEach(Trickler::trickle), 500, 500, TimeUnit.MILLISECONDS);

            HttpClient admin =
                    HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            String adminBase = "http://127.0.0.1:" + hub.adminPort();
            boolean lateEnrolled = false;
            while (System.nanoTime() - attackStart < TimeUnit.SECONDS.toNanos(16)) {
                heartbeatMillis.add(timedHeartbeat(steady, failures));
                long t0 = System.nanoTime();
                try {
                    HttpResponse<String> health = adminGet(admin, adminBase + "/healthz");
                    if (health.statusCode() != 200) {
                        failures.add("healthz " + health.statusCode());
                    }
                    HttpResponse<String> fleet = adminGet(admin, adminBase + "/api/v1/fleet");
                    if (fleet.statusCode() != 200) {
                        failures.add("fleet " + fleet.statusCode());
                    }
                } catch (IOException e) {
                    failures.add("admin " + e);
                }
                healthMillis.add((System.nanoTime() - t0) / 1_000_000);
                if (!lateEnrolled && System.nanoTime() - attackStart > 3_000_000_000L) {
                    TestNode lateNode =
                            new TestNode("late", hub.ca().certificate(), hub.nodePort());
                    try {
                        HttpResponse<String> enrolled =
                                timedPost(
                                        lateNode, "/api/v1/enrol", enrolJson(lateNode, lateToken));
                        if (enrolled.statusCode() != 200) {
                            failures.add(
                                    "enrolment " + enrolled.statusCode() + " " + enrolled.body());
                        }
                    } catch (IOException e) {
                        failures.add("enrolment " + e);
                    }
                    lateEnrolled = true;
                }
                Thread.sleep(200);
            }
            for (Future<?> f : opened) {
                f.get(30, TimeUnit.SECONDS);
            }
            System.out.printf(
                    "slow clients: %d connected, %d of 48 from one address let in; %d heartbeats,"
                            + " slowest %d ms; slowest /healthz + fleet %d ms%n",
                    open.size(),
                    acceptedFromOneAddress.get(),
                    heartbeatMillis.size(),
                    Collections.max(heartbeatMillis),
                    Collections.max(healthMillis));
            assertThat(failures).as("answers during the attack").isEmpty();
            assertThat(lateEnrolled).isTrue();
            assertThat(heartbeatMillis).hasSizeGreaterThan(10);
            assertThat(Collections.max(heartbeatMillis))
                    .as("slowest heartbeat (ms) of %s", heartbeatMillis)
                    .isLessThan(2_000);
            assertThat(Collections.max(healthMillis))
                    .as("slowest /healthz + fleet (ms) of %s", healthMillis)
                    .isLessThan(2_000);
            assertThat(acceptedFromOneAddress.get())
                    .as(
                            "TLS clients from one address let in (refused: %s; opened at ms %s)",
                            refusedFromOneAddress, crowdedOpenedMillis)
                    .isLessThanOrEqualTo(PER_ADDRESS);
            // Every slow request was cut off by the request deadline: 16 s of trickling is well
            // past it, and the hub closed each connection.
            List<Trickler> stillOpen = open.stream().filter(t -> !t.cutOff()).toList();
            System.out.printf(
                    "slow clients: %d of %d cut off by the end, %d of them answered 408%n",
                    open.size() - stillOpen.size(),
                    open.size(),
                    open.stream().filter(Trickler::answered408).count());
            assertThat(stillOpen)
                    .as(
                            "slow clients still connected after 16 s (deadline %s), of %s",
                            REQUEST_TIMEOUT, open.size())
                    .isEmpty();
            assertThat(open.stream().filter(Trickler::answered408))
                    .as("slow requests answered 408")
                    .isNotEmpty();
        } finally {
            trickle.shutdownNow();
            openers.shutdownNow();
            open.forEach(Trickler::close);
            trickle.awaitTermination(5, TimeUnit.SECONDS);
            openers.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * 200 enrolment attempts with a wrong token, 8 at a time, from one address: after the burst
     * they are refused with 429 before the token is looked at. Heartbeats of an enrolled node keep
     * being answered, and the victim itself still enrols from its own address afterwards.
     */
    @Test
    void enrolmentFloodIsRateLimitedAndHeartbeatsContinue() throws Exception {
        TestNode steady = enrol(createMember("flood-steady", "flood-steady"));
        FederationMember victim = createMember("flood-victim", "flood-victim");
        String token = awaitToken(victim);
        String csr = TestNode.csr("CN=flood-victim", steady.key);
        String guess =
                "{\"nodeId\":\"flood-victim\",\"token\":\""
                        + "A".repeat(43)
                        + "\",\"csr\":"
                        + TestNode.jsonString(csr)
                        + "}";

        ExecutorService flood = Executors.newFixedThreadPool(8);
        ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        List<Long> heartbeatMillis = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try {
            List<Future<?>> attempts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                attempts.add(
                        flood.submit(
                                () -> {
                                    statuses.add(Raw.post("127.0.0.30", "/api/v1/enrol", guess));
                                    return null;
                                }));
            }
            long start = System.nanoTime();
            while (attempts.stream().anyMatch(f -> !f.isDone())
                    && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
                heartbeatMillis.add(timedHeartbeat(steady, failures));
                Thread.sleep(100);
            }
            for (Future<?> f : attempts) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            flood.shutdownNow();
            flood.awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(failures).isEmpty();
        assertThat(heartbeatMillis).isNotEmpty();
        assertThat(Collections.max(heartbeatMillis))
                .as("slowest heartbeat (ms) during the flood")
                .isLessThan(2_000);
        long looked = statuses.stream().filter(s -> s == 403).count();
        long limited = statuses.stream().filter(s -> s == 429).count();
        System.out.printf(
                "flood: %d reached the token check, %d got 429; %d heartbeats, slowest %d ms%n",
                looked, limited, heartbeatMillis.size(), Collections.max(heartbeatMillis));
        assertThat(statuses).hasSize(200).containsOnly(403, 429);
        assertThat(looked)
                .as("attempts that reached the token check (429: %s)", limited)
                .isLessThanOrEqualTo(ENROL_BURST + 2);

        // The flood did not burn or lock the token: the real node enrols from its own address.
        TestNode real = new TestNode("flood-victim", hub.ca().certificate(), hub.nodePort());
        HttpResponse<String> enrolled = real.enrol(token);
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
    }

    private static final Pattern INTERNALS =
            Pattern.compile(
                    "(?i)java\\.|javax\\.|com\\.fasterxml|jackson|io\\.fednode|deserializ"
                            + "|Unrecognized field|not marked as ignorable|JsonToken|START_OBJECT"
                            + "|END_ARRAY|\\[Source|Unexpected character|record|class |Exception"
                            + "|jetty");

    @Test
    void malformedJsonIsRefusedInPlainWords() throws Exception {
        List<String> bodies =
                List.of(
                        "{\"nodeId\":{},\"token\":\"x\",\"csr\":\"y\"}",
                        "{\"nodeId\":[1,2],\"token\":\"x\",\"csr\":\"y\"}",
                        "{\"nodeId\":\"a\",\"token\":\"x\",\"csr\":\"y\",\"admin\":true}",
                        "{\"nodeId\":",
                        "{\"nodeId\" \"a\"}",
                        "{'nodeId':'a'}",
                        "[1]",
                        "\"just a string\"",
                        "{\"nodeId\":\"a\"} trailing",
                        "{\"nodeId\":1e99999999999999999999999999999999}",
                        "[".repeat(100) + "]".repeat(100),
                        "{\"nodeId\":\"" + "x".repeat(15_000) + "\"}",
                        "\u0000\u0001");
        for (int i = 0; i < bodies.size(); i++) {
            // each from its own address, so the enrolment rate limit does not answer instead
            String from = "127.0.0." + (50 + i);
            String body = bodies.get(i);
            String reply = Raw.reply(() -> connect(from, hub.nodePort()), "/api/v1/enrol", body);
            String shown = body.length() > 40 ? body.substring(0, 40) + "…" : body;
            assertThat(reply).as("reply to %s", shown).startsWith("HTTP/1.1 400 ");
            assertThat(reply).as("reply to %s", shown).doesNotContainPattern(INTERNALS);
            String json = reply.substring(reply.indexOf("\r\n\r\n") + 4);
            assertThat(Json.MAPPER.readTree(json).path("error").asText())
                    .as("reply to %s", shown)
                    .isNotBlank();
        }
        // Also where a node is authenticated: same words.
        TestNode node = enrol(createMember("json-words", "json-words"));
        String valid = TestNode.heartbeatJson("json-words", "0.1.0", 30);
        Map<String, String> namingTheField =
                Map.of(
                        valid.replace("\"capacity\":8", "\"capacity\":\"eight\""), "gpus.capacity",
                        valid.replace("\"nodeId\"", "\"images\":[],\"nodeId\""), "images");
        for (Map.Entry<String, String> c : namingTheField.entrySet()) {
            HttpResponse<String> reply = node.post("/api/v1/heartbeat", c.getKey());
            assertThat(reply.statusCode()).isEqualTo(400);
            assertThat(reply.body()).doesNotContainPattern(INTERNALS).contains(c.getValue());
        }
    }

    /**
     * With a 9 s server certificate, the hub serves a new one every 6 s while it runs, and clients
     * (which verify the certificate and its validity at every handshake) keep connecting.
     */
    @Test
    void serverCertificateIsRenewedWhileTheHubRuns() throws Exception {
        TestNode node = enrol(createMember("rotation", "rotation"));
        SSLContext asNode = tls(node.key.getPrivate(), node.certificate());
        Map<BigInteger, X509Certificate> served = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        int handshakes = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
            try (SSLSocket s = connect("127.0.0.1", hub.nodePort())) {
                X509Certificate cert = (X509Certificate) s.getSession().getPeerCertificates()[0];
                cert.checkValidity();
                cert.verify(hub.ca().certificate().getPublicKey());
                served.putIfAbsent(cert.getSerialNumber(), cert);
                handshakes++;
            } catch (Exception e) {
                failures.add("handshake " + e);
            }
            // a heartbeat on a new connection too, with the node's client certificate
            int beat =
                    Raw.post(
                            () -> connect("127.0.0.1", hub.nodePort(), asNode),
                            "/api/v1/heartbeat",
                            TestNode.heartbeatJson("rotation", "0.1.0", 30));
            if (beat != 200) {
                failures.add("heartbeat " + beat);
            }
            Thread.sleep(500);
        }
        System.out.printf(
                "rotation: %d handshakes, %d server certificates served%n",
                handshakes, served.size());
        assertThat(failures).isEmpty();
        assertThat(handshakes).isGreaterThan(20);
        assertThat(served.keySet())
                .as("server certificates served in 20 s with a 9 s lifetime")
                .hasSizeGreaterThanOrEqualTo(3);
        for (X509Certificate cert : served.values()) {
            assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
            assertThat(cert.getNotAfter().getTime() - System.currentTimeMillis())
                    .as("no certificate outlives its configured lifetime")
                    .isLessThan(SERVER_CERT_LIFETIME.toMillis() + 1_000);
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    /** One heartbeat; how long it took (ms). A refusal or no answer within 5 s is a failure. */
    static long timedHeartbeat(TestNode node, List<String> failures) throws Exception {
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> beat =
                    timedPost(
                            node,
                            "/api/v1/heartbeat",
                            TestNode.heartbeatJson(node.nodeId, "0.1.0", 30));
            if (beat.statusCode() != 200) {
                failures.add("heartbeat " + beat.statusCode() + " " + beat.body());
            }
        } catch (IOException e) {
            failures.add("heartbeat " + e);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** A request that gives up after 5 s (a hub that does not answer fails the test). */
    static HttpResponse<String> timedPost(TestNode node, String path, String json)
            throws Exception {
        return node.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + hub.nodePort() + path))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    static String enrolJson(TestNode node, String token) throws Exception {
        return "{\"nodeId\":\""
                + node.nodeId
                + "\",\"token\":\""
                + token
                + "\",\"csr\":"
                + TestNode.jsonString(node.csr())
                + "}";
    }

    private static HttpResponse<String> adminGet(HttpClient admin, String url) throws Exception {
        return admin.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static FederationMember createMember(String name, String nodeId) {
        return HubIT.createMember(kube, NS, name, nodeId);
    }

    static String awaitToken(FederationMember m) {
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                kube.secrets()
                                                .inNamespace(NS)
                                                .withName(
                                                        JoinTokens.secretName(
                                                                m.getMetadata().getName()))
                                                .get()
                                        != null);
        Secret s =
                kube.secrets()
                        .inNamespace(NS)
                        .withName(JoinTokens.secretName(m.getMetadata().getName()))
                        .get();
        return new String(
                Base64.getDecoder().decode(s.getData().get(JoinTokens.TOKEN_KEY)),
                StandardCharsets.UTF_8);
    }

    static TestNode enrol(FederationMember m) throws Exception {
        String token = awaitToken(m);
        TestNode node =
                new TestNode(m.getSpec().getNodeId(), hub.ca().certificate(), hub.nodePort());
        node.enrolled(token);
        return node;
    }

    /** Trusts the federation CA; presents this key and certificate if not null. */
    static SSLContext tls(PrivateKey key, X509Certificate cert) throws Exception {
        X509Certificate ca = hub.ca().certificate();
        KeyManager[] keyManagers = null;
        if (key != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("node", key, "x".toCharArray(), new X509Certificate[] {cert, ca});
            KeyManagerFactory kmf =
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "x".toCharArray());
            keyManagers = kmf.getKeyManagers();
        }
        return TestNode.tls(ca, keyManagers);
    }

    /** A TLS connection from a chosen loopback address, no client certificate. */
    static SSLSocket connect(String from, int port) throws Exception {
        return connect(from, port, tls(null, null));
    }

    static SSLSocket connect(String from, int port, SSLContext tls) throws Exception {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
        s.setSoTimeout(5_000);
        s.startHandshake();
        return s;
    }

    /** A slow client: declares a 1000-byte enrolment body and sends one byte per tick. */
    enum Slow {
        /** complete headers, then the declared body one byte a tick */
        BODY(
                "POST /api/v1/enrol HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{",
                ' '),
        /** the headers one byte a tick, never ending */
        HEADERS("POST /api/v1/enrol HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", 'a'),
        /** nothing at all after the TLS handshake */
        SILENT("", -1);

        final String preamble;
        final int tick;

        Slow(String preamble, int tick) {
            this.preamble = preamble;
            this.tick = tick;
        }
    }

    static final class Trickler {
        private final SSLSocket socket;
        private volatile boolean cut;
        private volatile boolean answered408;

        private final Slow how;

        private Trickler(SSLSocket socket, Slow how) {
            this.socket = socket;
            this.how = how;
        }

        static Trickler open(String from, int port, Slow how) throws IOException {
            try {
                SSLSocket s = connect(from, port);
                OutputStream out = s.getOutputStream();
                out.write(how.preamble.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.setSoTimeout(1);
                return new Trickler(s, how);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }

        synchronized void trickle() {
            if (cut) {
                return;
            }
            try {
                // anything the hub said, and whether it hung up
                InputStream in = socket.getInputStream();
                try {
                    byte[] buf = new byte[512];
                    int n = in.read(buf);
                    if (n < 0) {
                        cut = true;
                        return;
                    }
                    if (new String(buf, 0, n, StandardCharsets.US_ASCII)
                            .startsWith("HTTP/1.1 408")) {
                        answered408 = true;
                    }
                } catch (java.net.SocketTimeoutException quiet) {
                    // nothing said yet
                }
                if (how.tick >= 0) {
                    socket.getOutputStream().write(how.tick);
                    socket.getOutputStream().flush();
                }
            } catch (IOException e) {
                cut = true;
            }
        }

        boolean cutOff() {
            trickle();
            return cut;
        }

        @Override
        public String toString() {
            return how + (cut ? " (cut off)" : " (still open)");
        }

        boolean answered408() {
            return answered408;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** One request on its own TLS connection from a chosen loopback address; the status. */
    static final class Raw {
        static int post(String from, String path, String json) throws Exception {
            return post(() -> connect(from, hub.nodePort()), path, json);
        }

        static int post(Callable<SSLSocket> connection, String path, String json) throws Exception {
            String reply = reply(connection, path, json);
            return reply.startsWith("HTTP/1.1 ") ? Integer.parseInt(reply.substring(9, 12)) : -1;
        }

        /** The whole reply, status line and headers included; empty if the connection failed. */
        static String reply(Callable<SSLSocket> connection, String path, String json)
                throws Exception {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            try (SSLSocket s = connection.call()) {
                OutputStream out = s.getOutputStream();
                out.write(
                        ("POST "
                                        + path
                                        + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                        + "Content-Type: application/json\r\nContent-Length: "
                                        + body.length
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }
}
