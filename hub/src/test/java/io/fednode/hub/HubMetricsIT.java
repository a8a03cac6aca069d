package io.fednode.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberSpec;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.hub.ca.Pem;
import io.fednode.hub.enrolment.IssuedCertificate;
import io.fednode.hub.http.Json;
import io.fednode.hub.member.JoinTokens;
import io.fednode.testing.PrometheusText;
import io.fednode.testing.RealApiServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub's {@code /metrics} scraped while real TLS clients enrol (and are refused) and heartbeat
 * against a hub on a real API server: every expected count is the number of requests this test sent
 * and saw answered, every expiry the one in the certificate the test received.
 */
class HubMetricsIT {
    static final String NS = "fednode-hub-metrics";

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static KubernetesClient kube;
    static Hub hub;

    @BeforeAll
    static void startHub() throws Exception {
        kube = API.client();
        API.installCrd(Path.of("../crds/federationmembers.fednode.io-v1.yml"));
        kube.namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        HubConfig config =
                HubConfig.defaults(NS)
                        .withPorts(0, 0)
                        .withStatusTiming(Duration.ofMinutes(10), Duration.ofMillis(200))
                        .withListener(
                                HubConfig.Listener.defaults().withEnrolAttemptsPerMinute(1000));
        hub = new Hub(HubChart.installRbacAndLogIn(API, NS), config).start();
    }

    @AfterAll
    static void stopHub() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    static PrometheusText scrape() throws Exception {
        return PrometheusText.scrape("http://127.0.0.1:" + hub.adminPort() + "/metrics");
    }

    static double value(PrometheusText m, String name, String... labels) {
        return m.value(name, labels)
                .orElseThrow(() -> new AssertionError("no sample " + name + " " + List.of(labels)));
    }

    @Test
    void enrolmentsHeartbeatsAndMemberHealthAreCounted() throws Exception {
        PrometheusText start = scrape();
        for (String reason : List.of("none", "token_already_used", "no_member", "token_mismatch")) {
            assertThat(start.sum("fednode_hub_enrolments_total", "reason", reason))
                    .as("enrolments with reason %s before any", reason)
                    .isZero();
        }
        assertThat(value(start, "fednode_hub_heartbeats_total", "outcome", "accepted")).isZero();

        String token = createMemberAndAwaitToken("metrics-a");
        TestNode node = new TestNode("metrics-a", hub.ca().certificate(), hub.nodePort());
        HttpResponse<String> enrolled = node.enrol(token);
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
        List<X509Certificate> chain =
                Pem.certificates(
                        Json.MAPPER
                                .readValue(enrolled.body(), IssuedCertificate.class)
                                .certificateChain());
        node.useCertificate(chain);

        // Refusals, each for a reason the test caused: the burnt token with another key, a node
        // the hub has no member for, a token that is not the member's.
        TestNode thief = new TestNode("metrics-a", hub.ca().certificate(), hub.nodePort());
        assertThat(thief.enrol(token).statusCode()).isEqualTo(403);
        TestNode ghost = new TestNode("no-such-member", hub.ca().certificate(), hub.nodePort());
        assertThat(ghost.enrol(token).statusCode()).isEqualTo(403);
        String otherToken = createMemberAndAwaitToken("metrics-b");
        TestNode b = new TestNode("metrics-b", hub.ca().certificate(), hub.nodePort());
        assertThat(b.enrol(otherToken.substring(1) + "x").statusCode()).isEqualTo(403);

        PrometheusText afterEnrol = scrape();
        assertThat(
                        value(
                                afterEnrol,
                                "fednode_hub_enrolments_total",
                                "outcome",
                                "enrolled",
                                "reason",
                                "none"))
                .isEqualTo(1.0);
        assertThat(
                        value(
                                afterEnrol,
                                "fednode_hub_enrolments_total",
                                "outcome",
                                "refused",
                                "reason",
                                "token_already_used"))
                .isEqualTo(1.0);
        assertThat(value(afterEnrol, "fednode_hub_enrolments_total", "reason", "no_member"))
                .isEqualTo(1.0);
        assertThat(value(afterEnrol, "fednode_hub_enrolments_total", "reason", "token_mismatch"))
                .isEqualTo(1.0);
        assertThat(afterEnrol.sum("fednode_hub_enrolments_total", "outcome", "refused"))
                .isEqualTo(3.0);
        double expiry =
                Duration.between(Instant.now(), chain.get(0).getNotAfter().toInstant()).toSeconds();
        assertThat(
                        value(
                                afterEnrol,
                                "fednode_hub_member_certificate_expiry_seconds",
                                "member",
                                "metrics-a"))
                .isCloseTo(expiry, within(10.0));
        assertThat(
                        afterEnrol.value(
                                "fednode_hub_member_certificate_expiry_seconds",
                                "member",
                                "metrics-b"))
                .as("no certificate, no series")
                .isEmpty();

        // Heartbeats: 6 accepted (1 s interval), one refused (speaking for another node).
        int accepted = 0;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = node.heartbeat("0.1.0", 1);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            accepted++;
            Thread.sleep(300);
        }
        HttpResponse<String> forged =
                node.post("/api/v1/heartbeat", TestNode.heartbeatJson("metrics-b", "0.1.0", 1));
        assertThat(forged.statusCode()).isEqualTo(403);
        PrometheusText beating = scrape();
        assertThat(value(beating, "fednode_hub_heartbeats_total", "outcome", "accepted"))
                .isEqualTo(accepted);
        assertThat(value(beating, "fednode_hub_heartbeats_total", "outcome", "rejected"))
                .isEqualTo(1.0);
        assertThat(value(beating, "fednode_hub_heartbeat_duration_seconds_count"))
                .isEqualTo(accepted + 1.0);
        assertThat(value(beating, "fednode_hub_heartbeat_duration_seconds_sum")).isPositive();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () ->
                                assertThat(
                                                value(
                                                        scrape(),
                                                        "fednode_hub_members",
                                                        "health",
                                                        "available"))
                                        .isEqualTo(1.0));

        // The node goes silent: after 5 missed 1 s heartbeats the member is unknown.
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            PrometheusText m = scrape();
                            assertThat(value(m, "fednode_hub_members", "health", "unknown"))
                                    .isEqualTo(1.0);
                            assertThat(value(m, "fednode_hub_members", "health", "available"))
                                    .isZero();
                        });
        FederationMember member =
                kube.resources(FederationMember.class).inNamespace(NS).withName("metrics-a").get();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(
                                                kube
                                                        .resources(FederationMember.class)
                                                        .inNamespace(NS)
                                                        .withName("metrics-a")
                                                        .get()
                                                        .getStatus()
                                                        .getConditions()
                                                        .stream()
                                                        .filter(
                                                                c ->
                                                                        c.getType()
                                                                                .equals(
                                                                                        "Available"))
                                                        .findFirst()
                                                        .orElseThrow()
                                                        .getStatus())
                                        .as("the member's own condition agrees")
                                        .isEqualTo("Unknown"));
        assertThat(member).isNotNull();
    }

    static String createMemberAndAwaitToken(String name) {
        FederationMember m = new FederationMember();
        m.getMetadata().setName(name);
        m.getMetadata().setNamespace(NS);
        FederationMemberSpec spec = new FederationMemberSpec();
        spec.setNodeId(name);
        spec.setRole(NodeRole.HYBRID);
        m.setSpec(spec);
        kube.resource(m).create();
        String secret = JoinTokens.secretName(name);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> kube.secrets().inNamespace(NS).withName(secret).get() != null);
        // wait until the hub has the member and its token (its own view), as HubIT does
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                hub.members().byNodeId(name) != null
                                        && !hub.members().byNodeId(name).isDirty());
        Secret s = kube.secrets().inNamespace(NS).withName(secret).get();
        return new String(
                Base64.getDecoder().decode(s.getData().get(JoinTokens.TOKEN_KEY)),
                StandardCharsets.UTF_8);
    }
}
