package io.fednode.e2e.flower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingEnvVar;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.e2e.realnode.Probes;
import io.fednode.e2e.realnode.Probes.Target;
import io.fednode.e2e.realnode.RealNodeVolumes;
import io.fednode.operator.OperatorMain;
import io.fednode.operator.OperatorSettings;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Namespaces;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.ProjectImages;
import io.fednode.testing.ServiceAccountClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real federated training with Flower on the real node, through ordinary TrainingRuns: a
 * researcher's Flower server (FedAvg, TLS with a CA made by the test) on this machine at the real
 * node's host address, and two hospitals, each its own namespace and FederationNode, whose
 * TrainingRuns run the trainer image ({@code tools/build-trainer-image.sh}: Flower from PyPI) as
 * Flower clients. The rounds complete, both hospitals end with the same global model, and each
 * run's only egress is the aggregator: the trainer's own connection attempt to another port of the
 * same host fails, while a Pod without the node's policies reaches that port.
 */
class FlowerTrainingE2EIT {
    static final List<String> HOSPITALS = List.of("flower-a", "flower-b");
    static final String CONTROL_NS = "flower-control";
    static final int ROUNDS = 3;

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.sharedWithRealNode();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static OperatorMain.RunningOperator operator;
    private static KubernetesClient operatorClient;
    private static FlowerServer flower;
    private static HttpServer other;
    private static final AtomicInteger otherRequests = new AtomicInteger();

    @BeforeAll
    static void setUp() throws IOException {
        KubernetesClient k = CLUSTER.client();
        OperatorManifests.applyAllButDeployment(k, HOSPITALS);
        String host = CLUSTER.hostAddress();
        flower = FlowerServer.start(CLUSTER.workDir().resolve("flower-training"), host, ROUNDS, 2);
        // Another server on the same host address: the trainers must not reach it.
        other = HttpServer.create(new InetSocketAddress(host, 0), 8);
        other.createContext(
                "/",
                exchange -> {
                    otherRequests.incrementAndGet();
                    byte[] ok = "ok\n".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, ok.length);
                    exchange.getResponseBody().write(ok);
                    exchange.close();
                });
        other.start();
        for (String ns : HOSPITALS) {
            hospital(k, ns, host);
        }
        Namespaces.restricted(k, CONTROL_NS);
        operatorClient =
                ServiceAccountClients.clientAs(
                        k, CLUSTER.kubeConfigYaml(), "fednode-system", "fednode-operator");
        operator =
                OperatorMain.run(
                        operatorClient,
                        OperatorSettings.defaults().withNamespaces(Set.copyOf(HOSPITALS)));
        for (String ns : HOSPITALS) {
            await().atMost(Duration.ofMinutes(2))
                    .ignoreExceptions()
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    condition(
                                                                    k.resources(
                                                                                    FederationNode
                                                                                            .class)
                                                                            .inNamespace(ns)
                                                                            .withName(ns)
                                                                            .get()
                                                                            .getStatus()
                                                                            .getConditions(),
                                                                    "Ready")
                                                            .getStatus())
                                            .isEqualTo("True"));
        }
    }

    /** A hospital's namespace and FederationNode (named as the namespace), compute on. */
    static void hospital(KubernetesClient k, String ns, String hostAddress) {
        Namespaces.restricted(k, ns);
        RealNodeVolumes.create(CLUSTER, ns, ns);
        k.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("hub-join")
                                .withNamespace(ns)
                                .endMetadata()
                                .addToData(
                                        "token",
                                        Base64.getEncoder().encodeToString("unused".getBytes()))
                                .build())
                .create();
        k.resource(
                        Serialization.unmarshal(
                                """
                                apiVersion: fednode.io/v1alpha1
                                kind: FederationNode
                                metadata: {name: %1$s, namespace: %1$s}
                                spec:
                                  nodeId: %1$s
                                  role: hybrid
                                  hub:
                                    endpoint: https://127.0.0.1:9
                                    joinTokenSecretRef: {name: hub-join, key: token}
                                  storage:
                                    raw: {size: 1Gi, storageClassName: %2$s}
                                    anonymised: {size: 1Gi, storageClassName: %2$s}
                                    scratch: {size: 1Gi, storageClassName: %2$s}
                                  compute:
                                    maxGpusPerRun: 1
                                    maxConcurrentRuns: 2
                                    nodeSelector: {"%3$s": "true"}
                                    allowedImages: ["%4$s"]
                                    maxRuntime: 30m
                                  connectivity:
                                    egressCIDRs: ["%5$s/32"]
                                """
                                        .formatted(
                                                ns,
                                                RealNodeVolumes.STORAGE_CLASS,
                                                KwokCluster.REAL_NODE_LABEL,
                                                ProjectImages.trainer().repository(),
                                                hostAddress),
                                FederationNode.class))
                .create();
    }

    @AfterAll
    static void tearDown() {
        if (operator != null) {
            operator.close();
        }
        if (operatorClient != null) {
            operatorClient.close();
        }
        if (flower != null) {
            flower.close();
        }
        if (other != null) {
            other.stop(0);
        }
    }

    @Test
    void twoHospitalsTrainOneModelWithFlowerAndReachOnlyTheAggregator() throws IOException {
        KubernetesClient k = CLUSTER.client();
        String probe = other.getAddress().getHostString() + ":" + other.getAddress().getPort();
        // By digest, as a FederatedJob must name it.
        String image = TrainerImage.pinnedReference(k);
        for (String ns : HOSPITALS) {
            TrainingRun run =
                    Serialization.unmarshal(
                            """
                            apiVersion: fednode.io/v1alpha1
                            kind: TrainingRun
                            metadata: {name: flower, namespace: %s}
                            spec:
                              nodeRef: %s
                              image: %s
                              maxRuntime: 10m
                              aggregator: {endpoint: "%s"}
                            """
                                    .formatted(ns, ns, image, flower.endpoint()),
                            TrainingRun.class);
            run.getSpec()
                    .setEnv(
                            List.of(
                                    new TrainingEnvVar("FLOWER_ROOT_CA_PEM", flower.caPem()),
                                    new TrainingEnvVar("TRAINER_PROBE", probe)));
            k.resource(run).create();
        }

        JsonNode summary = flower.awaitSummary(Duration.ofMinutes(6));
        assertThat(summary.path("lossesDistributed"))
                .as("Flower's FedAvg rounds with both clients\n" + flower.log())
                .hasSize(ROUNDS);

        Map<String, JsonNode> results = new HashMap<>();
        Map<String, String> podIps = new HashMap<>();
        for (String ns : HOSPITALS) {
            Pod pod = succeededPod(k, ns, "flower");
            podIps.put(ns, pod.getStatus().getPodIP());
            String message =
                    pod.getStatus()
                            .getContainerStatuses()
                            .get(0)
                            .getState()
                            .getTerminated()
                            .getMessage();
            JsonNode r = JSON.readTree(message);
            results.put(ns, r);
            assertThat(r.path("metrics").path("rounds").asDouble()).isEqualTo(ROUNDS);
            assertThat(r.path("metrics").path("accuracy").asDouble()).isBetween(0.6, 1.0);
            assertThat(r.path("metrics").path("egressProbeOpen").asDouble())
                    .as("the trainer's connection to another port of the aggregator's host")
                    .isEqualTo(0.0);
            assertThat(r.path("numExamples").asLong()).isPositive();
            assertThat(r.path("modelDigest").asText()).matches("sha256:[0-9a-f]{64}");
            assertThat(message.length()).isLessThanOrEqualTo(4096);
        }
        assertThat(results.get(HOSPITALS.get(0)).path("modelDigest"))
                .as("both hospitals end with the one global model")
                .isEqualTo(results.get(HOSPITALS.get(1)).path("modelDigest"));
        assertThat(podIps.values()).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(flower.connectionPeers())
                .as("every connection the aggregator saw came from the two trainers' Pods")
                .isNotEmpty()
                .allSatisfy(peer -> assertThat(podIps.values()).contains(peer))
                .containsAll(podIps.values());
        assertThat(otherRequests.get()).as("nothing reached the other server").isZero();

        // The other server is reachable from a Pod without the node's policies: the trainers'
        // "closed" is the policy's doing.
        assertThat(
                        Probes.probe(
                                k,
                                CONTROL_NS,
                                "reaches-other",
                                Map.of(),
                                List.of(
                                        Target.http(
                                                "other",
                                                other.getAddress().getHostString(),
                                                other.getAddress().getPort()))))
                .containsOnly(Map.entry("other", "open"));
        assertThat(otherRequests.get()).isPositive();
        Files.writeString(
                CLUSTER.workDir().resolve("flower-training/results.json"),
                JSON.writeValueAsString(results));
    }

    private static Pod succeededPod(KubernetesClient k, String ns, String run) {
        await().atMost(Duration.ofMinutes(3))
                .untilAsserted(
                        () -> {
                            TrainingRun r =
                                    k.resources(TrainingRun.class)
                                            .inNamespace(ns)
                                            .withName(run)
                                            .get();
                            assertThat(r.getStatus()).isNotNull();
                            assertThat(condition(r.getStatus().getConditions(), "Succeeded"))
                                    .extracting(Condition::getStatus, Condition::getReason)
                                    .containsExactly("True", "Completed");
                        });
        List<Pod> pods =
                k.pods()
                        .inNamespace(ns)
                        .withLabel("fednode.io/training-run", run)
                        .list()
                        .getItems();
        assertThat(pods).hasSize(1);
        assertThat(pods.get(0).getSpec().getNodeName()).isEqualTo(KwokCluster.REAL_NODE);
        return pods.get(0);
    }

    private static Condition condition(List<Condition> conditions, String type) {
        return conditions.stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }
}
