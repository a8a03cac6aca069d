package io.fednode.e2e.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberStatus.MemberCertificate;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.e2e.realnode.PhiCorpus;
import io.fednode.e2e.realnode.RealNodeVolumes;
import io.fednode.testing.Conflicts;
import io.fednode.testing.KwokCluster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's user flow with the hub and the node operator each in its own OS process ({@code java
 * -jar} of the shaded jars), on a kwokctl control plane with real controllers. The hub runs in
 * namespace {@value #HUB_NS} as its chart's ServiceAccount, the operator as the ServiceAccount of
 * {@code manifests/install/}, each from its own kubeconfig (TokenRequest token); both bind to
 * 127.0.0.1. The test plays the two people: the central operator (creates and revokes the
 * FederationMember) and the hospital's admin (hands the join token over, creates the node and a
 * Dataset), and stops and restarts the processes. Everything asserted was written by the hub or the
 * operator: statuses, Events, Secrets, the hub's fleet API and metrics, the processes' logs.
 *
 * <p>The steps build on each other and run in order: enrolment; the operator stopped (heartbeats
 * stop, the member turns Unknown) and restarted (no second enrolment); the hub stopped (the node
 * says so and keeps working) and restarted with a 30 s certificate lifetime; certificate renewal;
 * revocation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HubConnectivityE2EIT {
    static final String HUB_NS = "fednode-hub";
    static final String HOSPITAL_NS = "hospital-a";
    static final String OPERATOR_NS = "fednode-system";
    static final String NODE = "hospital-a";
    static final String MEMBER = "hospital-a";
    static final String DATASET = "chest-ct";
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final int MISSED_HEARTBEATS = 5;

    /**
     * The first hub's certificate lifetime: long enough that the node's certificate outlives the
     * operator and hub outages of steps 2 and 3 (it is renewed at two thirds, ~95 s in), short
     * enough that the renewal comes soon after.
     */
    static final String FIRST_LIFETIME = "150s";

    /** The restarted hub's lifetime: the node renews every ~20 s. */
    static final String SHORT_LIFETIME = "30s";

    static final Duration SHORT_LIFETIME_BOUND = Duration.ofSeconds(60);

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.sharedWithRealNode();
    @RegisterExtension static final ProcessLogTails LOGS = new ProcessLogTails();

    @TempDir static Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static FederationProcesses processes;
    private static JarProcess hub;
    private static JarProcess operator;
    private static int hubPort;
    private static int adminPort;
    private static int stepsPassed;
    private static RealNodeVolumes volumes;
    private static Path hubKubeconfig;
    private static Path operatorKubeconfig;

    /** What the flow handled that its logs must not hold (step 6). */
    private static String joinToken;

    private static PhiCorpus corpus;

    @BeforeAll
    static void installAndStart() throws Exception {
        processes =
                FederationProcesses.install(
                        CLUSTER,
                        LOGS,
                        tmp,
                        Path.of("target", "hub-connectivity-e2e").toAbsolutePath(),
                        HUB_NS,
                        HOSPITAL_NS,
                        OPERATOR_NS,
                        NODE);
        hub = processes.hub;
        operator = processes.operator;
        hubPort = processes.hubPort;
        adminPort = processes.adminPort;
        volumes = processes.volumes;
        hubKubeconfig = processes.hubKubeconfig;
        operatorKubeconfig = processes.operatorKubeconfig;
        startHub(FIRST_LIFETIME);
        startOperator();
    }

    @AfterAll
    static void stopProcesses() {
        if (operator != null) {
            operator.stop();
        }
        if (hub != null) {
            hub.stop();
        }
    }

    @Test
    @Order(1)
    void memberGetsATokenTheNodeEnrolsAndHeartbeats() throws Exception {
        beginStep(1);
        FederationMember member = processes.createMember(MEMBER);

        // The hub issues the join token next to the member and says so in the member's status.
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Secret token = joinTokenSecret();
                            assertThat(token).as("the hub's join token Secret").isNotNull();
                            assertThat(token.getData()).containsKeys("token", "ca.crt");
                            assertThat(token.getMetadata().getLabels())
                                    .containsEntry("app.kubernetes.io/managed-by", "fednode-hub");
                            assertThat(token.getMetadata().getOwnerReferences())
                                    .singleElement()
                                    .satisfies(
                                            o ->
                                                    assertThat(o.getUid())
                                                            .isEqualTo(
                                                                    member.getMetadata().getUid()));
                            Condition enrolled = memberCondition("Enrolled");
                            assertThat(enrolled.getStatus()).isEqualTo(ConditionTypes.FALSE);
                            assertThat(enrolled.getReason()).isEqualTo("AwaitingEnrolment");
                        });

        // Out of band: the central operator hands token and CA to the hospital.
        Secret token = joinTokenSecret();
        joinToken = decode(token.getData().get("token"));
        processes.handOverJoinToken(token);
        processes.createNode(INTERVAL);

        await().atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertNodeCondition(
                                    FederationNodeConditions.REGISTERED,
                                    ConditionTypes.TRUE,
                                    "Enrolled");
                            assertNodeCondition(
                                    FederationNodeConditions.CONNECTED,
                                    ConditionTypes.TRUE,
                                    "HeartbeatAcknowledged");
                            assertNodeCondition(ConditionTypes.READY, ConditionTypes.TRUE, null);
                        });
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertMemberCondition("Enrolled", ConditionTypes.TRUE, "Enrolled");
                            assertMemberCondition(
                                    "Available", ConditionTypes.TRUE, "HeartbeatReceived");
                            assertMemberCondition(ConditionTypes.READY, ConditionTypes.TRUE, null);
                            var status = member().getStatus();
                            assertThat(status.getHeartbeatIntervalSeconds())
                                    .isEqualTo((int) INTERVAL.toSeconds());
                            assertThat(status.getLastHeartbeat()).isNotBlank();
                            assertThat(status.getVersion()).isNotBlank();
                            assertThat(status.getRole()).isEqualTo(NodeRole.DATA);
                            // The certificate the hub recorded is the one the node holds.
                            X509Certificate held = nodeCertificate();
                            assertThat(status.getCertificate().getSerialNumber())
                                    .isEqualTo(held.getSerialNumber().toString(16));
                            assertThat(Instant.parse(status.getCertificate().getNotAfter()))
                                    .isEqualTo(held.getNotAfter().toInstant());
                            assertThat(fleetRow().path("health").asText()).isEqualTo("AVAILABLE");
                        });

        // The node's identity: its key stays in the hospital; the certificate is the federation
        // CA's, for this nodeId only.
        Secret identity = identitySecret();
        assertThat(identity.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(identity.getData()).containsKeys("tls.key", "tls.crt", "ca.crt");
        X509Certificate certificate = nodeCertificate();
        X509Certificate ca = certificates(decode(token.getData().get("ca.crt"))).get(0);
        certificate.verify(ca.getPublicKey());
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=" + NODE);
        assertThat(
                        Duration.between(
                                certificate.getNotBefore().toInstant(),
                                certificate.getNotAfter().toInstant()))
                .as("the first hub signs with --certificate-lifetime=" + FIRST_LIFETIME)
                .isBetween(Duration.ofSeconds(150), Duration.ofSeconds(180));
        // The token is single-use: burnt at enrolment, and no new one is issued.
        assertTokenBurntAndNotReissued();
        assertThat(memberEvents("Enrolled")).singleElement();
        stepsPassed = 1;
    }

    @Test
    @Order(2)
    void stoppedHeartbeatsMakeTheMemberUnknownAndTheRestartedOperatorResumesWithoutEnrolling()
            throws Exception {
        beginStep(2);
        String serialBefore = nodeCertificate().getSerialNumber().toString(16);
        operator.stop();

        Duration allowed = INTERVAL.multipliedBy(MISSED_HEARTBEATS);
        await().atMost(allowed.plus(Duration.ofMinutes(1)))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Condition available =
                                    assertMemberCondition(
                                            "Available",
                                            ConditionTypes.UNKNOWN,
                                            "HeartbeatsStopped");
                            assertThat(available.getMessage())
                                    .contains(
                                            MISSED_HEARTBEATS + " x " + INTERVAL.toSeconds() + "s");
                            // Not before 5 intervals of silence (times are in whole seconds).
                            Instant last = Instant.parse(member().getStatus().getLastHeartbeat());
                            Instant turned = Instant.parse(available.getLastTransitionTime());
                            assertThat(Duration.between(last, turned))
                                    .isGreaterThanOrEqualTo(allowed.minusSeconds(1));
                            assertThat(memberEvents("HeartbeatsStopped"))
                                    .singleElement()
                                    .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
                            assertThat(fleetRow().path("health").asText()).isEqualTo("UNKNOWN");
                        });

        startOperator();
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertMemberCondition(
                                    "Available", ConditionTypes.TRUE, "HeartbeatReceived");
                            assertNodeCondition(
                                    FederationNodeConditions.CONNECTED,
                                    ConditionTypes.TRUE,
                                    "HeartbeatAcknowledged");
                        });
        // The restarted operator used the identity in <node>-hub-identity: the same certificate,
        // or (if it fell due meanwhile) one renewed from it, never a second enrolment.
        String serialNow = nodeCertificate().getSerialNumber().toString(16);
        MemberCertificate recorded = member().getStatus().getCertificate();
        assertThat(recorded.getSerialNumber()).isEqualTo(serialNow);
        if (!serialNow.equals(serialBefore)) {
            assertThat(recorded.getPreviousSerialNumber())
                    .as("a changed certificate must be a renewal of the one held before")
                    .isEqualTo(serialBefore);
        }
        assertThat(memberEvents("Enrolled")).as("enrolments recorded by the hub").hasSize(1);
        assertThat(hubRequests("enrol"))
                .as("enrolment requests the hub received, whatever their answer")
                .isEqualTo(1);
        assertThat(operator.log()).doesNotContain("enrolled with the hub");
        assertTokenBurntAndNotReissued();
        stepsPassed = 2;
    }

    @Test
    @Order(3)
    void withTheHubDownTheNodeSaysSoAndKeepsWorkingThenReconnects() throws Exception {
        beginStep(3);
        Condition readyBefore = nodeCondition(ConditionTypes.READY);
        assertThat(readyBefore.getStatus()).isEqualTo(ConditionTypes.TRUE);
        Map<String, String> caBefore = caSecret().getData();
        hub.stop();

        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Condition connected =
                                    assertNodeCondition(
                                            FederationNodeConditions.CONNECTED,
                                            ConditionTypes.FALSE,
                                            "HubUnreachable");
                            assertThat(connected.getMessage())
                                    .contains("https://127.0.0.1:" + hubPort)
                                    .contains("keeps working locally");
                        });

        // The node's own work goes on: a Dataset created now is anonymised on the real node.
        corpus = PhiCorpus.write(volumes.folder("raw").resolve("imports/2026-11/chest-ct"));
        admin().resource(
                        Serialization.unmarshal(
                                """
                                apiVersion: fednode.io/v1alpha1
                                kind: Dataset
                                metadata: {name: %s, namespace: %s}
                                spec:
                                  nodeRef: %s
                                  source: {path: imports/2026-11/chest-ct}
                                """
                                        .formatted(DATASET, HOSPITAL_NS, NODE),
                                Dataset.class))
                .create();
        await().atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Dataset ds =
                                    admin().resources(Dataset.class)
                                            .inNamespace(HOSPITAL_NS)
                                            .withName(DATASET)
                                            .get();
                            Condition ready = find(ds.getStatus().getConditions(), "Ready");
                            assertThat(ready.getStatus()).isEqualTo(ConditionTypes.TRUE);
                            assertThat(ready.getReason()).isEqualTo("Anonymised");
                            assertThat(ds.getStatus().getFiles().getWritten())
                                    .isEqualTo(corpus.files().size());
                        });
        List<Path> written = corpus.assertAnonymised(volumes.folder("anonymised").resolve(DATASET));
        long bytesWritten = written.stream().mapToLong(f -> f.toFile().length()).sum();
        assertThat(hub.alive()).as("the hub is still down").isFalse();
        assertNodeCondition(
                FederationNodeConditions.CONNECTED, ConditionTypes.FALSE, "HubUnreachable");
        Condition readyDuring = nodeCondition(ConditionTypes.READY);
        assertThat(readyDuring.getStatus()).isEqualTo(ConditionTypes.TRUE);
        assertThat(readyDuring.getLastTransitionTime())
                .as("Ready did not flip during the outage")
                .isEqualTo(readyBefore.getLastTransitionTime());

        // Same ports, same CA (read back from its Secret); from now on 30 s certificates.
        startHub(SHORT_LIFETIME);
        assertThat(hub.log())
                .contains("using the federation CA in Secret " + HUB_NS)
                .doesNotContain("generated a new federation CA");
        await().atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertNodeCondition(
                                    FederationNodeConditions.CONNECTED,
                                    ConditionTypes.TRUE,
                                    "HeartbeatAcknowledged");
                            assertThat(fleetRow().path("health").asText()).isEqualTo("AVAILABLE");
                            assertThat(fleetRow().path("lastHeartbeat").asText()).isNotBlank();
                            // What the node did during the outage reaches the hub with the next
                            // heartbeats: the Dataset's summary, never its contents.
                            var datasets = member().getStatus().getDatasets();
                            assertThat(datasets.getNames()).containsExactly(DATASET);
                            assertThat(datasets.getFiles()).isEqualTo(written.size());
                            assertThat(datasets.getBytes()).isEqualTo(bytesWritten);
                        });
        assertThat(caSecret().getData()).isEqualTo(caBefore);
        assertThat(nodeCondition(ConditionTypes.READY).getLastTransitionTime())
                .isEqualTo(readyBefore.getLastTransitionTime());
        stepsPassed = 3;
    }

    @Test
    @Order(4)
    void theNodeRenewsItsShortLivedCertificateAndKeepsHeartbeating() throws Exception {
        beginStep(4);
        // The first certificate the restarted hub signs (a renewal at two thirds of the 150 s one).
        await().atMost(Duration.ofMinutes(3))
                .ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(lifetime(nodeCertificate()))
                                        .isLessThan(SHORT_LIFETIME_BOUND));
        X509Certificate first = nodeCertificate();
        // ...and the next one, renewed two thirds into the first.
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(nodeCertificate().getSerialNumber())
                                        .isNotEqualTo(first.getSerialNumber()));
        Instant renewedSeen = Instant.now();
        X509Certificate second = nodeCertificate();
        assertThat(lifetime(second)).isLessThan(SHORT_LIFETIME_BOUND);
        assertThat(second.getNotAfter()).isAfter(first.getNotAfter());

        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            MemberCertificate recorded = member().getStatus().getCertificate();
                            String serial = nodeCertificate().getSerialNumber().toString(16);
                            assertThat(recorded.getSerialNumber()).isEqualTo(serial);
                            assertThat(Instant.parse(recorded.getNotAfter()))
                                    .isEqualTo(nodeCertificate().getNotAfter().toInstant())
                                    .isAfterOrEqualTo(second.getNotAfter().toInstant());
                            assertThat(recorded.getPreviousSerialNumber()).isNotBlank();
                            assertThat(memberEvents("CertificateRenewed").size())
                                    .isGreaterThanOrEqualTo(2);
                            // Heartbeats signed with the new certificate are accepted.
                            JsonNode row = fleetRow();
                            assertThat(row.path("health").asText()).isEqualTo("AVAILABLE");
                            assertThat(Instant.parse(row.path("lastHeartbeat").asText()))
                                    .isAfter(renewedSeen);
                            assertThat(Instant.parse(row.path("certificateNotAfter").asText()))
                                    .isEqualTo(Instant.parse(recorded.getNotAfter()));
                            assertNodeCondition(
                                    FederationNodeConditions.CONNECTED,
                                    ConditionTypes.TRUE,
                                    "HeartbeatAcknowledged");
                            assertNodeCondition(
                                    FederationNodeConditions.REGISTERED,
                                    ConditionTypes.TRUE,
                                    "Enrolled");
                        });
        assertThat(memberEvents("Enrolled")).as("renewal is not re-enrolment").hasSize(1);
        stepsPassed = 4;
    }

    @Test
    @Order(5)
    void aRevokedMemberIsRefused() {
        beginStep(5);
        Conflicts.edit(
                admin().resources(FederationMember.class).inNamespace(HUB_NS).withName(MEMBER),
                m -> {
                    m.getSpec().setRevoked(true);
                    return m;
                });

        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Condition connected =
                                    assertNodeCondition(
                                            FederationNodeConditions.CONNECTED,
                                            ConditionTypes.FALSE,
                                            "RefusedByHub");
                            assertThat(connected.getMessage()).contains("403");
                            assertMemberCondition("Available", ConditionTypes.FALSE, "Revoked");
                            assertMemberCondition(ConditionTypes.READY, ConditionTypes.FALSE, null);
                            assertThat(fleetRow().path("health").asText()).isEqualTo("REVOKED");
                            assertThat(hubRequests("heartbeat", "403")).isPositive();
                            assertThat(memberEvents("Revoked"))
                                    .isNotEmpty()
                                    .allSatisfy(e -> assertThat(e.getType()).isEqualTo("Warning"));
                        });
        // Refused by the hub, the node still works locally.
        assertNodeCondition(ConditionTypes.READY, ConditionTypes.TRUE, null);
        stepsPassed = 5;
    }

    /**
     * The logs of the whole flow, every run of both processes: each line a JSON object with the
     * fields docs/operator.md and docs/hub.md list, lines about a resource naming it in the MDC,
     * and no secret material in any of them (LogSecretScan): the join token, the node's and the
     * CA's private keys, the pseudonymisation key, the ServiceAccount tokens, PEM blocks, bearer
     * tokens, the raw input paths, file names and PHI of the DICOM data.
     */
    @Test
    @Order(6)
    void theFlowsLogsAreJsonLinesAndHoldNoSecretMaterial() throws Exception {
        beginStep(6);
        // Stopped first, so that what they log on the way out is read too.
        operator.stop();
        hub.stop();
        List<Path> files = new java.util.ArrayList<>(operator.logFiles());
        files.addAll(hub.logFiles());
        assertThat(files).hasSize(4); // two runs of each (steps 2 and 3 restarted them)

        List<JsonNode> operatorLines = new java.util.ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            assertThat(lines.get(0)).as("the command line JarProcess writes").startsWith("$ ");
            assertThat(lines.size()).as(file + " has log lines").isGreaterThan(1);
            for (String line : lines.subList(1, lines.size())) {
                JsonNode json = LogSecretScan.parse(line);
                assertThat(json).as("a JSON object: %s", file.getFileName()).isNotNull();
                assertThat(json.path("timestamp").isIntegralNumber()).isTrue();
                assertThat(json.path("level").asText())
                        .isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
                assertThat(json.path("loggerName").asText()).isNotBlank();
                assertThat(json.path("threadName").asText()).isNotBlank();
                assertThat(json.path("formattedMessage").isTextual()).isTrue();
                assertThat(json.path("mdc").isObject()).isTrue();
                if (file.getFileName().toString().startsWith("operator")) {
                    operatorLines.add(json);
                }
            }
        }
        // Logged inside JOSDK's reconcile of the Dataset (step 3): JOSDK's MDC.
        assertThat(operatorLines)
                .filteredOn(
                        j ->
                                j.path("formattedMessage")
                                        .asText()
                                        .startsWith("event Normal JobCreated on Dataset "))
                .isNotEmpty()
                .allSatisfy(j -> assertResourceInMdc(j, "Dataset", DATASET));
        // Logged by a dependent of the node's reconcile (JOSDK's workflow threads, step 1).
        assertThat(operatorLines)
                .filteredOn(
                        j ->
                                j.path("formattedMessage")
                                        .asText()
                                        .startsWith("event Normal VolumeClaimCreated on "))
                .hasSize(3)
                .allSatisfy(j -> assertResourceInMdc(j, "FederationNode", NODE));
        // Logged by the node's hub link (its own thread, step 1): the same keys.
        assertThat(operatorLines)
                .filteredOn(j -> j.path("formattedMessage").asText().contains("enrolled with the"))
                .singleElement()
                .satisfies(j -> assertResourceInMdc(j, "FederationNode", NODE));

        LogSecretScan scan =
                new LogSecretScan()
                        .secret("the join token", joinToken)
                        .pem(
                                "the node's private key",
                                decode(identitySecret().getData().get("tls.key")))
                        .pem(
                                "the federation CA's private key",
                                decode(caSecret().getData().get("tls.key")))
                        .secret("the hub's ServiceAccount token", tokenIn(hubKubeconfig))
                        .secret("the operator's ServiceAccount token", tokenIn(operatorKubeconfig))
                        .secret("the Dataset's input path", "imports/2026-11/chest-ct")
                        .secret(
                                "the input folder on the node",
                                volumes.folder("raw")
                                        .resolve("imports/2026-11/chest-ct")
                                        .toString());
        String pseudonymKey =
                admin().secrets()
                        .inNamespace(HOSPITAL_NS)
                        .withName(NODE + "-pseudonym-key")
                        .get()
                        .getData()
                        .get("key");
        scan.secret("the pseudonymisation key (base64)", pseudonymKey)
                .secret(
                        "the pseudonymisation key (hex)",
                        java.util.HexFormat.of()
                                .formatHex(Base64.getDecoder().decode(pseudonymKey)));
        for (Path input : corpus.files()) {
            scan.secret("an input file's name", input.getFileName().toString());
        }
        corpus.phi().stream()
                .filter(v -> v.length() >= LogSecretScan.MIN_SECRET_LENGTH)
                .forEach(v -> scan.secret("a PHI value of the input", v));
        assertThat(scan.scan(files)).as("secret material in the logs").isEmpty();
        stepsPassed = 6;
    }

    private static void assertResourceInMdc(JsonNode line, String kind, String name) {
        JsonNode mdc = line.path("mdc");
        assertThat(mdc.path("resource.kind").asText())
                .as("resource.kind in " + mdc)
                .isEqualTo(kind);
        assertThat(mdc.path("resource.namespace").asText()).isEqualTo(HOSPITAL_NS);
        assertThat(mdc.path("resource.name").asText()).isEqualTo(name);
    }

    /** The TokenRequest token ServiceAccountKubeconfig wrote ({@code token: ...}). */
    private static String tokenIn(Path kubeconfig) throws IOException {
        var m =
                java.util.regex.Pattern.compile("(?m)^\\s*token: (\\S+)$")
                        .matcher(Files.readString(kubeconfig));
        assertThat(m.find()).as("a token in " + kubeconfig).isTrue();
        return m.group(1);
    }

    // ---- the processes

    private static void startHub(String certificateLifetime) {
        processes.startHub(certificateLifetime, MISSED_HEARTBEATS);
    }

    /** The operator's HTTP server (metrics, health) is not needed here and is turned off. */
    private static void startOperator() {
        processes.startOperator(List.of("--http-port=-1"));
    }

    // ---- what the hub and the operator wrote

    private static FederationMember member() {
        return admin().resources(FederationMember.class).inNamespace(HUB_NS).withName(MEMBER).get();
    }

    private static FederationNode node() {
        return admin().resources(FederationNode.class)
                .inNamespace(HOSPITAL_NS)
                .withName(NODE)
                .get();
    }

    private static Secret joinTokenSecret() {
        return processes.joinTokenSecret(MEMBER);
    }

    /**
     * The hub keeps only the token's SHA-256, in its ledger: redeemed, and still the hash of the
     * token handed out (no new token was issued). The hand-out itself the hub cannot delete.
     */
    private static void assertTokenBurntAndNotReissued() throws Exception {
        Secret ledger =
                admin().secrets().inNamespace(HUB_NS).withName("fednode-hub-ca-join-tokens").get();
        JsonNode line =
                new ObjectMapper()
                        .readTree(Base64.getDecoder().decode(ledger.getData().get(MEMBER)));
        assertThat(line.path("redeemedAt").asText()).as("the join token is burnt").isNotEmpty();
        String handedOut = decode(joinTokenSecret().getData().get("token"));
        assertThat(line.path("tokenSha256").asText())
                .as("no new join token was issued")
                .isEqualTo(
                        java.util.HexFormat.of()
                                .formatHex(
                                        java.security.MessageDigest.getInstance("SHA-256")
                                                .digest(
                                                        handedOut.getBytes(
                                                                StandardCharsets.UTF_8))));
    }

    private static Secret identitySecret() {
        return admin().secrets().inNamespace(HOSPITAL_NS).withName(NODE + "-hub-identity").get();
    }

    private static Secret caSecret() {
        return admin().secrets().inNamespace(HUB_NS).withName("fednode-hub-ca").get();
    }

    private static X509Certificate nodeCertificate() throws Exception {
        return certificates(decode(identitySecret().getData().get("tls.crt"))).get(0);
    }

    private static Condition memberCondition(String type) {
        return find(member().getStatus().getConditions(), type);
    }

    private static Condition nodeCondition(String type) {
        return find(node().getStatus().getConditions(), type);
    }

    private static Condition assertMemberCondition(String type, String status, String reason) {
        return assertCondition(memberCondition(type), status, reason);
    }

    private static Condition assertNodeCondition(String type, String status, String reason) {
        return assertCondition(nodeCondition(type), status, reason);
    }

    private static Condition assertCondition(Condition c, String status, String reason) {
        assertThat(c.getStatus()).as(c.getType() + " (" + c.getMessage() + ")").isEqualTo(status);
        if (reason != null) {
            assertThat(c.getReason()).as(c.getType() + " reason").isEqualTo(reason);
        }
        return c;
    }

    private static Condition find(List<Condition> conditions, String type) {
        return conditions.stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    /** Events about the member with this reason, as the hub recorded them. */
    private static List<Event> memberEvents(String reason) {
        String uid = member().getMetadata().getUid();
        return admin().v1().events().inNamespace(HUB_NS).list().getItems().stream()
                .filter(e -> uid.equals(e.getInvolvedObject().getUid()))
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }

    /** The node's row in the hub's fleet API ({@code GET /api/v1/fleet} on the admin port). */
    private static JsonNode fleetRow() throws Exception {
        JsonNode fleet = JSON.readTree(get("/api/v1/fleet"));
        for (JsonNode row : fleet.path("members")) {
            if (NODE.equals(row.path("nodeId").asText())) {
                return row;
            }
        }
        throw new AssertionError("the fleet API does not list " + NODE + ": " + fleet);
    }

    /** Requests to one hub endpoint since the hub started, from its Prometheus metrics. */
    private static long hubRequests(String endpoint, String... status) throws Exception {
        long total = 0;
        for (String line : get("/metrics").split("\n")) {
            if (line.startsWith("fednode_hub_requests_seconds_count{")
                    && line.contains("endpoint=\"" + endpoint + "\"")
                    && (status.length == 0 || line.contains("status=\"" + status[0] + "\""))) {
                total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
        return response.body();
    }

    // ---- set-up

    /** Static volumes of a no-provisioner class (kwok has no provisioner) for the node's claims. */
    private static void beginStep(int step) {
        assertThat(stepsPassed)
                .as("step %d needs steps 1..%d to have passed", step, step - 1)
                .isEqualTo(step - 1);
    }

    private static Duration lifetime(X509Certificate c) {
        return Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
    }

    private static List<X509Certificate> certificates(String pem) throws Exception {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(
                        new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                .stream()
                .map(X509Certificate.class::cast)
                .toList();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static KubernetesClient admin() {
        return CLUSTER.client();
    }
}
