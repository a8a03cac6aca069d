package io.fednode.e2e.flower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.e2e.hub.FederationProcesses;
import io.fednode.e2e.hub.HospitalProcess;
import io.fednode.e2e.hub.ProcessLogTails;
import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Manifests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12's proof on the real node: one FederatedJob submitted at the hub runs on the hospitals
 * that accept it, under each hospital's own policy, against a real Flower server.
 *
 * <p>The hub and three hospitals' operators run as their own processes (the shaded jars), each
 * operator watching only its hospital's namespace; the nodes enrol with the hub and heartbeat every
 * {@value #HEARTBEAT_SECONDS} s. Hospitals A and B accept Train and Evaluate jobs automatically;
 * hospital C accepts only Evaluate jobs, so it refuses the training by policy. The researcher's
 * Flower server ({@link FlowerServer}) listens on the real node's host address; the trainer image
 * ({@code tools/build-trainer-image.sh}) is named by digest.
 *
 * <ol>
 *   <li>A Train job on A, B and C: C refuses (JobTypeNotAllowed) and never connects to the Flower
 *       server; A and B run Flower clients as TrainingRuns, FedAvg rounds complete, the job is
 *       Succeeded with each node's metrics, one model digest and the aggregated metrics.
 *   <li>An Evaluate job on A and B: metrics with errors on both, also as OpenEBench datasets.
 *   <li>A Train job on A and B with minNodes 2 (its Flower server waits for a third client, so both
 *       runs stay connected and Running), B's operator stopped while its run runs: B ends Lost and
 *       the job Stalled with QuorumNotReached.
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FederatedJobE2EIT {
    static final String HUB_NS = "fjob-hub";
    static final String OPERATOR_NS = "fednode-system";
    static final String SUBMITTER = "researcher@example.org";
    static final int HEARTBEAT_SECONDS = 5;
    static final int ROUNDS = 3;
    static final ResourceDefinitionContext FEDERATED_JOBS =
            new ResourceDefinitionContext.Builder()
                    .withGroup("fednode.io")
                    .withVersion("v1alpha1")
                    .withKind("FederatedJob")
                    .withPlural("federatedjobs")
                    .withNamespaced(true)
                    .build();

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.sharedWithRealNode();
    @RegisterExtension static final ProcessLogTails LOGS = new ProcessLogTails();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static FederationProcesses processes;
    private static HospitalProcess a;
    private static HospitalProcess b;
    private static HospitalProcess c;
    private static String image;
    private static final List<FlowerServer> servers = new ArrayList<>();

    @BeforeAll
    static void setUp() throws IOException {
        KubernetesClient k = CLUSTER.client();
        Path tmp = CLUSTER.workDir().resolve("federated-jobs");
        Files.createDirectories(tmp);
        processes =
                FederationProcesses.install(
                        CLUSTER,
                        LOGS,
                        tmp,
                        tmp.resolve("logs"),
                        HUB_NS,
                        "fjob-a",
                        OPERATOR_NS,
                        "hospital-a");
        Manifests.apply(
                k, KubernetesBinaries.repoRoot().resolve("crds/federatedjobs.fednode.io-v1.yml"));
        a = processes.primaryHospital();
        b =
                processes.addHospital(
                        CLUSTER,
                        LOGS,
                        tmp,
                        tmp.resolve("logs"),
                        OPERATOR_NS,
                        "fjob-b",
                        "hospital-b");
        c =
                processes.addHospital(
                        CLUSTER,
                        LOGS,
                        tmp,
                        tmp.resolve("logs"),
                        OPERATOR_NS,
                        "fjob-c",
                        "hospital-c");
        processes.startHub("24h", 3, List.of("--job-lost-after=15s"));
        String host = CLUSTER.hostAddress();
        for (HospitalProcess h : List.of(a, b, c)) {
            processes.createMember(h.node, h.node, Map.of("fednode.io/e2e", "federated-jobs"));
            Secret token =
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> processes.joinTokenSecret(h.node), s -> s != null);
            h.handOverJoinToken(token);
            String types = h == c ? "[Evaluate]" : "[Train, Evaluate]";
            h.createNode(
                    "hybrid",
                    """
                      compute:
                        maxGpusPerRun: 1
                        maxConcurrentRuns: 2
                        nodeSelector: {"%s": "true"}
                        allowedImages: ["fednode.local/trainer"]
                        requireDigest: true
                        maxRuntime: 30m
                      connectivity:
                        heartbeatInterval: %ds
                        egressCIDRs: ["%s/32"]
                      federatedJobs:
                        accept: Automatic
                        allowedSubmitters: ["%s"]
                        allowedTypes: %s
                    """
                            .formatted(
                                    KwokCluster.REAL_NODE_LABEL,
                                    HEARTBEAT_SECONDS,
                                    host,
                                    SUBMITTER,
                                    types));
            h.startOperator();
        }
        for (HospitalProcess h : List.of(a, b, c)) {
            await().atMost(Duration.ofMinutes(2))
                    .ignoreExceptions()
                    .untilAsserted(
                            () ->
                                    assertThat(memberCondition(h.node, "Available"))
                                            .isEqualTo("True"));
        }
        image = TrainerImage.pinnedReference(k);
    }

    @AfterAll
    static void tearDown() {
        servers.forEach(FlowerServer::close);
        if (processes != null) {
            for (HospitalProcess h : new HospitalProcess[] {b, c}) {
                if (h != null) {
                    h.stopOperator();
                }
            }
            processes.stopAll();
        }
    }

    @Test
    @Order(1)
    void aTrainJobRunsOnTheNodesThatAcceptItAndSucceeds() throws Exception {
        FlowerServer flower = flower("train", ROUNDS, 2);
        String uid =
                createJob(
                        "train-three",
                        "Train",
                        List.of(a.node, b.node, c.node),
                        2,
                        flower.endpoint(),
                        flower.caPem());

        // C refuses by policy, with its reason; it never gets a TrainingRun.
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            JsonNode entry = nodeEntry("train-three", c.node);
                            assertThat(entry.path("phase").asText()).isEqualTo("Refused");
                            assertThat(entry.path("reason").asText())
                                    .isEqualTo("JobTypeNotAllowed");
                            assertThat(entry.path("message").asText()).contains("Train");
                        });

        JsonNode summary = flower.awaitSummary(Duration.ofMinutes(8));
        assertThat(summary.path("lossesDistributed"))
                .as("FedAvg rounds with both clients\n" + flower.log())
                .hasSize(ROUNDS);
        awaitCondition("train-three", "Succeeded", "True", Duration.ofMinutes(3));
        JsonNode status = status("train-three");
        assertThat(condition(status, "Ready").path("status").asText()).isEqualTo("True");
        assertThat(condition(status, "Succeeded").path("reason").asText())
                .isIn("AllSucceeded", "PartiallySucceeded");
        assertThat(status.path("counts").path("succeeded").asInt()).isEqualTo(2);
        assertThat(status.path("counts").path("refused").asInt()).isEqualTo(1);

        Map<String, String> podIps = new LinkedHashMap<>();
        for (HospitalProcess h : List.of(a, b)) {
            JsonNode entry = nodeEntry("train-three", h.node);
            assertThat(entry.path("phase").asText()).isEqualTo("Succeeded");
            assertThat(entry.path("metrics").path("accuracy").asDouble()).isBetween(0.6, 1.0);
            assertThat(entry.path("metrics").path("rounds").asDouble()).isEqualTo(ROUNDS);
            assertThat(entry.path("numExamples").asLong()).isPositive();
            assertThat(entry.path("modelDigest").asText()).matches("sha256:[0-9a-f]{64}");
            TrainingRun run = federatedRun(h.ns, uid);
            assertThat(run.getSpec().getAggregator().getEndpoint()).isEqualTo(flower.endpoint());
            Pod pod = runPod(h.ns, run.getMetadata().getName());
            podIps.put(h.node, pod.getStatus().getPodIP());
        }
        assertThat(nodeEntry("train-three", a.node).path("modelDigest"))
                .as("one global model")
                .isEqualTo(nodeEntry("train-three", b.node).path("modelDigest"));
        assertThat(
                        CLUSTER.client()
                                .resources(TrainingRun.class)
                                .inNamespace(c.ns)
                                .list()
                                .getItems())
                .as("the refusing hospital runs nothing")
                .isEmpty();
        assertThat(flower.connectionPeers())
                .as("the Flower server saw only the two accepting hospitals' Pods")
                .isNotEmpty()
                .allSatisfy(peer -> assertThat(podIps.values()).contains(peer))
                .containsAll(podIps.values());

        // Aggregated: the numExamples-weighted mean over the Succeeded nodes.
        JsonNode ea = nodeEntry("train-three", a.node);
        JsonNode eb = nodeEntry("train-three", b.node);
        double na = ea.path("numExamples").asDouble();
        double nb = eb.path("numExamples").asDouble();
        double expected =
                (na * ea.path("metrics").path("accuracy").asDouble()
                                + nb * eb.path("metrics").path("accuracy").asDouble())
                        / (na + nb);
        assertThat(status.path("aggregated").path("accuracy").asDouble())
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));

        // The full per-node results stay retrievable at the hub's admin listener.
        JsonNode results = adminGet("/api/v1/federated-jobs/" + HUB_NS + "/train-three/results");
        assertThat(results.toString()).contains(a.node, b.node, "modelDigest");
    }

    @Test
    @Order(2)
    void anEvaluateJobProducesMetricsOnBothNodes() throws Exception {
        createJob("evaluate-two", "Evaluate", List.of(a.node, b.node), 2, null, null);
        awaitCondition("evaluate-two", "Succeeded", "True", Duration.ofMinutes(4));
        for (HospitalProcess h : List.of(a, b)) {
            JsonNode entry = nodeEntry("evaluate-two", h.node);
            assertThat(entry.path("phase").asText()).isEqualTo("Succeeded");
            assertThat(entry.path("metrics").path("accuracy").asDouble()).isBetween(0.5, 1.0);
            assertThat(entry.path("metricErrors").path("accuracy").asDouble()).isPositive();
            assertThat(entry.has("modelDigest")).as("Evaluate sends no model").isFalse();
        }
        JsonNode datasets =
                adminGet(
                        "/api/v1/federated-jobs/"
                                + HUB_NS
                                + "/evaluate-two/results?format=openebench");
        assertThat(datasets.isArray()).isTrue();
        List<String> participants = new ArrayList<>();
        for (JsonNode d : datasets) {
            assertThat(d.path("type").asText()).isEqualTo("assessment");
            assertThat(d.path("challenge_ids").get(0).asText()).isEqualTo(HUB_NS + "/evaluate-two");
            assertThat(d.path("datalink").path("inline_data").has("value")).isTrue();
            participants.add(d.path("participant_id").asText());
        }
        assertThat(participants).contains(a.node, b.node);
    }

    @Test
    @Order(3)
    void aNodeStoppedMidJobEndsLostAndTheQuorumDecides() throws Exception {
        // The server waits for a third client that never comes: both runs stay Running (connected
        // Flower clients) until B's operator is stopped.
        FlowerServer flower = flower("lost", ROUNDS, 3);
        createJob(
                "train-lost",
                "Train",
                List.of(a.node, b.node),
                2,
                flower.endpoint(),
                flower.caPem());
        await().atMost(Duration.ofMinutes(3))
                .untilAsserted(
                        () ->
                                assertThat(nodeEntry("train-lost", b.node).path("phase").asText())
                                        .isEqualTo("Running"));
        b.stopOperator();
        await().atMost(Duration.ofMinutes(3))
                .untilAsserted(
                        () ->
                                assertThat(nodeEntry("train-lost", b.node).path("phase").asText())
                                        .isEqualTo("Lost"));
        awaitCondition("train-lost", "Stalled", "True", Duration.ofMinutes(4));
        JsonNode status = status("train-lost");
        assertThat(condition(status, "Stalled").path("reason").asText())
                .isEqualTo("QuorumNotReached");
        assertThat(condition(status, "Succeeded").path("status").asText()).isEqualTo("False");
        assertThat(status.path("counts").path("lost").asInt()).isEqualTo(1);
        assertThat(nodeEntry("train-lost", a.node).path("phase").asText())
                .as("A kept heartbeating")
                .isNotEqualTo("Lost");
    }

    // --- helpers ---

    private static FlowerServer flower(String name, int rounds, int minClients) {
        FlowerServer server =
                FlowerServer.start(
                        CLUSTER.workDir().resolve("federated-jobs/flower-" + name),
                        CLUSTER.hostAddress(),
                        rounds,
                        minClients);
        servers.add(server);
        return server;
    }

    /** Creates a FederatedJob at the hub (as the admin; the test installs no admission policy). */
    private static String createJob(
            String name,
            String type,
            List<String> nodes,
            int minNodes,
            String aggregator,
            String caPem) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", type);
        spec.put("submitter", SUBMITTER);
        spec.put("image", image);
        spec.put("maxRuntime", "10m");
        if (caPem != null) {
            spec.put("env", List.of(Map.of("name", "FLOWER_ROOT_CA_PEM", "value", caPem)));
        }
        spec.put("placement", Map.of("nodes", nodes, "minNodes", minNodes));
        if (aggregator != null) {
            spec.put("aggregator", Map.of("endpoint", aggregator));
        }
        spec.put("acceptDeadline", "10m");
        spec.put("results", Map.of("maxBytes", 4096));
        GenericKubernetesResource job = new GenericKubernetesResource();
        job.setApiVersion("fednode.io/v1alpha1");
        job.setKind("FederatedJob");
        job.setMetadata(
                new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(HUB_NS)
                        .build());
        job.setAdditionalProperty("spec", spec);
        return CLUSTER.client()
                .genericKubernetesResources(FEDERATED_JOBS)
                .inNamespace(HUB_NS)
                .resource(job)
                .create()
                .getMetadata()
                .getUid();
    }

    private static JsonNode status(String job) {
        GenericKubernetesResource r =
                CLUSTER.client()
                        .genericKubernetesResources(FEDERATED_JOBS)
                        .inNamespace(HUB_NS)
                        .withName(job)
                        .get();
        return JSON.valueToTree(r.getAdditionalProperties().get("status"));
    }

    private static JsonNode nodeEntry(String job, String nodeId) {
        for (JsonNode n : status(job).path("nodes")) {
            if (nodeId.equals(n.path("nodeId").asText())) {
                return n;
            }
        }
        throw new AssertionError("no status entry for " + nodeId + " in " + status(job));
    }

    private static JsonNode condition(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        throw new AssertionError("no condition " + type + " in " + status);
    }

    private static void awaitCondition(String job, String type, String value, Duration timeout) {
        await().atMost(timeout)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(
                        () ->
                                assertThat(condition(status(job), type).path("status").asText())
                                        .as("%s of %s: %s", type, job, status(job))
                                        .isEqualTo(value));
    }

    private static TrainingRun federatedRun(String ns, String uid) {
        List<TrainingRun> runs =
                CLUSTER.client()
                        .resources(TrainingRun.class)
                        .inNamespace(ns)
                        .withLabel("fednode.io/federated-job-uid", uid)
                        .list()
                        .getItems();
        assertThat(runs).as("the job's TrainingRun in " + ns).hasSize(1);
        return runs.get(0);
    }

    private static Pod runPod(String ns, String run) {
        List<Pod> pods =
                CLUSTER.client()
                        .pods()
                        .inNamespace(ns)
                        .withLabel("fednode.io/training-run", run)
                        .list()
                        .getItems();
        assertThat(pods).hasSize(1);
        assertThat(pods.get(0).getSpec().getNodeName()).isEqualTo(KwokCluster.REAL_NODE);
        return pods.get(0);
    }

    private static String memberCondition(String member, String type) {
        FederationMember m =
                CLUSTER.client()
                        .resources(FederationMember.class)
                        .inNamespace(HUB_NS)
                        .withName(member)
                        .get();
        return m.getStatus().getConditions().stream()
                .filter(x -> type.equals(x.getType()))
                .findFirst()
                .map(x -> x.getStatus())
                .orElse("absent");
    }

    private static JsonNode adminGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + processes.adminPort
                                                                + path))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
