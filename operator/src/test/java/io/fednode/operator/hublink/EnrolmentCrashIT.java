package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.hub.member.JoinTokens;
import io.fednode.testing.RealApiServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Enrolment that cannot lock a node out (issue 14). The hub runs as its own OS process (HubMain,
 * this test's classpath) against a real API server and is SIGKILLed after it recorded a node's
 * certificate and before it answered; the operator's hub link (in this JVM) dies between receiving
 * a certificate and storing it; a node's certificate expires while its operator is down. Each time
 * the node ends up enrolled with the key it stored before its first attempt and the one join token
 * it was given, without anybody issuing a new one.
 */
class EnrolmentCrashIT {
    static final String HUB_NS = "federation-hub";
    static final String NODE_NS = "hospital-crash";
    static final Duration LIFETIME = Duration.ofSeconds(30);

    @RegisterExtension static final RealApiServer API = new RealApiServer();
    static KubernetesClient kube;
    static Path workDir;
    static Path kubeconfig;
    static int port;
    static int adminPort;
    static Process hub;
    static int hubStarts;
    static final List<HubLinks> operators = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        kube = HubLinkIT.prepare(API, HUB_NS, NODE_NS);
        workDir = Files.createDirectories(Path.of("target", "enrolment-crash-it"));
        kubeconfig = workDir.resolve("kubeconfig");
        Files.deleteIfExists(kubeconfig);
        Files.createFile(
                kubeconfig,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(kubeconfig, API.kubeConfigYaml());
        port = freePort();
        adminPort = freePort();
    }

    @AfterAll
    static void stop() throws Exception {
        for (HubLinks links : operators) {
            links.close();
        }
        if (hub != null && hub.isAlive()) {
            hub.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void hubKilledBetweenRecordingAndAnsweringTheNodeEnrolsOnceWithoutAPerson() throws Exception {
        // A hub that pauses after recording a certificate, so it can be killed exactly there.
        killHub();
        startHub(true);
        FederationMember member = createMember("hospital-c");
        String tokenHash = handOver(member);
        FederationNode node = createNode("hospital-c");
        HubLinks operator = operator();
        operator.ensure(node);

        await().atMost(Duration.ofSeconds(30)).until(() -> recordedSerial("hospital-c") != null);
        String keyBefore = storedKey("hospital-c");
        assertThat(storedChain("hospital-c")).as("no answer reached the node").isEmpty();
        hub.destroyForcibly(); // SIGKILL
        assertThat(hub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(hub.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        startHub(false);
        awaitRegisteredAndConnected(operator, node, Duration.ofSeconds(90));
        assertEnrolledOnce("hospital-c", keyBefore, tokenHash);
        operator.forget(NODE_NS, "hospital-c");
    }

    @Test
    void operatorDiesBetweenReceivingAndStoringTheNodeEnrolsOnceWithoutAPerson() throws Exception {
        ensureHub();
        FederationMember member = createMember("hospital-d");
        String tokenHash = handOver(member);
        FederationNode node = createNode("hospital-d");

        // The first operator dies right after the hub's answer arrived, before storing it.
        HubLinks dying = operator();
        CountDownLatch died = new CountDownLatch(1);
        dying.afterReceive(
                () -> {
                    died.countDown();
                    throw new OperatorDied();
                });
        dying.ensure(node);
        assertThat(died.await(60, TimeUnit.SECONDS)).isTrue();
        dying.close();
        String keyBefore = storedKey("hospital-d");
        assertThat(recordedSerial("hospital-d")).as("the hub recorded a certificate").isNotNull();
        assertThat(storedChain("hospital-d")).as("the operator stored none").isEmpty();

        // A new operator (restart, or the next leader) picks the node up.
        HubLinks next = operator();
        awaitRegisteredAndConnected(next, node, Duration.ofSeconds(60));
        assertEnrolledOnce("hospital-d", keyBefore, tokenHash);

        // Then the operator is down for longer than the certificate lives.
        next.close();
        X509Certificate held = HubLinkIT.certificate(identity("hospital-d"));
        Duration wait =
                Duration.between(Instant.now(), held.getNotAfter().toInstant()).plusSeconds(2);
        if (!wait.isNegative()) {
            Thread.sleep(wait.toMillis());
        }
        assertThat(Instant.now()).isAfter(held.getNotAfter().toInstant());
        HubLinks afterOutage = operator();
        awaitRegisteredAndConnected(afterOutage, node, Duration.ofSeconds(60));
        X509Certificate recovered = HubLinkIT.certificate(identity("hospital-d"));
        assertThat(recovered.getNotAfter()).isAfter(held.getNotAfter());
        HubLinkIT.assertKeyMatches(identity("hospital-d"), recovered);
        assertThat(ledgerLine("hospital-d").path("tokenSha256").asText())
                .as("still the one token handed over")
                .isEqualTo(tokenHash);
        afterOutage.forget(NODE_NS, "hospital-d");
    }

    /** What an operator dying mid-step looks like to its hub link: the step never finishes. */
    static final class OperatorDied extends Error {
        OperatorDied() {
            super("operator died (test)", null, false, false);
        }
    }

    static HubLinks operator() {
        HubLinks links = new HubLinks(kube, "0.1.0-test");
        operators.add(links);
        return links;
    }

    static void awaitRegisteredAndConnected(HubLinks links, FederationNode node, Duration within) {
        await().atMost(within)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            HubLinkStatus s = links.ensure(node);
                            assertThat(s.registered().status())
                                    .as(s.registered().reason() + ": " + s.registered().message())
                                    .isEqualTo("True");
                            assertThat(s.connected().status())
                                    .as(s.connected().message())
                                    .isEqualTo("True");
                        });
    }

    /**
     * The node holds a certificate for the key it stored before its first attempt, the hub's member
     * records that very certificate, and the token is the one handed over (no new one).
     */
    static void assertEnrolledOnce(String nodeId, String keyBefore, String tokenHash)
            throws Exception {
        Secret identity = identity(nodeId);
        assertThat(storedKey(nodeId))
                .as("the key stored before the first attempt")
                .isEqualTo(keyBefore);
        X509Certificate cert = HubLinkIT.certificate(identity);
        HubLinkIT.assertKeyMatches(identity, cert);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(recordedSerial(nodeId))
                                        .isEqualTo(cert.getSerialNumber().toString(16)));
        JsonNode line = ledgerLine(nodeId);
        assertThat(line.path("tokenSha256").asText()).isEqualTo(tokenHash);
        assertThat(line.path("redeemedAt").asText()).isNotEmpty();
    }

    static void killHub() throws Exception {
        if (hub != null && hub.isAlive()) {
            hub.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    static void ensureHub() throws Exception {
        if (hub == null || !hub.isAlive()) {
            startHub(false);
        }
    }

    static void startHub(boolean pauseAfterRecord) throws Exception {
        hubStarts++;
        Path log = workDir.resolve("hub-" + hubStarts + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (pauseAfterRecord) {
            command.add("-Dfednode.hub.testing.pauseAfterRecordMillis=600000");
        }
        command.addAll(
                List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.fednode.hub.HubMain",
                        "--namespace=" + HUB_NS,
                        "--port=" + port,
                        "--admin-port=" + adminPort,
                        "--certificate-lifetime=" + LIFETIME.toSeconds() + "s",
                        "--status-sync-period=200ms"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment()
                .keySet()
                .removeIf(
                        v ->
                                v.startsWith("FEDNODE_")
                                        || v.startsWith("KUBERNETES_")
                                        || v.equals("POD_NAMESPACE")
                                        || v.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
        builder.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        hub = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!hub.isAlive()) {
                throw new AssertionError("the hub exited: " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the hub did not listen within 60 s: " + Files.readString(log));
    }

    static FederationMember createMember(String nodeId) {
        return HubLinkIT.createMember(kube, nodeId);
    }

    /** Copies the hub's token hand-out to the hospital; returns the token's SHA-256 (hex). */
    static String handOver(FederationMember member) throws Exception {
        String name = member.getMetadata().getName();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                kube.secrets()
                                                .inNamespace(HUB_NS)
                                                .withName(JoinTokens.secretName(name))
                                                .get()
                                        != null);
        Secret token =
                kube.secrets().inNamespace(HUB_NS).withName(JoinTokens.secretName(name)).get();
        HubLinkIT.handOver(kube, token, NODE_NS, name + "-join");
        return java.util.HexFormat.of()
                .formatHex(
                        java.security.MessageDigest.getInstance("SHA-256")
                                .digest(HubLinkIT.token(token, "token").getBytes()));
    }

    static FederationNode createNode(String nodeId) {
        FederationNode node =
                HubLinkIT.linkedNode(NODE_NS, nodeId, "https://localhost:" + port)
                        .hubCredentials(nodeId + "-join")
                        .build();
        return kube.resource(node).create();
    }

    static Secret identity(String nodeId) {
        return kube.secrets().inNamespace(NODE_NS).withName(nodeId + "-hub-identity").get();
    }

    static String storedKey(String nodeId) {
        return HubLinkIT.token(identity(nodeId), "tls.key");
    }

    static String storedChain(String nodeId) {
        return HubLinkIT.token(identity(nodeId), "tls.crt");
    }

    static String recordedSerial(String nodeId) {
        FederationMember m =
                kube.resources(FederationMember.class).inNamespace(HUB_NS).withName(nodeId).get();
        return m == null || m.getStatus() == null || m.getStatus().getCertificate() == null
                ? null
                : m.getStatus().getCertificate().getSerialNumber();
    }

    static JsonNode ledgerLine(String member) throws Exception {
        Secret ledger =
                kube.secrets()
                        .inNamespace(HUB_NS)
                        .withName(JoinTokens.ledgerName("fednode-hub-ca"))
                        .get();
        return HubClient.JSON.readTree(HubLinkIT.token(ledger, member));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
