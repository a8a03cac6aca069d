package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.fixtures.FederationNodes;
import io.fednode.hub.Hub;
import io.fednode.hub.HubConfig;
import io.fednode.testing.Conflicts;
import io.fednode.testing.RealApiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node side of the hub link against a real hub (in-process) and a real API server holding both
 * the hub's namespace and a hospital's: enrolment with the join token, heartbeats, renewal at two
 * thirds of a short certificate lifetime, the hub going away and coming back, revocation.
 */
public class HubLinkIT {
    static final String HUB_NS = "federation-hub";
    static final String NODE_NS = "hospital-a";
    static final Duration LIFETIME = Duration.ofSeconds(15);

    @RegisterExtension static final RealApiServer API = new RealApiServer();
    static KubernetesClient kube;
    static Hub hub;
    static HubLinks links;

    @BeforeAll
    static void start() throws Exception {
        kube = prepare(API, HUB_NS, NODE_NS);
        hub = startHub(0);
        links = new HubLinks(kube, "0.1.0-test");
    }

    /** Installs both CRDs and creates the namespaces; returns the admin client. */
    static KubernetesClient prepare(RealApiServer api, String... namespaces) {
        KubernetesClient client = api.client();
        api.installCrd(Path.of("../crds/federationmembers.fednode.io-v1.yml"));
        api.installCrd(Path.of("../crds/federationnodes.fednode.io-v1.yml"));
        for (String ns : namespaces) {
            client.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                    .create();
        }
        return client;
    }

    static Hub startHub(int port) throws Exception {
        return new Hub(
                        kube,
                        HubConfig.builder()
                                .namespace(HUB_NS)
                                .port(port)
                                .adminPort(0)
                                .certificateLifetime(LIFETIME)
                                .statusRefresh(Duration.ofMinutes(10))
                                .statusSyncPeriod(Duration.ofMillis(200))
                                .build())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (links != null) {
            links.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void nodeEnrolsHeartbeatsRenewsSurvivesAHubOutageAndIsRefusedWhenRevoked() throws Exception {
        FederationMember member = createMember("hospital-a");
        Secret token = awaitJoinToken(member);
        // The central operators hand the token and CA bundle to the hospital out of band.
        handOver(kube, token, NODE_NS, "hub-join");
        FederationNode node = createNode("https://localhost:" + hub.nodePort());
        List<String> changes = new CopyOnWriteArrayList<>();
        links.onChange((ns, name) -> changes.add(ns + "/" + name));

        links.ensure(node);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            HubLinkStatus s = links.ensure(node);
                            assertThat(s.registered().status()).isEqualTo("True");
                            assertThat(s.connected().status())
                                    .as(s.connected().message())
                                    .isEqualTo("True");
                        });
        assertThat(changes).contains(NODE_NS + "/hospital-a");
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () ->
                                assertThat(memberCondition("Available").getStatus())
                                        .isEqualTo("True"));
        assertThat(member().getStatus().getVersion()).isEqualTo("0.1.0-test");

        // The identity Secret holds the key generated here and the certificate the hub signed.
        Secret identity = identitySecret();
        X509Certificate first = certificate(identity);
        assertThat(first.getSubjectX500Principal().getName()).isEqualTo("CN=hospital-a");
        assertKeyMatches(identity, first);
        assertThat(token(identity, "ca.crt")).contains("BEGIN CERTIFICATE");
        assertThat(ledgerLine("hospital-a").path("redeemedAt").asText())
                .as("join token burnt")
                .isNotEmpty();

        // Renewal at two thirds of a 15 s lifetime, with a new key; heartbeats carry on.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(certificate(identitySecret()).getSerialNumber())
                                        .isNotEqualTo(first.getSerialNumber()));
        X509Certificate renewed = certificate(identitySecret());
        assertKeyMatches(identitySecret(), renewed);
        assertThat(renewed.getNotAfter()).isAfter(first.getNotAfter());
        assertThat(renewed.getNotBefore().toInstant())
                .isBefore(first.getNotAfter().toInstant())
                .as("renewed before the old certificate expired");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(member().getStatus().getCertificate().getSerialNumber())
                                        .isEqualTo(renewed.getSerialNumber().toString(16)));
        assertThat(links.ensure(node).connected().status()).isEqualTo("True");

        // The hub goes away: Connected=False with the reason; it comes back: True again.
        int port = hub.nodePort();
        hub.close();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            LinkCondition c = links.ensure(node).connected();
                            assertThat(c.status()).isEqualTo("False");
                            assertThat(c.reason()).isEqualTo("HubUnreachable");
                        });
        assertThat(links.ensure(node).registered().status()).isEqualTo("True");
        hub = startHub(port);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () ->
                                assertThat(links.ensure(node).connected().status())
                                        .isEqualTo("True"));

        // Revoked at the centre: refused, and the node says so.
        Conflicts.edit(
                kube.resources(FederationMember.class).inNamespace(HUB_NS).withName("hospital-a"),
                m -> {
                    m.getSpec().setRevoked(true);
                    return m;
                });
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            LinkCondition c = links.ensure(node).connected();
                            assertThat(c.status()).isEqualTo("False");
                            assertThat(c.reason()).isEqualTo("RefusedByHub");
                        });
        links.forget(NODE_NS, "hospital-a");
    }

    @Test
    void missingJoinTokenIsReportedWithTheField() throws Exception {
        // A valid CA bundle, so the link gets past it to the join token, which is missing.
        kube.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("hub-ca-only")
                                .withNamespace(NODE_NS)
                                .endMetadata()
                                .withStringData(
                                        Map.of(
                                                "ca.crt",
                                                io.fednode.hub.ca.Pem.encode(
                                                        hub.ca().certificate())))
                                .build())
                .create();
        FederationNode node =
                kube.resource(
                                linkedNode(NODE_NS, "hospital-b", "https://localhost:1")
                                        .joinToken("no-such-secret")
                                        .caBundle("hub-ca-only")
                                        .build())
                        .create();
        FederationNode created = node;
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> {
                            LinkCondition r = links.ensure(created).registered();
                            assertThat(r.status()).isEqualTo("False");
                            assertThat(r.reason()).isEqualTo("JoinTokenMissing");
                            assertThat(r.message()).contains("spec.hub.joinTokenSecretRef");
                        });
        links.forget(NODE_NS, "hospital-b");
    }

    /** Puts the hub's token hand-out (token and CA) into a Secret of the node's namespace. */
    public static void handOver(
            KubernetesClient kube, Secret token, String namespace, String name) {
        kube.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withNamespace(namespace)
                                .endMetadata()
                                .withData(
                                        Map.of(
                                                "token", token.getData().get("token"),
                                                "ca.crt", token.getData().get("ca.crt")))
                                .build())
                .create();
    }

    static FederationMember createMember(String nodeId) {
        return createMember(kube, nodeId);
    }

    static FederationMember createMember(KubernetesClient kube, String nodeId) {
        FederationMember m = new FederationMember();
        m.getMetadata().setName(nodeId);
        m.getMetadata().setNamespace(HUB_NS);
        FederationMemberSpec spec = new FederationMemberSpec();
        spec.setNodeId(nodeId);
        spec.setRole(NodeRole.COMPUTE);
        m.setSpec(spec);
        return kube.resource(m).create();
    }

    static FederationMember member() {
        return kube.resources(FederationMember.class)
                .inNamespace(HUB_NS)
                .withName("hospital-a")
                .get();
    }

    static Condition memberCondition(String type) {
        return member().getStatus().getConditions().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow();
    }

    static Secret awaitJoinToken(FederationMember m) {
        String name = m.getMetadata().getName() + "-join-token";
        await().atMost(Duration.ofSeconds(10))
                .until(() -> kube.secrets().inNamespace(HUB_NS).withName(name).get() != null);
        return kube.secrets().inNamespace(HUB_NS).withName(name).get();
    }

    /**
     * The hub link tests' node: compute, joining {@code endpoint} with the token and CA bundle of
     * Secret {@code hub-join}, heartbeats every 5 s.
     */
    static FederationNodes.Builder linkedNode(String namespace, String nodeId, String endpoint) {
        return FederationNodes.node(namespace, nodeId)
                .role(NodeRole.COMPUTE)
                .hubEndpoint(endpoint)
                .hubCredentials("hub-join")
                .heartbeatInterval("5s");
    }

    static FederationNode createNode(String endpoint) {
        return kube.resource(linkedNode(NODE_NS, "hospital-a", endpoint).build()).create();
    }

    static Secret identitySecret() {
        return kube.secrets().inNamespace(NODE_NS).withName("hospital-a-hub-identity").get();
    }

    static String token(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }

    /** The member's line in the hub's join token ledger (the hub keeps only hashes there). */
    static com.fasterxml.jackson.databind.JsonNode ledgerLine(String member) throws Exception {
        Secret ledger =
                kube.secrets()
                        .inNamespace(HUB_NS)
                        .withName(io.fednode.hub.member.JoinTokens.ledgerName("fednode-hub-ca"))
                        .get();
        return HubClient.JSON.readTree(token(ledger, member));
    }

    static X509Certificate certificate(Secret s) {
        return NodeIdentity.certificates(token(s, "tls.crt")).get(0);
    }

    static void assertKeyMatches(Secret s, X509Certificate cert) throws Exception {
        var key = NodeIdentity.privateKey(token(s, "tls.key"));
        Signature sign = Signature.getInstance("SHA256withECDSA");
        sign.initSign(key);
        sign.update(new byte[] {1, 2, 3});
        byte[] sig = sign.sign();
        Signature verify = Signature.getInstance("SHA256withECDSA");
        verify.initVerify(cert.getPublicKey());
        verify.update(new byte[] {1, 2, 3});
        assertThat(verify.verify(sig)).as("tls.key is the key of tls.crt").isTrue();
    }
}
