package io.fednode.operator.node;

import static io.fednode.fixtures.ConditionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.common.SecretKeyRef;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.fixtures.FederationNodes;
import io.fednode.hub.Hub;
import io.fednode.hub.HubConfig;
import io.fednode.hub.member.JoinTokens;
import io.fednode.operator.OperatorSettings;
import io.fednode.operator.hublink.HubLinkIT;
import io.fednode.testing.Conflicts;
import io.fednode.testing.FakeVolumeController;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.RealApiServer;
import io.fednode.testing.ServiceAccountClients;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas of the operator, each a separate JVM (as two Pods of the Deployment during a rolling
 * update), configured as the chart's Deployment configures them and authenticated as the chart's
 * ServiceAccount against a real kube-apiserver. One leads; the other does nothing until the leader
 * is killed (SIGKILL: no lease release), then takes over within the lease time; the node's key and
 * claims are made once, by whichever leads. The node is linked to a real hub (in this JVM, on
 * 127.0.0.1): the leader enrols it with its join token, the standby sends the hub nothing, and the
 * new leader carries on heartbeating with the certificate the first one obtained (no second
 * enrolment, no new key, the token redeemed once).
 */
class LeaderElectionIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final String NS = "hospital-le";
    static final String NODE = "hospital-le";

    /** JOSDK's default lease duration and retry period (LeaderElectionConfiguration). */
    static final Duration LEASE = Duration.ofSeconds(15);

    static final Duration RETRY = Duration.ofSeconds(2);

    static final String HUB_NS = "federation-hub";

    /** The node's heartbeat interval (spec.connectivity.heartbeatInterval). */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private final List<Replica> replicas = new ArrayList<>();
    private Hub hub;

    record Replica(String identity, Process process, int port, Path log) {
        double reconciliationsStarted() throws Exception {
            return metric(port, "operator_sdk_reconciliations_started_total", "");
        }

        /** The HTTP status of its {@code /readyz}. */
        int readyz() throws Exception {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/readyz"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        }
    }

    /** The sum of a Prometheus metric's samples whose line contains {@code label}. */
    static double metric(int port, String name, String label) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body()
                .lines()
                .filter(l -> l.startsWith(name))
                .filter(l -> l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @AfterEach
    void stopReplicas() throws Exception {
        for (Replica r : replicas) {
            r.process().destroyForcibly().waitFor();
        }
        if (hub != null) {
            hub.close();
        }
    }

    /** A real hub for the node, with a member and its join token handed to the hospital. */
    Hub startHub() throws Exception {
        API.installCrd(Path.of("../crds/federationmembers.fednode.io-v1.yml"));
        Nodes.namespace(API.client(), HUB_NS);
        hub =
                new Hub(
                                API.client(),
                                HubConfig.builder()
                                        .namespace(HUB_NS)
                                        .port(0)
                                        .adminPort(0)
                                        .statusRefresh(Duration.ofMinutes(10))
                                        .statusSyncPeriod(Duration.ofMillis(200))
                                        .build())
                        .start();
        FederationMember m = new FederationMember();
        m.getMetadata().setName(NODE);
        m.getMetadata().setNamespace(HUB_NS);
        FederationMemberSpec spec = new FederationMemberSpec();
        spec.setNodeId(NODE);
        spec.setRole(NodeRole.DATA);
        m.setSpec(spec);
        API.client().resource(m).create();
        String tokenSecret = JoinTokens.secretName(NODE);
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                API.client()
                                                .secrets()
                                                .inNamespace(HUB_NS)
                                                .withName(tokenSecret)
                                                .get()
                                        != null);
        Secret token = API.client().secrets().inNamespace(HUB_NS).withName(tokenSecret).get();
        // The central operators hand the token and the CA bundle to the hospital out of band.
        HubLinkIT.handOver(API.client(), token, NS, "hub-join");
        return hub;
    }

    /** Requests the hub answered on its node API for one endpoint (its own metrics). */
    double hubRequests(String endpoint) throws Exception {
        return metric(
                hub.adminPort(),
                "fednode_hub_requests_seconds_count{",
                "endpoint=\"" + endpoint + "\"");
    }

    /** When the hub last accepted a heartbeat from the node (its own record). */
    Instant lastHeartbeat() {
        return hub.members().byNodeId(NODE).lastHeartbeat();
    }

    static String memberSerial() {
        FederationMember m =
                API.client()
                        .resources(FederationMember.class)
                        .inNamespace(HUB_NS)
                        .withName(NODE)
                        .get();
        return m.getStatus().getCertificate().getSerialNumber();
    }

    /** The member's line in the hub's join token ledger. */
    static JsonNode ledgerLine() throws Exception {
        Secret ledger =
                API.client()
                        .secrets()
                        .inNamespace(HUB_NS)
                        .withName(JoinTokens.ledgerName("fednode-hub-ca"))
                        .get();
        return new ObjectMapper().readTree(Base64.getDecoder().decode(ledger.getData().get(NODE)));
    }

    /** SHA-256 (hex) of each entry of a Secret, to compare them without printing them. */
    static Map<String, String> digests(Secret s) throws Exception {
        Map<String, String> digests = new HashMap<>();
        for (Map.Entry<String, String> e : s.getData().entrySet()) {
            digests.put(
                    e.getKey(),
                    HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256")
                                            .digest(Base64.getDecoder().decode(e.getValue()))));
        }
        return digests;
    }

    static long hubEvents(String reason) {
        return API.client().v1().events().inNamespace(HUB_NS).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .mapToLong(e -> e.getCount() == null ? 1 : e.getCount())
                .sum();
    }

    /** The operator container's environment as the chart renders it. */
    static Map<String, String> chartEnvironment(Path rendered) throws Exception {
        try (InputStream in = Files.newInputStream(rendered.resolve("03-deployment.yaml"))) {
            Deployment d =
                    API.client().load(in).items().stream()
                            .filter(Deployment.class::isInstance)
                            .map(Deployment.class::cast)
                            .findFirst()
                            .orElseThrow();
            return d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .filter(e -> e.getValue() != null)
                    .filter(e -> e.getName().startsWith("FEDNODE_"))
                    .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        }
    }

    Replica start(String identity, Map<String, String> chartEnv) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile(Path.of("target"), "operator-" + identity, ".log");
        ProcessBuilder pb =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx256m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "io.fednode.operator.OperatorMain",
                                "--http-bind-address=127.0.0.1",
                                "--http-port=" + port)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.putAll(chartEnv);
        env.put("POD_NAMESPACE", InstalledOperator.NAMESPACE);
        env.put("HOSTNAME", identity); // a Pod's name, the leader-election identity
        // fabric8's configuration from the environment: the ServiceAccount's token only.
        Config admin = Config.fromKubeconfig(API.kubeConfigYaml());
        try (KubernetesClient sa =
                ServiceAccountClients.clientAs(
                        API.client(),
                        API.kubeConfigYaml(),
                        InstalledOperator.NAMESPACE,
                        InstalledOperator.SERVICE_ACCOUNT)) {
            env.put("KUBERNETES_AUTH_TOKEN", sa.getConfiguration().getOauthToken());
        }
        env.put("KUBERNETES_MASTER", admin.getMasterUrl());
        if (admin.getCaCertData() != null) {
            env.put("KUBERNETES_CERTS_CA_DATA", admin.getCaCertData());
        } else {
            env.put("KUBERNETES_CERTS_CA_FILE", admin.getCaCertFile());
        }
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("KUBECONFIG", "/nonexistent");
        Replica r = new Replica(identity, pb.start(), port, log);
        replicas.add(r);
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertThat(r.process().isAlive())
                                    .as("%s is running; log %s", identity, log)
                                    .isTrue();
                            r.reconciliationsStarted();
                        });
        return r;
    }

    static FederationNode currentNode() {
        return API.client().resources(FederationNode.class).inNamespace(NS).withName(NODE).get();
    }

    static String holder() {
        Lease lease =
                API.client()
                        .leases()
                        .inNamespace(InstalledOperator.NAMESPACE)
                        .withName(OperatorSettings.LEASE_NAME)
                        .get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    static long events(String reason) {
        return API.client().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .mapToLong(e -> e.getCount() == null ? 1 : e.getCount())
                .sum();
    }

    static Map<String, String> uids(List<? extends HasMetadata> objects) {
        Map<String, String> uids = new HashMap<>();
        objects.forEach(o -> uids.put(o.getMetadata().getName(), o.getMetadata().getUid()));
        return uids;
    }

    @Test
    void oneReplicaLeadsAndTheOtherTakesOverWithinTheLeaseWhenItIsKilled() throws Exception {
        Path rendered = OperatorManifests.applyAllButDeployment(API.client(), List.of(NS));
        Map<String, String> chartEnv = chartEnvironment(rendered);
        startHub();

        Replica a = start("operator-a", chartEnv);
        await().atMost(LEASE.plus(Duration.ofSeconds(30)))
                .untilAsserted(
                        () ->
                                assertThat(holder())
                                        .as("the Lease's holder (leader election is on)")
                                        .isEqualTo("operator-a"));
        Replica b = start("operator-b", chartEnv);

        FederationNode node = FederationNodes.hospital(NS, NODE, NodeRole.DATA).build();
        node.getSpec().getHub().setEndpoint("https://127.0.0.1:" + hub.nodePort());
        node.getSpec().getHub().setCaBundleSecretRef(new SecretKeyRef("hub-join", "ca.crt"));
        node.getSpec().getConnectivity().setHeartbeatInterval(HEARTBEAT.toSeconds() + "s");
        API.client().resource(node).create();
        for (String volume : List.of("raw", "anonymised", "scratch")) {
            FakeVolumeController.bind(API.client(), NS, NODE + "-" + volume);
        }
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            FederationNode n = currentNode();
                            assertThat(n)
                                    .hasCondition("Ready", "True")
                                    .hasCondition("Registered", "True")
                                    .hasCondition("Connected", "True");
                        });
        Secret key = API.client().secrets().inNamespace(NS).withName(NODE + "-pseudonym-key").get();
        Map<String, String> claims =
                uids(API.client().persistentVolumeClaims().inNamespace(NS).list().getItems());
        assertThat(claims).hasSize(3);
        assertThat(a.reconciliationsStarted()).isPositive();
        assertThat(b.reconciliationsStarted()).as("the standby reconciles nothing").isZero();
        assertThat(holder()).isEqualTo("operator-a");
        // Both synced replicas are ready, the standby too: a rolling update needs the new Pod
        // ready before it stops the old leader (UpgradeFromPreviousReleaseE2EIT).
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(a.readyz()).as("leader /readyz").isEqualTo(200));
        assertThat(b.readyz()).as("standby /readyz").isEqualTo(200);

        // The leader enrolled the node once; the hub keeps what it issued.
        Secret identity =
                API.client().secrets().inNamespace(NS).withName(NODE + "-hub-identity").get();
        assertThat(identity.getData()).containsKeys("tls.key", "tls.crt");
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.members().byNodeId(NODE) != null);
        String serial = memberSerial();
        assertThat(serial).isNotEmpty();
        String redeemedAt = ledgerLine().path("redeemedAt").asText();
        assertThat(redeemedAt).as("join token redeemed").isNotEmpty();

        // While it is standby the other replica sends the hub nothing: one enrolment, no
        // renewal, and heartbeats at the rate of one sender (two would send at least 4 in 12 s).
        double heartbeatsBefore = hubRequests("heartbeat");
        Thread.sleep(12_000);
        double standbyWindow = hubRequests("heartbeat") - heartbeatsBefore;
        System.out.printf("heartbeats accepted in 12 s with a standby: %.0f%n", standbyWindow);
        assertThat(standbyWindow)
                .as("heartbeats in 12 s at a %d s interval: one sender", HEARTBEAT.toSeconds())
                .isBetween(2.0, 3.0);
        assertThat(hubRequests("enrol")).as("enrolment requests, any answer").isEqualTo(1.0);
        assertThat(hubRequests("renew")).isZero();
        assertThat(b.reconciliationsStarted()).as("the standby reconciles nothing").isZero();

        // SIGKILL: the leader cannot release its Lease; the standby must wait for it to expire.
        a.process().destroyForcibly().waitFor();
        long killed = System.nanoTime();
        Instant killedAt = Instant.now();
        await().atMost(LEASE.plus(RETRY).plus(Duration.ofSeconds(5)))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(holder()).isEqualTo("operator-b"));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        // The new leader's first heartbeat the hub accepted (the hub's own time of it).
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> lastHeartbeat().isAfter(killedAt));
        Duration firstHeartbeat = Duration.between(killedAt, lastHeartbeat());
        System.out.printf(
                "leader takeover after SIGKILL (lease %d s, retry %d s): Lease to operator-b"
                        + " after %d ms, first heartbeat accepted from it after %d ms%n",
                LEASE.toSeconds(),
                RETRY.toSeconds(),
                takeover.toMillis(),
                firstHeartbeat.toMillis());
        assertThat(takeover).isLessThanOrEqualTo(LEASE.plus(RETRY).plus(Duration.ofSeconds(5)));
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .untilAsserted(
                        () -> assertThat(b.readyz()).as("new leader /readyz").isEqualTo(200));
        assertThat(firstHeartbeat)
                .isLessThanOrEqualTo(LEASE.plus(RETRY).plus(Duration.ofSeconds(15)));

        // The new leader works (a spec change is reconciled) and makes nothing a second time.
        Conflicts.edit(
                API.client().resources(FederationNode.class).inNamespace(NS).withName(NODE),
                n -> {
                    n.getSpec().getAnonymisation().setParallelism(3);
                    return n;
                });
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            FederationNode n = currentNode();
                            assertThat(n.getStatus().getObservedGeneration()).isEqualTo(2L);
                            assertThat(n).hasCondition("Ready", "True");
                        });
        assertThat(b.reconciliationsStarted()).isPositive();
        Secret keyAfter =
                API.client().secrets().inNamespace(NS).withName(NODE + "-pseudonym-key").get();
        assertThat(keyAfter.getMetadata().getUid()).isEqualTo(key.getMetadata().getUid());
        assertThat(keyAfter.getData()).as("the pseudonym key is the same").isEqualTo(key.getData());
        assertThat(uids(API.client().persistentVolumeClaims().inNamespace(NS).list().getItems()))
                .isEqualTo(claims);
        assertThat(events("PseudonymKeyGenerated")).isEqualTo(1);
        assertThat(events("VolumeClaimCreated")).isEqualTo(3);

        // It keeps heartbeating, accepted, with the certificate and key the first leader got.
        Instant afterTakeover = lastHeartbeat();
        await().atMost(HEARTBEAT.multipliedBy(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> lastHeartbeat().isAfter(afterTakeover));
        FederationNode linked = currentNode();
        assertThat(linked).hasCondition("Connected", "True").hasCondition("Registered", "True");
        Secret identityAfter =
                API.client().secrets().inNamespace(NS).withName(NODE + "-hub-identity").get();
        assertThat(identityAfter.getMetadata().getUid()).isEqualTo(identity.getMetadata().getUid());
        assertThat(digests(identityAfter))
                .as("SHA-256 of the node's key and certificate: the ones the first leader stored")
                .isEqualTo(digests(identity));
        assertThat(memberSerial()).as("the certificate the hub records").isEqualTo(serial);
        assertThat(ledgerLine().path("redeemedAt").asText())
                .as("the join token was redeemed once, by the first leader")
                .isEqualTo(redeemedAt);
        assertThat(hubRequests("enrol")).as("no second enrolment attempt").isEqualTo(1.0);
        assertThat(hubRequests("renew")).isZero();
        assertThat(hubEvents("Enrolled")).isEqualTo(1);
        assertThat(events("Registered")).isEqualTo(1);
    }
}
