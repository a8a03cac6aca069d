package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import io.fednode.testing.RealApiServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's side of enrolment against a hostile hub: a real HTTPS server on 127.0.0.1 whose
 * certificate chains to the node's CA bundle (so TLS succeeds) but whose answers are wrong. Each
 * answer is refused and nothing is stored in the node's identity Secret; a correct answer, from the
 * same server, is stored (so the server is not simply unreachable).
 */
class HostileHubIT {
    static final String NS = "hospital-hostile";

    @RegisterExtension static final RealApiServer API = new RealApiServer();
    static KubernetesClient kube;
    static FederationCa ca;
    static HttpsServer server;

    /** What the server answers to an enrolment: a function of the CSR's public key. */
    interface Answer {
        void send(HttpExchange exchange, PublicKey csrKey) throws Exception;
    }

    static final AtomicReference<Answer> answer = new AtomicReference<>();
    static final AtomicLong bytesSent = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        kube = API.client();
        API.installCrd(Path.of("../crds/federationnodes.fednode.io-v1.yml"));
        kube.namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        ca = FederationCa.generate("hostile test CA");
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
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext(
                "/api/v1/enrol",
                exchange -> {
                    try (exchange) {
                        String body =
                                new String(
                                        exchange.getRequestBody().readNBytes(64 * 1024),
                                        StandardCharsets.UTF_8);
                        String csr = HubClient.JSON.readTree(body).path("csr").asText();
                        PublicKey key =
                                new JcaPKCS10CertificationRequest(Pem.certificationRequest(csr))
                                        .getPublicKey();
                        answer.get().send(exchange, key);
                    } catch (IOException e) {
                        // the client hung up (as it should on a huge answer)
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        server.createContext(
                "/api/v1/heartbeat",
                exchange -> {
                    try (exchange) {
                        exchange.getRequestBody().readAllBytes();
                        reply(exchange, 200, "{}");
                    }
                });
        server.start();
        kube.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("hub-join")
                                .withNamespace(NS)
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

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static void issued(HttpExchange exchange, X509Certificate leaf, X509Certificate issuer)
            throws IOException {
        reply(
                exchange,
                200,
                HubClient.JSON.writeValueAsString(
                        Map.of(
                                "certificateChain",
                                Pem.encode(leaf, issuer),
                                "caCertificate",
                                Pem.encode(issuer),
                                "notAfter",
                                leaf.getNotAfter().toInstant().toString())));
    }

    /** Runs the node's link once against the server and returns its Registered condition. */
    static LinkCondition enrolOnce(String nodeId, Answer a) {
        answer.set(a);
        FederationNode node =
                kube.resource(
                                HubLinkIT.linkedNode(
                                                NS,
                                                nodeId,
                                                "https://localhost:"
                                                        + server.getAddress().getPort())
                                        .build())
                        .create();
        HubLink link = new HubLink(kube, node, "0.1.0-test", Clock.systemUTC(), () -> {});
        link.step();
        return link.status().registered();
    }

    static String storedChain(String nodeId) {
        Secret s = kube.secrets().inNamespace(NS).withName(nodeId + "-hub-identity").get();
        return HubLinkIT.token(s, "tls.crt");
    }

    static void assertRefused(String nodeId, LinkCondition registered, String because) {
        assertThat(registered.status()).as(registered.message()).isEqualTo("False");
        assertThat(registered.reason()).isEqualTo("HubAnswerRejected");
        assertThat(registered.message()).contains(because);
        assertThat(storedChain(nodeId)).as("nothing stored").isEmpty();
    }

    @Test
    void aCertificateForAnotherKeyIsRefused() throws Exception {
        KeyPair other = FederationCa.newKeyPair();
        LinkCondition r =
                enrolOnce(
                        "hostile-key",
                        (ex, key) ->
                                issued(
                                        ex,
                                        ca.signClient(
                                                "hostile-key",
                                                other.getPublic(),
                                                Duration.ofHours(1)),
                                        ca.certificate()));
        assertRefused("hostile-key", r, "not for this node's key");
    }

    @Test
    void aCertificateForAnotherNodeIdIsRefused() {
        LinkCondition r =
                enrolOnce(
                        "hostile-id",
                        (ex, key) ->
                                issued(
                                        ex,
                                        ca.signClient("hospital-z", key, Duration.ofHours(1)),
                                        ca.certificate()));
        assertRefused("hostile-id", r, "does not name nodeId hostile-id");
    }

    @Test
    void aCertificateThatDoesNotChainToTheBundleIsRefused() {
        FederationCa rogue = FederationCa.generate("rogue CA");
        LinkCondition r =
                enrolOnce(
                        "hostile-chain",
                        (ex, key) ->
                                issued(
                                        ex,
                                        rogue.signClient("hostile-chain", key, Duration.ofHours(1)),
                                        rogue.certificate()));
        assertRefused("hostile-chain", r, "does not chain to the configured CA bundle");
    }

    @Test
    void aHugeAnswerIsNotReadToTheEnd() {
        bytesSent.set(0);
        LinkCondition r =
                enrolOnce(
                        "hostile-huge",
                        (ex, key) -> {
                            ex.sendResponseHeaders(200, 0); // chunked, no declared length
                            byte[] chunk = new byte[64 * 1024];
                            java.util.Arrays.fill(chunk, (byte) ' ');
                            OutputStream out = ex.getResponseBody();
                            out.write('{');
                            for (int i = 0; i < 256; i++) { // 16 MiB at most
                                out.write(chunk);
                                bytesSent.addAndGet(chunk.length);
                            }
                        });
        assertRefused("hostile-huge", r, "exceeds 64 KiB");
        assertThat(bytesSent.get())
                .as("the server could not push its 16 MiB: the client stopped reading")
                .isLessThan(16L * 1024 * 1024);
    }

    @Test
    void aHugeErrorTextIsCut() {
        LinkCondition r =
                enrolOnce(
                        "hostile-text",
                        (ex, key) ->
                                reply(
                                        ex,
                                        500,
                                        HubClient.JSON.writeValueAsString(
                                                Map.of("error", "\n" + "x".repeat(60_000)))));
        assertThat(r.reason()).isEqualTo("EnrolmentFailed");
        assertThat(r.message()).doesNotContain("\n").hasSizeLessThan(300);
        assertThat(r.message()).contains("500");
    }

    @Test
    void aCorrectAnswerFromTheSameServerIsStored() {
        LinkCondition r =
                enrolOnce(
                        "hostile-ok",
                        (ex, key) ->
                                issued(
                                        ex,
                                        ca.signClient("hostile-ok", key, Duration.ofHours(1)),
                                        ca.certificate()));
        assertThat(r.status()).as(r.message()).isEqualTo("True");
        assertThat(storedChain("hostile-ok")).contains("BEGIN CERTIFICATE");
    }
}
