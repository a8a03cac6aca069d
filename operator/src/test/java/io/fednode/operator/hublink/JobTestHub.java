package io.fednode.operator.hublink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A test peer for the node's side of federated jobs (issue 12): a real HTTPS server on 127.0.0.1
 * that enrols nodes (signing their CSR with its own CA) and serves the contract's heartbeat, {@code
 * jobs/fetch} and {@code jobs/report} over mTLS, identifying the node by its client certificate's
 * CN as the hub does, and keeping each node's entry of each job with the hub's transition rules
 * (409 for a transition the hub does not allow, 200 for a repeated phase).
 */
final class JobTestHub implements AutoCloseable {
    static final String DIGEST = "0123456789abcdef".repeat(4);
    static final String IMAGE = "registry.example.org/fl/trainer@sha256:" + DIGEST;

    final FederationCa ca;
    final HttpsServer server;
    final Map<String, ObjectNode> offers = new ConcurrentHashMap<>();
    final Map<String, List<String>> listedFor = new ConcurrentHashMap<>();
    final Map<String, String> phases = new ConcurrentHashMap<>();
    final List<JsonNode> reports = new CopyOnWriteArrayList<>();
    final AtomicInteger failReports = new AtomicInteger();

    JobTestHub() throws Exception {
        ca = FederationCa.generate("federated jobs test CA");
        KeyPair serverKey = FederationCa.newKeyPair();
        X509Certificate serverCert =
                ca.signServer(
                        List.of("localhost", "127.0.0.1"),
                        serverKey.getPublic(),
                        Duration.ofDays(1));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(
                "hub",
                serverKey.getPrivate(),
                new char[0],
                new X509Certificate[] {serverCert, ca.certificate()});
        KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ca.trustStore());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(
                new HttpsConfigurator(tls) {
                    @Override
                    public void configure(HttpsParameters params) {
                        // Enrolment comes without a certificate; everything else needs one.
                        params.setWantClientAuth(true);
                    }
                });
        server.createContext("/api/v1/enrol", this::enrol);
        server.createContext("/api/v1/heartbeat", this::heartbeat);
        server.createContext("/api/v1/jobs/fetch", this::fetch);
        server.createContext("/api/v1/jobs/report", this::report);
        server.start();
    }

    String endpoint() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    /** The join Secret a node of {@code namespace} enrols with (token and the CA bundle). */
    void joinSecret(KubernetesClient kube, String namespace) {
        kube.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("hub-join")
                                .withNamespace(namespace)
                                .endMetadata()
                                .withStringData(
                                        Map.of(
                                                "token",
                                                "a".repeat(43),
                                                "ca.crt",
                                                Pem.encode(ca.certificate())))
                                .build())
                .create();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    void enrol(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = HubClient.JSON.readTree(exchange.getRequestBody().readNBytes(16384));
            var csr =
                    new JcaPKCS10CertificationRequest(
                            Pem.certificationRequest(body.path("csr").asText()));
            X509Certificate leaf =
                    ca.signClient(
                            body.path("nodeId").asText(), csr.getPublicKey(), Duration.ofHours(1));
            reply(
                    exchange,
                    200,
                    HubClient.JSON.writeValueAsString(
                            Map.of(
                                    "certificateChain",
                                    Pem.encode(leaf, ca.certificate()),
                                    "caCertificate",
                                    Pem.encode(ca.certificate()),
                                    "notAfter",
                                    leaf.getNotAfter().toInstant().toString())));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client certificate's CN, or null (then the call is answered 403). */
    String caller(HttpExchange exchange) {
        try {
            X509Certificate peer =
                    (X509Certificate)
                            ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0];
            RDN cn = new X500Name(peer.getSubjectX500Principal().getName()).getRDNs(BCStyle.CN)[0];
            return IETFUtils.valueToString(cn.getFirst().getValue());
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            return null;
        }
    }

    void heartbeat(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String node = caller(exchange);
            if (node == null) {
                reply(exchange, 403, "{\"error\":\"client certificate required\"}");
                return;
            }
            ObjectNode answer = HubClient.JSON.createObjectNode();
            answer.put("acknowledged", true);
            answer.putObject("someLaterField").put("x", 1); // a newer hub's field: ignored
            ArrayNode jobs = answer.putArray("jobs");
            for (String uid : listedFor.getOrDefault(node, List.of())) {
                ObjectNode offer = offers.get(uid);
                jobs.addObject()
                        .put("uid", uid)
                        .put("generation", 1)
                        .put("name", offer.path("name").asText());
            }
            reply(exchange, 200, answer.toString());
        }
    }

    void fetch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String node = caller(exchange);
            JsonNode body = HubClient.JSON.readTree(exchange.getRequestBody().readNBytes(1024));
            String uid = body.path("uid").asText();
            if (node == null
                    || !offers.containsKey(uid)
                    || !listedFor.getOrDefault(node, List.of()).contains(uid)) {
                reply(exchange, 404, "{\"error\":\"no such job for this node\"}");
                return;
            }
            reply(exchange, 200, offers.get(uid).toString());
        }
    }

    void report(HttpExchange exchange) throws IOException {
        try (exchange) {
            String node = caller(exchange);
            JsonNode body = HubClient.JSON.readTree(exchange.getRequestBody().readNBytes(8192));
            String uid = body.path("uid").asText();
            if (node == null || !offers.containsKey(uid)) {
                reply(exchange, 404, "{\"error\":\"no such job for this node\"}");
                return;
            }
            if (body.has("nodeId")) {
                reply(exchange, 400, "{\"error\":\"nodeId is not a field\"}");
                return;
            }
            if (failReports.get() > 0) {
                failReports.decrementAndGet();
                reply(exchange, 503, "{\"error\":\"try later\"}");
                return;
            }
            reports.add(((ObjectNode) body.deepCopy()).put("node", node));
            String key = node + "/" + uid;
            String from = phases.getOrDefault(key, "Offered");
            String to = body.path("phase").asText();
            if (from.equals(to)) {
                reply(exchange, 200, "{}");
                return;
            }
            boolean allowed =
                    switch (from) {
                        case "Offered" -> to.equals("Accepted") || to.equals("Refused");
                        case "Accepted" -> List.of("Running", "Succeeded", "Failed").contains(to);
                        case "Running" -> to.equals("Succeeded") || to.equals("Failed");
                        default -> false;
                    };
            if (!allowed) {
                reply(exchange, 409, "{\"error\":\"transition not allowed\"}");
                return;
            }
            phases.put(key, to);
            if (List.of("Refused", "Succeeded", "Failed").contains(to)) {
                listedFor.computeIfPresent(
                        node,
                        (n, l) -> new ArrayList<>(l.stream().filter(u -> !u.equals(uid)).toList()));
            }
            reply(exchange, 200, "{}");
        }
    }

    static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Offers a job to {@code nodes}; returns its uid. */
    String offer(String name, String type, String image, List<String> nodes) {
        String uid = UUID.randomUUID().toString();
        ObjectNode o = HubClient.JSON.createObjectNode();
        o.put("uid", uid).put("generation", 1).put("name", "research/" + name).put("type", type);
        o.put("submitter", "alice@example.org").put("image", image);
        o.putArray("command").add("python").add("-m").add("evaluate");
        o.putArray("env").addObject().put("name", "ROUNDS").put("value", "3");
        o.put("gpus", 0).put("maxRuntime", "1h");
        o.putArray("datasets");
        if (type.equals("Train")) {
            o.putObject("aggregator").put("endpoint", "https://203.0.113.10:9092");
        } else {
            o.putNull("aggregator");
        }
        o.putObject("results").put("maxBytes", 1024).putArray("allowedMetrics");
        o.put("acceptBy", "2026-12-31T00:00:00Z");
        offers.put(uid, o);
        for (String node : nodes) {
            listedFor.compute(
                    node,
                    (n, l) -> {
                        List<String> list = l == null ? new ArrayList<>() : new ArrayList<>(l);
                        list.add(uid);
                        return list;
                    });
        }
        return uid;
    }

    List<JsonNode> reportsOf(String node, String uid) {
        return reports.stream()
                .filter(r -> r.path("node").asText().equals(node))
                .filter(r -> r.path("uid").asText().equals(uid))
                .toList();
    }
}
