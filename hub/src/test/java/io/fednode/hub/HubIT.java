package io.fednode.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberSpec;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import io.fednode.hub.enrolment.IssuedCertificate;
import io.fednode.hub.http.Json;
import io.fednode.hub.member.JoinTokens;
import io.fednode.testing.Conflicts;
import io.fednode.testing.RealApiServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub against a real API server, every request a real TLS request: enrolment, heartbeats, fleet
 * health, renewal, revocation, and every way a request can be refused (with nothing written).
 */
class HubIT {
    static final String NS = "fednode-hub";

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static KubernetesClient kube;
    static KubernetesClient asHub;
    static Hub hub;

    @BeforeAll
    static void startHub() throws Exception {
        kube = API.client();
        asHub = TestHubs.prepare(API, NS);
        HubConfig config =
                TestHubs.config(NS)
                        // every test node enrols from 127.0.0.1, some 20 within seconds: more
                        // than the default 10 a minute per address (HubSurfaceIT tests that limit)
                        .listener(HubConfig.Listener.builder().enrolAttemptsPerMinute(1000).build())
                        .build();
        hub = new Hub(asHub, config).start();
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    // ---- enrolment and fleet health ------------------------------------------------------

    @Test
    void enrolledNodeHeartbeatsBecomesAvailableGoesUnknownWhenSilentAndRecovers() throws Exception {
        FederationMember member = createMember("hospital-a", "hospital-a");
        String token = awaitToken(member);
        TestNode node = new TestNode("hospital-a", hub.ca().certificate(), hub.nodePort());

        HttpResponse<String> enrolled = node.enrol(token);
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
        IssuedCertificate issued = Json.MAPPER.readValue(enrolled.body(), IssuedCertificate.class);
        List<X509Certificate> chain = Pem.certificates(issued.certificateChain());
        X509Certificate cert = chain.get(0);
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=hospital-a");
        cert.verify(hub.ca().certificate().getPublicKey());
        assertThat(cert.getPublicKey()).isEqualTo(node.key.getPublic());
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()))
                .isBetween(Duration.ofDays(29), Duration.ofDays(31));
        assertThat(ledgerLine(member).redeemedAt()).as("the join token is burnt").isNotNull();
        assertThat(condition(member, "Enrolled").getStatus()).isEqualTo("True");
        assertThat(get(member).getStatus().getCertificate().getSerialNumber())
                .isEqualTo(cert.getSerialNumber().toString(16));
        node.useCertificate(chain);

        // Every heartbeat is counted, and a failed one is recorded rather than thrown (a task of
        // a ScheduledExecutorService that throws is silently never run again).
        AtomicInteger accepted = new AtomicInteger();
        ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        try {
            beats.scheduleAtFixedRate(
                    () -> countedBeat(node, "0.1.0", accepted, refused),
                    0,
                    300,
                    TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> {
                                assertThat(condition(member, "Available").getStatus())
                                        .isEqualTo("True");
                                assertThat(condition(member, "Ready").getStatus())
                                        .isEqualTo("True");
                            });
            FederationMember seen = get(member);
            assertThat(seen.getStatus().getVersion()).isEqualTo("0.1.0");
            assertThat(seen.getStatus().getGpus().getCapacity()).isEqualTo(8);
            assertThat(seen.getStatus().getDatasets().getNames()).containsExactly("lidc-idri");
            assertThat(seen.getStatus().getLastHeartbeat()).isNotNull();

            // Steady state: heartbeats keep coming (counted: one every 300 ms, so at least 4 in
            // the 2 s), every one accepted, and the API server hears nothing new.
            String steady = seen.getMetadata().getResourceVersion();
            int before = accepted.get();
            long steadyStart = System.nanoTime();
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> get(member).getMetadata().getResourceVersion().equals(steady));
            long steadyMillis = (System.nanoTime() - steadyStart) / 1_000_000;
            assertThat(refused).as("refused heartbeats").isEmpty();
            assertThat(accepted.get() - before)
                    .as("heartbeats accepted during %s ms of steady state", steadyMillis)
                    .isGreaterThanOrEqualTo(4);
        } finally {
            beats.shutdownNow();
            beats.awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(refused).as("refused heartbeats").isEmpty();

        // 5 x 1 s without a heartbeat: Unknown, with a Warning event.
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> {
                            Condition available = condition(member, "Available");
                            assertThat(available.getStatus()).isEqualTo("Unknown");
                            assertThat(available.getReason()).isEqualTo("HeartbeatsStopped");
                        });
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(events(member))
                                        .anySatisfy(
                                                e -> {
                                                    assertThat(e.getType()).isEqualTo("Warning");
                                                    assertThat(e.getReason())
                                                            .isEqualTo("HeartbeatsStopped");
                                                }));

        beat(node, "0.1.1");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> {
                            assertThat(condition(member, "Available").getStatus())
                                    .isEqualTo("True");
                            assertThat(get(member).getStatus().getVersion()).isEqualTo("0.1.1");
                        });
    }

    @Test
    void joinTokenIsSingleUse() throws Exception {
        FederationMember member = createMember("reuse", "reuse");
        String token = awaitToken(member);
        TestNode node = new TestNode("reuse", hub.ca().certificate(), hub.nodePort());
        assertThat(node.enrol(token).statusCode()).isEqualTo(200);
        String serial = get(member).getStatus().getCertificate().getSerialNumber();

        TestNode thief = new TestNode("reuse", hub.ca().certificate(), hub.nodePort());
        HttpResponse<String> again = thief.enrol(token);
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(again.body()).doesNotContain(token);
        assertThat(get(member).getStatus().getCertificate().getSerialNumber()).isEqualTo(serial);
        assertThat(ledgerLine(member).tokenSha256())
                .as("no new token for an enrolled member")
                .isEqualTo(tokenHash(token));
    }

    @Test
    void expiredJoinTokenIsRefusedAndKept() throws Exception {
        FederationMember member = createMember("expired", "expired");
        String token = awaitToken(member);
        // The expiry the hub goes by is the one in its ledger.
        Conflicts.edit(
                kube.secrets().inNamespace(NS).withName(LEDGER),
                s -> {
                    JoinTokens.Entry e = ledgerLine(s, "expired");
                    s.getData()
                            .put(
                                    "expired",
                                    encode(
                                            new JoinTokens.Entry(
                                                    e.nodeId(),
                                                    e.tokenSha256(),
                                                    Instant.now().minusSeconds(1).toString(),
                                                    null,
                                                    null,
                                                    null)));
                    return s;
                });
        Snapshot before = Snapshot.of(member);
        TestNode node = new TestNode("expired", hub.ca().certificate(), hub.nodePort());
        assertThat(node.enrol(token).statusCode()).isEqualTo(403);
        assertThat(tokenSecret(member)).isNotNull();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(condition(member, "Enrolled").getReason())
                                        .isEqualTo("JoinTokenExpired"));
        assertThat(get(member).getStatus().getCertificate()).isNull();
        assertThat(before.tokenUnchanged()).isTrue();
    }

    @Test
    void joinTokenOfAnotherNodeIsRefused() throws Exception {
        FederationMember a = createMember("wrong-a", "wrong-a");
        FederationMember b = createMember("wrong-b", "wrong-b");
        awaitToken(a);
        String tokenOfB = awaitToken(b);
        Snapshot beforeA = Snapshot.of(a);
        Snapshot beforeB = Snapshot.of(b);
        TestNode nodeA = new TestNode("wrong-a", hub.ca().certificate(), hub.nodePort());
        assertThat(nodeA.enrol(tokenOfB).statusCode()).isEqualTo(403);
        beforeA.assertNothingWritten();
        beforeB.assertNothingWritten();
    }

    @Test
    void csrMustNameTheNodeAndUseAnAcceptableKey() throws Exception {
        FederationMember member = createMember("csr-checks", "csr-checks");
        String token = awaitToken(member);
        Snapshot before = Snapshot.of(member);
        TestNode node = new TestNode("csr-checks", hub.ca().certificate(), hub.nodePort());

        var wrongCn = node.enrol("csr-checks", token, TestNode.csr("CN=someone-else", node.key));
        assertThat(wrongCn.statusCode()).isEqualTo(400);
        assertThat(wrongCn.body()).contains("CN must be the nodeId");
        var extraRdn =
                node.enrol("csr-checks", token, TestNode.csr("CN=csr-checks,O=Evil", node.key));
        assertThat(extraRdn.statusCode()).isEqualTo(400);
        var weakKey =
                node.enrol("csr-checks", token, TestNode.csr("CN=csr-checks", TestNode.rsa(2048)));
        assertThat(weakKey.statusCode()).isEqualTo(400);
        assertThat(weakKey.body()).contains("3072");
        var notACsr =
                node.enrol("csr-checks", token, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n");
        assertThat(notACsr.statusCode()).isEqualTo(400);
        before.assertNothingWritten();

        // The token survived all of that and still works with a proper CSR.
        assertThat(node.enrol(token).statusCode()).isEqualTo(200);
    }

    // ---- mTLS ---------------------------------------------------------------------------

    @Test
    void heartbeatWithoutClientCertificateIsRefused() throws Exception {
        TestNode anonymous = new TestNode("nobody", hub.ca().certificate(), hub.nodePort());
        HttpResponse<String> response = anonymous.heartbeat("0.1.0", 30);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(anonymous.renew(anonymous.csr()).statusCode()).isEqualTo(401);
    }

    @Test
    void certificateFromAnotherCaIsRefusedAtTheHandshake() throws Exception {
        FederationMember member = createMember("impostor", "impostor");
        enrol(member); // the real node enrols; the impostor has a look-alike certificate
        Snapshot before = Snapshot.of(member);
        FederationCa rogue = FederationCa.generate("rogue CA");
        TestNode impostor = new TestNode("impostor", hub.ca().certificate(), hub.nodePort());
        impostor.useCertificate(
                List.of(
                        rogue.signClient("impostor", impostor.key.getPublic(), Duration.ofDays(1)),
                        rogue.certificate()));
        assertThatThrownBy(() -> impostor.heartbeat("6.6.6", 30)).isInstanceOf(IOException.class);
        before.assertNothingWritten();
    }

    @Test
    void nodeCannotSpeakForAnotherNode() throws Exception {
        FederationMember a = createMember("speaker-a", "speaker-a");
        FederationMember b = createMember("speaker-b", "speaker-b");
        TestNode nodeA = enrol(a);
        enrol(b);
        Snapshot beforeB = Snapshot.of(b);
        HttpResponse<String> response =
                nodeA.post("/api/v1/heartbeat", TestNode.heartbeatJson("speaker-b", "6.6.6", 30));
        assertThat(response.statusCode()).isEqualTo(403);
        HttpResponse<String> renewAsB = nodeA.renew(TestNode.csr("CN=speaker-b", nodeA.key));
        assertThat(renewAsB.statusCode()).isEqualTo(403);
        assertThat(hub.members().byNodeId("speaker-b").lastReport()).isNull();
        assertThat(hub.members().byNodeId("speaker-a").lastReport()).isNull();
        beforeB.assertNothingWritten();
    }

    @Test
    void oversizedAndMalformedBodiesAreRefused() throws Exception {
        FederationMember member = createMember("bodies", "bodies");
        TestNode node = enrol(member);
        Snapshot before = Snapshot.of(member);
        String valid = TestNode.heartbeatJson("bodies", "0.1.0", 30);

        String huge =
                valid.replace("\"0.1.0\"", "\"0.1.0\",\"pad\":\"" + "x".repeat(40_000) + "\"");
        assertThat(node.post("/api/v1/heartbeat", huge).statusCode()).isEqualTo(413);
        assertThat(
                        chunked(node, "/api/v1/heartbeat", "[" + "1,".repeat(30_000) + "1]")
                                .statusCode())
                .as("a chunked body with no declared length is cut off at the limit too")
                .isEqualTo(413);
        assertThat(node.post("/api/v1/heartbeat", "{\"version\":").statusCode()).isEqualTo(400);
        assertThat(node.post("/api/v1/heartbeat", "[]").statusCode()).isEqualTo(400);
        assertThat(
                        node.post(
                                        "/api/v1/heartbeat",
                                        valid.replace("\"nodeId\"", "\"images\":[],\"nodeId\""))
                                .statusCode())
                .as("unknown fields are refused")
                .isEqualTo(400);
        assertThat(
                        node.post("/api/v1/heartbeat", valid.replace("\"hybrid\"", "\"root\""))
                                .statusCode())
                .isEqualTo(400);
        assertThat(
                        node.post(
                                        "/api/v1/heartbeat",
                                        valid.replace("\"allocated\":2", "\"allocated\":9"))
                                .statusCode())
                .isEqualTo(400);
        assertThat(
                        node.post(
                                        "/api/v1/heartbeat",
                                        valid.replace(
                                                "\"intervalSeconds\":30", "\"intervalSeconds\":0"))
                                .statusCode())
                .isEqualTo(400);
        assertThat(node.post("/api/v1/heartbeat", valid + "{}").statusCode()).isEqualTo(400);
        HttpResponse<String> text =
                node.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "https://localhost:"
                                                        + hub.nodePort()
                                                        + "/api/v1/heartbeat"))
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString(valid))
                                .build());
        assertThat(text.statusCode()).isEqualTo(415);
        // Its body was never read: the client must open a new connection for the next request
        // (reusing this one raced the server closing it, and the next POST read no response).
        assertThat(text.headers().firstValue("connection")).hasValue("close");
        assertThat(
                        node.post(
                                        "/api/v1/enrol",
                                        "{\"nodeId\":\"bodies\",\"token\":\"short\",\"csr\":\"x\"}")
                                .statusCode())
                .isEqualTo(400);

        assertThat(hub.members().byNodeId("bodies").lastReport()).isNull();
        before.assertNothingWritten();

        // ...and the same connection still takes a good heartbeat.
        assertThat(node.post("/api/v1/heartbeat", valid).statusCode()).isEqualTo(200);
    }

    // ---- renewal and revocation ---------------------------------------------------------

    @Test
    void renewalIssuesANewCertificateThatReplacesTheOld() throws Exception {
        FederationMember member = createMember("renewer", "renewer");
        TestNode node = enrol(member);
        X509Certificate first = node.certificate();
        var newKey = FederationCa.newKeyPair();
        HttpResponse<String> renewed = node.renew(TestNode.csr("CN=renewer", newKey));
        assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
        List<X509Certificate> chain =
                Pem.certificates(
                        Json.MAPPER
                                .readValue(renewed.body(), IssuedCertificate.class)
                                .certificateChain());
        assertThat(chain.get(0).getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(chain.get(0).getPublicKey()).isEqualTo(newKey.getPublic());
        var status = get(member).getStatus().getCertificate();
        assertThat(status.getSerialNumber()).isEqualTo(chain.get(0).getSerialNumber().toString(16));
        assertThat(status.getPreviousSerialNumber())
                .isEqualTo(first.getSerialNumber().toString(16));
        assertThat(events(member))
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("CertificateRenewed"));

        TestNode renewedNode =
                new TestNode("renewer", newKey, hub.ca().certificate(), hub.nodePort());
        renewedNode.useCertificate(chain);
        assertThat(renewedNode.heartbeat("0.2.0", 30).statusCode()).isEqualTo(200);
        // The replaced certificate speaks for the member no more (issue 14: it used to).
        assertThat(node.heartbeat("0.2.0", 30).statusCode()).isEqualTo(403);
    }

    @Test
    void anOlderCertificateCanNeitherHeartbeatNorForkTheLineage() throws Exception {
        FederationMember member = createMember("lineage", "lineage");
        TestNode node = enrol(member); // certificate A
        var renewedKey = FederationCa.newKeyPair();
        HttpResponse<String> renewed = node.renew(TestNode.csr("CN=lineage", renewedKey));
        assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
        List<X509Certificate> b = chainOf(renewed); // certificate B, the current one
        String current = get(member).getStatus().getCertificate().getSerialNumber();

        // A thief holding A (and A's key) tries to heartbeat and to renew for a key of its own.
        TestNode thief = new TestNode("lineage", node.key, hub.ca().certificate(), hub.nodePort());
        thief.useCertificate(node.chain());
        assertThat(thief.heartbeat("0.2.0", 30).statusCode()).isEqualTo(403);
        var thiefKey = FederationCa.newKeyPair();
        HttpResponse<String> fork = thief.renew(TestNode.csr("CN=lineage", thiefKey));
        assertThat(fork.statusCode()).as(fork.body()).isEqualTo(403);
        assertThat(get(member).getStatus().getCertificate().getSerialNumber())
                .as("the lineage is not forked")
                .isEqualTo(current);

        // The node itself, had B's answer been lost, asks again from A for the key it sent:
        // answered, with A still the previous certificate, so it may ask once more if need be.
        HttpResponse<String> retry = node.renew(TestNode.csr("CN=lineage", renewedKey));
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        X509Certificate c = chainOf(retry).get(0);
        assertThat(c.getPublicKey()).isEqualTo(renewedKey.getPublic());
        var record = get(member).getStatus().getCertificate();
        assertThat(record.getSerialNumber()).isEqualTo(c.getSerialNumber().toString(16));
        assertThat(record.getPreviousSerialNumber())
                .isEqualTo(node.certificate().getSerialNumber().toString(16));
        // B, superseded by that answer, is refused too.
        TestNode withB =
                new TestNode("lineage", renewedKey, hub.ca().certificate(), hub.nodePort());
        withB.useCertificate(b);
        assertThat(withB.heartbeat("0.2.0", 30).statusCode()).isEqualTo(403);
    }

    @Test
    void theSameTokenAndKeyAreAnsweredAgainAnotherKeyIsNot() throws Exception {
        FederationMember member = createMember("again", "again");
        String token = awaitToken(member);
        TestNode node = new TestNode("again", hub.ca().certificate(), hub.nodePort());
        HttpResponse<String> first = node.enrol(token);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        // The answer was lost (or the node crashed before storing it): it asks again.
        HttpResponse<String> second = node.enrol(token);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        X509Certificate cert = chainOf(second).get(0);
        assertThat(cert.getPublicKey()).isEqualTo(node.key.getPublic());
        assertThat(get(member).getStatus().getCertificate().getSerialNumber())
                .isEqualTo(cert.getSerialNumber().toString(16));
        node.useCertificate(chainOf(second));
        assertThat(node.heartbeat("0.2.0", 30).statusCode()).isEqualTo(200);
        // Someone else with the token but not the key is refused.
        TestNode other = new TestNode("again", hub.ca().certificate(), hub.nodePort());
        assertThat(other.enrol(token).statusCode()).isEqualTo(403);
        assertThat(get(member).getStatus().getCertificate().getSerialNumber())
                .isEqualTo(cert.getSerialNumber().toString(16));
    }

    @Test
    void aNewTokenIsIssuedOnRequestAndTheOldOneIsRefused() throws Exception {
        FederationMember member = createMember("asked", "asked");
        String old = awaitToken(member);
        // The central operators lost the token: they delete the hand-out and ask for a new one.
        kube.secrets().inNamespace(NS).withName(JoinTokens.secretName("asked")).delete();
        Conflicts.edit(
                kube.resources(FederationMember.class).inNamespace(NS).withName("asked"),
                m -> {
                    m.getMetadata()
                            .setAnnotations(
                                    java.util.Map.of(
                                            JoinTokens.REQUEST_ANNOTATION, "2026-01-01T00:00Z"));
                    return m;
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> tokenSecret(member) != null);
        String fresh =
                new String(
                        Base64.getDecoder()
                                .decode(tokenSecret(member).getData().get(JoinTokens.TOKEN_KEY)),
                        StandardCharsets.UTF_8);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(ledgerLine(member).tokenSha256()).isEqualTo(tokenHash(fresh));
        TestNode node = new TestNode("asked", hub.ca().certificate(), hub.nodePort());
        assertThat(node.enrol(old).statusCode()).as("the old token").isEqualTo(403);
        HttpResponse<String> enrolled = node.enrol(fresh);
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
    }

    @Test
    void theHubCanReadNoSecretButTheCaAndItsLedgerAndKeepsNoPlainToken() throws Exception {
        FederationMember member = createMember("rbac", "rbac");
        String token = awaitToken(member);
        // The ledger holds the token's SHA-256, not the token.
        assertThat(ledgerLine(member).tokenSha256()).isEqualTo(tokenHash(token));
        assertThat(
                        new String(
                                Base64.getDecoder()
                                        .decode(
                                                kube.secrets()
                                                        .inNamespace(NS)
                                                        .withName(LEDGER)
                                                        .get()
                                                        .getData()
                                                        .get("rbac")),
                                StandardCharsets.UTF_8))
                .doesNotContain(token);
        kube.secrets()
                .inNamespace(NS)
                .resource(
                        new io.fabric8.kubernetes.api.model.SecretBuilder()
                                .withNewMetadata()
                                .withName("someone-elses")
                                .endMetadata()
                                .withStringData(java.util.Map.of("password", "x"))
                                .build())
                .create();
        // As the hub's ServiceAccount (the chart's Role): no list, no get of other Secrets (the
        // token hand-out included), no delete, not even of the CA.
        assertForbidden(() -> asHub.secrets().inNamespace(NS).list());
        assertForbidden(() -> asHub.secrets().inNamespace(NS).withName("someone-elses").get());
        assertForbidden(
                () ->
                        asHub.secrets()
                                .inNamespace(NS)
                                .withName(JoinTokens.secretName("rbac"))
                                .get());
        assertForbidden(() -> asHub.secrets().inNamespace(NS).withName("someone-elses").delete());
        assertForbidden(() -> asHub.secrets().inNamespace(NS).withName("fednode-hub-ca").delete());
        assertForbidden(
                () -> asHub.secrets().inNamespace(NS).withName("someone-elses").edit(s -> s));
        assertThat(asHub.secrets().inNamespace(NS).withName("fednode-hub-ca").get()).isNotNull();
    }

    static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
                .satisfies(
                        e ->
                                assertThat(
                                                ((io.fabric8.kubernetes.client
                                                                        .KubernetesClientException)
                                                                e)
                                                        .getCode())
                                        .isEqualTo(403));
    }

    static List<X509Certificate> chainOf(HttpResponse<String> response) throws IOException {
        return Pem.certificates(
                Json.MAPPER.readValue(response.body(), IssuedCertificate.class).certificateChain());
    }

    static final String LEDGER = JoinTokens.ledgerName("fednode-hub-ca");

    static JoinTokens.Entry ledgerLine(FederationMember m) {
        return ledgerLine(
                kube.secrets().inNamespace(NS).withName(LEDGER).get(), m.getMetadata().getName());
    }

    static JoinTokens.Entry ledgerLine(Secret ledger, String member) {
        try {
            return Json.MAPPER.readValue(
                    Base64.getDecoder().decode(ledger.getData().get(member)),
                    JoinTokens.Entry.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String encode(JoinTokens.Entry e) {
        try {
            return Base64.getEncoder().encodeToString(Json.MAPPER.writeValueAsBytes(e));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** SHA-256 of the token, hex: computed here, independently of the hub's code. */
    static String tokenHash(String token) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(
                        java.security.MessageDigest.getInstance("SHA-256")
                                .digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void revokedAndDeletedMembersAreRefusedAtOnce() throws Exception {
        FederationMember member = createMember("revoked", "revoked");
        TestNode node = enrol(member);
        assertThat(node.heartbeat("0.1.0", 30).statusCode()).isEqualTo(200);

        Conflicts.edit(
                kube.resources(FederationMember.class).inNamespace(NS).withName("revoked"),
                m -> {
                    m.getSpec().setRevoked(true);
                    return m;
                });
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(node.heartbeat("0.1.0", 30).statusCode()).isEqualTo(403));
        assertThat(node.renew(node.csr()).statusCode()).isEqualTo(403);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> {
                            Condition available = condition(member, "Available");
                            assertThat(available.getStatus()).isEqualTo("False");
                            assertThat(available.getReason()).isEqualTo("Revoked");
                        });

        FederationMember other = createMember("deleted", "deleted");
        TestNode deletedNode = enrol(other);
        assertThat(deletedNode.heartbeat("0.1.0", 30).statusCode()).isEqualTo(200);
        kube.resources(FederationMember.class).inNamespace(NS).withName("deleted").delete();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(deletedNode.heartbeat("0.1.0", 30).statusCode())
                                        .isEqualTo(403));
        // The old token hand-out belongs to the deleted member: the garbage collector deletes it
        // (this API server runs no controller manager, so the test does; the hub cannot).
        kube.secrets().inNamespace(NS).withName(JoinTokens.secretName("deleted")).delete();
        // Recreating the member does not bring the old certificate back to life.
        FederationMember recreated = createMember("deleted", "deleted");
        awaitToken(recreated);
        assertThat(deletedNode.heartbeat("0.1.0", 30).statusCode()).isEqualTo(403);
    }

    @Test
    void fleetJsonPageAndMetricsReportMembers() throws Exception {
        FederationMember member = createMember("fleet-x", "fleet-x");
        TestNode node = enrol(member);
        assertThat(node.heartbeat("0.3.0", 30).statusCode()).isEqualTo(200);
        HttpClient plain = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + hub.adminPort();
        HttpResponse<String> fleet =
                plain.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/v1/fleet?state=available"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(fleet.statusCode()).isEqualTo(200);
        var tree = Json.MAPPER.readTree(fleet.body());
        assertThat(tree.path("members").findValuesAsText("nodeId")).contains("fleet-x");
        assertThat(tree.path("members").findValuesAsText("health")).containsOnly("AVAILABLE");
        HttpResponse<String> metrics =
                plain.send(
                        HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body())
                .contains("fednode_hub_members{health=\"available\"}")
                .contains(
                        "fednode_hub_requests_seconds_count{endpoint=\"heartbeat\",status=\"200\"}");
        HttpResponse<String> page =
                plain.send(
                        HttpRequest.newBuilder(URI.create(base + "/?state=available")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("data-node=\"fleet-x\" data-health=\"available\"");
        assertThat(
                        plain.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                base + "/api/v1/fleet?state=bogus"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                .isEqualTo(400);
    }

    @Test
    void chartGrantsNoWildcardsAndItsPodPassesRestrictedPodSecurity() throws Exception {
        // A namespace of its own that enforces Pod Security "restricted", as the docs ask.
        String ns = "fednode-hub-chart";
        kube.resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(ns)
                                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                                .endMetadata()
                                .build())
                .serverSideApply();
        // The check has teeth: a Pod that is not "restricted" (root allowed, escalation allowed,
        // no seccomp profile, capabilities kept) is refused there, even on a dry run.
        io.fabric8.kubernetes.api.model.Pod loose =
                new io.fabric8.kubernetes.api.model.PodBuilder()
                        .withNewMetadata()
                        .withName("not-restricted")
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("c")
                        .withImage("registry.example.org/any:1")
                        .endContainer()
                        .endSpec()
                        .build();
        assertThatThrownBy(() -> kube.resource(loose).dryRun().create())
                .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
                .hasMessageContaining("violates PodSecurity \"restricted:latest\"");
        // The chart's Pod (and its other objects, dry run) is admitted in the same namespace.
        HubChart.assertLeastPrivilegeAndRestricted(kube, ns);
    }

    @Test
    void fleetPageLoadsInHeadlessChromiumWithHealthAndFilter() throws Exception {
        TestNode up = enrol(createMember("browser-up", "browser-up"));
        assertThat(up.heartbeat("0.4.0", 30).statusCode()).isEqualTo(200);
        createMember("browser-pending", "browser-pending");
        FederationMember revoked = createMember("browser-revoked", "browser-revoked");
        Conflicts.edit(
                kube.resources(FederationMember.class)
                        .inNamespace(NS)
                        .withName(revoked.getMetadata().getName()),
                m -> {
                    m.getSpec().setRevoked(true);
                    return m;
                });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> hub.members().byNodeId("browser-revoked").revoked());
        String base = "http://127.0.0.1:" + hub.adminPort();

        String dom = HeadlessChromium.dumpDom(base + "/");
        assertThat(dom).contains("<table id=\"fleet\"");
        assertThat(dom)
                .contains("data-node=\"browser-up\" data-health=\"available\"")
                .contains("data-node=\"browser-pending\" data-health=\"pending\"")
                .contains("data-node=\"browser-revoked\" data-health=\"revoked\"")
                .contains("Hospital browser-up")
                .contains("0.4.0");

        String filtered = HeadlessChromium.dumpDom(base + "/?state=pending");
        assertThat(filtered).contains("data-node=\"browser-pending\"");
        assertThat(filtered).doesNotContain("data-node=\"browser-up\"");
        assertThat(filtered).contains("<option value=\"pending\" selected=\"\">");

        Path screenshot = Path.of("target/fleet-page.png");
        HeadlessChromium.screenshot(base + "/", screenshot, 1400, 700);
        assertThat(screenshot).isNotEmptyFile();
        byte[] png = java.nio.file.Files.readAllBytes(screenshot);
        assertThat(java.util.Arrays.copyOf(png, 4)).containsExactly(0x89, 'P', 'N', 'G');
    }

    // ---- helpers ------------------------------------------------------------------------

    static FederationMember createMember(String name, String nodeId) {
        return createMember(kube, NS, name, nodeId);
    }

    static FederationMember createMember(
            KubernetesClient client, String namespace, String name, String nodeId) {
        return createMember(client, namespace, name, nodeId, null);
    }

    static FederationMember createMember(
            KubernetesClient client,
            String namespace,
            String name,
            String nodeId,
            Map<String, String> labels) {
        FederationMember m = new FederationMember();
        m.getMetadata().setName(name);
        m.getMetadata().setNamespace(namespace);
        m.getMetadata().setLabels(labels);
        FederationMemberSpec spec = new FederationMemberSpec();
        spec.setNodeId(nodeId);
        spec.setRole(NodeRole.HYBRID);
        spec.setDisplayName("Hospital " + name);
        spec.setCountry("NL");
        m.setSpec(spec);
        return client.resource(m).create();
    }

    static FederationMember get(FederationMember m) {
        return kube.resources(FederationMember.class)
                .inNamespace(NS)
                .withName(m.getMetadata().getName())
                .get();
    }

    static Condition condition(FederationMember m, String type) {
        FederationMember current = get(m);
        assertThat(current.getStatus()).as("status of %s", m.getMetadata().getName()).isNotNull();
        return current.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    static Secret tokenSecret(FederationMember m) {
        return kube.secrets()
                .inNamespace(NS)
                .withName(JoinTokens.secretName(m.getMetadata().getName()))
                .get();
    }

    static String awaitToken(FederationMember m) {
        await().atMost(Duration.ofSeconds(10)).until(() -> tokenSecret(m) != null);
        // and the member's status says so, so later "nothing written" checks start from quiet
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> {
                            assertThat(condition(m, "Enrolled").getReason())
                                    .isEqualTo("AwaitingEnrolment");
                            assertThat(hub.members().byNodeId(m.getSpec().getNodeId()).isDirty())
                                    .isFalse();
                        });
        Secret s = tokenSecret(m);
        assertThat(s.getData()).containsKeys(JoinTokens.TOKEN_KEY, JoinTokens.CA_KEY);
        return new String(
                Base64.getDecoder().decode(s.getData().get(JoinTokens.TOKEN_KEY)),
                StandardCharsets.UTF_8);
    }

    static TestNode enrol(FederationMember m) throws Exception {
        String token = awaitToken(m);
        TestNode node =
                new TestNode(m.getSpec().getNodeId(), hub.ca().certificate(), hub.nodePort());
        node.enrolled(token);
        // let the status settle so "nothing written" checks start from a quiet member
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !hub.members().byNodeId(m.getSpec().getNodeId()).isDirty());
        return node;
    }

    static List<Event> events(FederationMember m) {
        return kube.v1()
                .events()
                .inNamespace(NS)
                .withField("involvedObject.name", m.getMetadata().getName())
                .list()
                .getItems();
    }

    static HttpResponse<String> chunked(TestNode node, String path, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Flow.Publisher<ByteBuffer> unknownLength = HttpRequest.BodyPublishers.ofByteArray(bytes);
        return node.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + hub.nodePort() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.fromPublisher(unknownLength))
                        .build());
    }

    /** The member and its token as they were; refused requests must not change either. */
    record Snapshot(FederationMember member, String memberVersion, String tokenVersion) {
        static Snapshot of(FederationMember m) {
            FederationMember current = get(m);
            return new Snapshot(m, current.getMetadata().getResourceVersion(), ledgerText(m));
        }

        /** The member's ledger line as stored (the token hand-out never changes). */
        static String ledgerText(FederationMember m) {
            Secret ledger = kube.secrets().inNamespace(NS).withName(LEDGER).get();
            return ledger == null || ledger.getData() == null
                    ? null
                    : ledger.getData().get(m.getMetadata().getName());
        }

        boolean tokenUnchanged() {
            return java.util.Objects.equals(tokenVersion, ledgerText(member));
        }

        void assertNothingWritten() {
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .until(
                            () ->
                                    get(member)
                                                    .getMetadata()
                                                    .getResourceVersion()
                                                    .equals(memberVersion)
                                            && tokenUnchanged());
        }
    }

    /** A heartbeat that counts itself when accepted and records why when not; never throws. */
    private static void countedBeat(
            TestNode node,
            String version,
            AtomicInteger accepted,
            ConcurrentLinkedQueue<String> refused) {
        try {
            HttpResponse<String> r = node.heartbeat(version, 1);
            if (r.statusCode() == 200) {
                accepted.incrementAndGet();
            } else {
                refused.add(r.statusCode() + " " + r.body());
            }
        } catch (Exception e) {
            refused.add(e.toString());
        }
    }

    private static void beat(TestNode node, String version) {
        try {
            HttpResponse<String> r = node.heartbeat(version, 1);
            if (r.statusCode() != 200) {
                throw new AssertionError(r.statusCode() + " " + r.body());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
