package io.fednode.e2e.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.ReleaseHistory;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Namespaces;
import io.fednode.testing.ProjectImages;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * fednode as a hospital and a federation would run it: the hub and the operator installed from
 * their charts with helm-java, from the images the build made, as their ServiceAccounts, in
 * namespaces that enforce Pod Security "restricted", on the real node of a cluster of its own. The
 * operator reaches the API server from the pod network; a node enrols with the in-cluster hub
 * through its Service and turns Ready and Connected; the operator's anonymiser Job anonymises a
 * Dataset. An operator upgrade whose Pod cannot start fails and {@code helm rollback} restores the
 * working release; uninstalling both charts removes their objects and keeps what holds data (CRDs,
 * nodes, Datasets, claims, key and identity Secrets). Last, deleting the cluster leaves nothing
 * behind on this machine. Install, upgrade, history and uninstall are helm-java's; the rollback and
 * {@code get manifest} are the helm CLI the build makes (helm-java 0.0.21 has neither).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InClusterInstallE2EIT {
    static final String HUB_NS = "fednode-hub";
    static final String OPERATOR_NS = "fednode-system";
    static final String HOSPITAL_NS = "hospital-b";
    static final String NODE = "hospital-b";
    static final String HUB_SERVICE = "fednode-hub." + HUB_NS + ".svc";

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.withRealNode();

    private static int stepsPassed;

    @Test
    @Order(1)
    void hubAndOperatorRunInTheClusterFromTheirChartsAsRestrictedPods() {
        for (String ns : List.of(HUB_NS, OPERATOR_NS, HOSPITAL_NS)) {
            Namespaces.restricted(client(), ns);
        }
        Helm helm = new Helm(CLUSTER);
        Path charts = KubernetesBinaries.repoRoot().resolve("charts");
        var hubImage = ProjectImages.hub();
        Map<String, String> hubValues = new LinkedHashMap<>();
        hubValues.put("image.registry", hubImage.registry());
        hubValues.put("image.repository", hubImage.name());
        hubValues.put("image.tag", hubImage.tag());
        hubValues.put("nodeApi.service.type", "ClusterIP");
        hubValues.put("serverNames[0]", HUB_SERVICE);
        hubValues.put("resources.requests.cpu", "50m");
        hubValues.put("resources.requests.memory", "256Mi");
        assertThat(
                        helm.install(
                                        "fednode-hub",
                                        charts.resolve("fednode-hub"),
                                        HUB_NS,
                                        hubValues)
                                .getStatus())
                .isEqualTo("deployed");
        var operatorImage = ProjectImages.operator();
        Map<String, String> operatorValues = new LinkedHashMap<>();
        operatorValues.put("image.registry", operatorImage.registry());
        operatorValues.put("image.repository", operatorImage.name());
        operatorValues.put("image.tag", operatorImage.tag());
        operatorValues.put("watchNamespaces[0]", HOSPITAL_NS);
        operatorValues.put("resources.requests.cpu", "50m");
        assertThat(
                        helm.install(
                                        "fednode",
                                        charts.resolve("fednode-operator"),
                                        OPERATOR_NS,
                                        operatorValues)
                                .getStatus())
                .isEqualTo("deployed");

        for (String ns : List.of(HUB_NS, OPERATOR_NS)) {
            List<Pod> pods = client().pods().inNamespace(ns).list().getItems();
            assertThat(pods)
                    .as("the Pods of the release in %s", ns)
                    .singleElement()
                    .satisfies(
                            p -> {
                                assertThat(p.getSpec().getNodeName())
                                        .isEqualTo(KwokCluster.REAL_NODE);
                                assertThat(p.getSpec().getHostNetwork()).isIn(null, false);
                                assertThat(p.getStatus().getPhase()).isEqualTo("Running");
                                assertThat(p.getStatus().getContainerStatuses())
                                        .allSatisfy(c -> assertThat(c.getReady()).isTrue());
                                assertThat(p.getSpec().getContainers().get(0).getImage())
                                        .isIn(hubImage.reference(), operatorImage.reference());
                            });
        }
        // The operator talks to the API server from the pod network, through the kubernetes
        // Service, as its ServiceAccount.
        Pod operator = client().pods().inNamespace(OPERATOR_NS).list().getItems().get(0);
        assertThat(operator.getSpec().getServiceAccountName()).isEqualTo("fednode-operator");
        String log = client().pods().inNamespace(OPERATOR_NS).withName(name(operator)).getLog();
        assertThat(log).contains("fednode operator started against");
        stepsPassed = 1;
    }

    @Test
    @Order(2)
    void aNodeEnrolsWithTheInClusterHubThroughItsServiceAndTurnsReadyAndConnected() {
        beginStep(2);
        client().resource(
                        Serialization.unmarshal(
                                """
                                apiVersion: fednode.io/v1alpha1
                                kind: FederationMember
                                metadata: {name: %s, namespace: %s}
                                spec: {nodeId: %s, role: data, displayName: Hospital B}
                                """
                                        .formatted(NODE, HUB_NS, NODE),
                                FederationMember.class))
                .create();
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(joinToken().getData()).containsKey("token"));
        // Out of band in real life: the federation hands the token and its CA to the hospital.
        Secret token = joinToken();
        client().resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("hub-join")
                                .withNamespace(HOSPITAL_NS)
                                .endMetadata()
                                .addToData("token", token.getData().get("token"))
                                .addToData("ca.crt", token.getData().get("ca.crt"))
                                .build())
                .create();
        RealNodeVolumes.create(CLUSTER, HOSPITAL_NS, NODE);
        client().resource(
                        Serialization.unmarshal(
                                """
                                apiVersion: fednode.io/v1alpha1
                                kind: FederationNode
                                metadata: {name: %s, namespace: %s}
                                spec:
                                  nodeId: %s
                                  role: data
                                  hub:
                                    endpoint: https://%s:8443
                                    caBundleSecretRef: {name: hub-join, key: ca.crt}
                                    joinTokenSecretRef: {name: hub-join, key: token}
                                  storage:
                                    raw: {size: 1Gi, storageClassName: %s}
                                    anonymised: {size: 1Gi, storageClassName: %s}
                                    scratch: {size: 1Gi, storageClassName: %s}
                                  # One thread: its core request fits the 2-core real node.
                                  anonymisation: {parallelism: 1}
                                  connectivity:
                                    heartbeatInterval: 5s
                                """
                                        .formatted(
                                                NODE,
                                                HOSPITAL_NS,
                                                NODE,
                                                HUB_SERVICE,
                                                RealNodeVolumes.STORAGE_CLASS,
                                                RealNodeVolumes.STORAGE_CLASS,
                                                RealNodeVolumes.STORAGE_CLASS),
                                FederationNode.class))
                .create();

        await().atMost(Duration.ofMinutes(3))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertNodeCondition("Ready", "True");
                            assertNodeCondition("Registered", "True");
                            assertNodeCondition("Connected", "True");
                        });
        // The hub sees the member; its admin Service answers from this machine, routed to the
        // cluster's Service range.
        String adminIp =
                client().services()
                        .inNamespace(HUB_NS)
                        .withName("fednode-hub-admin")
                        .get()
                        .getSpec()
                        .getClusterIP();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            HttpResponse<String> fleet =
                                    http.send(
                                            HttpRequest.newBuilder(
                                                            URI.create(
                                                                    "http://"
                                                                            + adminIp
                                                                            + ":9090/api/v1/fleet"))
                                                    .timeout(Duration.ofSeconds(5))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString());
                            assertThat(fleet.statusCode()).isEqualTo(200);
                            JsonNode rows = new ObjectMapper().readTree(fleet.body());
                            assertThat(rows.toString()).contains(NODE).contains("AVAILABLE");
                        });
        stepsPassed = 2;
    }

    @Test
    @Order(3)
    void theInClusterOperatorsAnonymiserJobAnonymisesADataset() {
        beginStep(3);
        Path raw = CLUSTER.hostDirectory(HOSPITAL_NS + "/" + NODE + "/raw");
        PhiCorpus corpus = PhiCorpus.write(raw.resolve("imports/2026-12/brain-mr"));
        client().resource(
                        Serialization.unmarshal(
                                """
                                apiVersion: fednode.io/v1alpha1
                                kind: Dataset
                                metadata: {name: brain-mr, namespace: %s}
                                spec:
                                  nodeRef: %s
                                  source: {path: imports/2026-12/brain-mr}
                                """
                                        .formatted(HOSPITAL_NS, NODE),
                                Dataset.class))
                .create();
        int files = corpus.files().size();
        await().atMost(Duration.ofMinutes(3))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Dataset ds =
                                    client().resources(Dataset.class)
                                            .inNamespace(HOSPITAL_NS)
                                            .withName("brain-mr")
                                            .get();
                            Condition ready = find(ds.getStatus().getConditions(), "Ready");
                            assertThat(ready.getStatus()).isEqualTo("True");
                            assertThat(ready.getReason()).isEqualTo("Anonymised");
                            assertThat(ds.getStatus().getFiles().getWritten()).isEqualTo(files);
                        });
        Path output = CLUSTER.hostDirectory(HOSPITAL_NS + "/" + NODE + "/anonymised");
        assertThat(corpus.assertAnonymised(output.resolve("brain-mr"))).hasSize(files);
        Pod job =
                client().pods()
                        .inNamespace(HOSPITAL_NS)
                        .withLabel("job-name", "brain-mr-r1")
                        .list()
                        .getItems()
                        .get(0);
        assertThat(job.getSpec().getContainers().get(0).getImage())
                .isEqualTo(ProjectImages.anonymiser().reference());
        stepsPassed = 3;
    }

    @Test
    @Order(4)
    void aFailedUpgradeIsRolledBackToTheWorkingRelease() {
        beginStep(4);
        Helm helm = new Helm(CLUSTER);
        Deployment working = operatorDeployment();
        Pod workingPod = client().pods().inNamespace(OPERATOR_NS).list().getItems().get(0);
        // An image the node does not have and must not pull: the new Pod fails at once
        // (ErrImageNeverPull) and never turns ready, without waiting on any registry.
        Map<String, String> broken = new LinkedHashMap<>();
        broken.put("image.tag", "no-such-tag");
        broken.put("image.pullPolicy", "Never");
        String failure =
                helm.upgradeExpectingFailure(
                        "fednode",
                        operatorChart(),
                        OPERATOR_NS,
                        broken,
                        u -> u.reuseValues().waitReady().withTimeout(45));
        System.out.println("the failed upgrade, as helm-java reports it: " + failure);
        assertThat(failure).isNotBlank();
        assertThat(client().pods().inNamespace(OPERATOR_NS).list().getItems())
                .as("the new Pod cannot start; the old one keeps running")
                .anySatisfy(
                        p ->
                                assertThat(
                                                p.getStatus()
                                                        .getContainerStatuses()
                                                        .get(0)
                                                        .getState()
                                                        .getWaiting())
                                        .isNotNull()
                                        .extracting(w -> w.getReason())
                                        .isEqualTo("ErrImageNeverPull"))
                .anySatisfy(p -> assertThat(name(p)).isEqualTo(name(workingPod)));
        assertThat(history(helm))
                .extracting(ReleaseHistory::getRevision, ReleaseHistory::getStatus)
                .as("a failed upgrade leaves the working revision deployed")
                .containsExactly(tuple(1, "deployed"), tuple(2, "failed"));

        helm.run(
                List.of(
                        "rollback",
                        "fednode",
                        "1",
                        "--namespace",
                        OPERATOR_NS,
                        "--wait",
                        "--timeout",
                        "3m"));
        List<ReleaseHistory> revisions = history(helm);
        ReleaseHistory latest = revisions.get(revisions.size() - 1);
        assertThat(latest.getRevision()).isEqualTo(3);
        assertThat(latest.getStatus()).isEqualTo("deployed");
        assertThat(latest.getDescription()).isEqualTo("Rollback to 1");
        assertThat(revisions)
                .filteredOn(r -> r.getStatus().equals("deployed"))
                .as("the rollback is the one deployed revision")
                .singleElement()
                .isSameAs(latest);
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            Deployment d = operatorDeployment();
                            assertThat(d.getSpec().getTemplate())
                                    .as("the working release's Pod template")
                                    .isEqualTo(working.getSpec().getTemplate());
                            assertThat(d.getStatus().getReplicas()).isEqualTo(1);
                            assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(1);
                            assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(1);
                            assertThat(client().pods().inNamespace(OPERATOR_NS).list().getItems())
                                    .as("the failed Pod is gone, the working one never stopped")
                                    .singleElement()
                                    .satisfies(
                                            p -> {
                                                assertThat(p.getMetadata().getUid())
                                                        .isEqualTo(
                                                                workingPod.getMetadata().getUid());
                                                assertThat(
                                                                p.getSpec()
                                                                        .getContainers()
                                                                        .get(0)
                                                                        .getImage())
                                                        .isEqualTo(
                                                                ProjectImages.operator()
                                                                        .reference());
                                            });
                        });

        // The rolled-back operator still reconciles: a spec change to the node is acted on.
        long generation =
                client().resources(FederationNode.class)
                        .inNamespace(HOSPITAL_NS)
                        .withName(NODE)
                        .edit(
                                n -> {
                                    n.getSpec().getConnectivity().setHeartbeatInterval("6s");
                                    return n;
                                })
                        .getMetadata()
                        .getGeneration();
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertThat(federationNode().getStatus().getObservedGeneration())
                                    .isEqualTo(generation);
                            assertNodeCondition("Ready", "True");
                        });
        stepsPassed = 4;
    }

    @Test
    @Order(5)
    void uninstallingTheChartsKeepsTheCrdsTheNodesAndTheirData() {
        beginStep(5);
        Helm helm = new Helm(CLUSTER);
        List<HasMetadata> kept = new ArrayList<>();
        kept.addAll(
                client().apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                        .filter(crd -> crd.getSpec().getGroup().equals("fednode.io"))
                        .toList());
        assertThat(kept).hasSizeGreaterThanOrEqualTo(5);
        kept.add(federationNode());
        kept.add(
                client().resources(Dataset.class)
                        .inNamespace(HOSPITAL_NS)
                        .withName("brain-mr")
                        .get());
        kept.add(
                client().resources(FederationMember.class)
                        .inNamespace(HUB_NS)
                        .withName(NODE)
                        .get());
        List<PersistentVolumeClaim> claims =
                client().persistentVolumeClaims().inNamespace(HOSPITAL_NS).list().getItems();
        assertThat(claims).as("the node's volumes' claims").hasSizeGreaterThanOrEqualTo(3);
        kept.addAll(claims);
        for (String secret : List.of(NODE + "-pseudonym-key", NODE + "-hub-identity")) {
            kept.add(client().secrets().inNamespace(HOSPITAL_NS).withName(secret).require());
        }
        kept.add(client().secrets().inNamespace(HUB_NS).withName("fednode-hub-ca").require());

        List<HasMetadata> released = new ArrayList<>();
        for (List<String> release :
                List.of(List.of("fednode", OPERATOR_NS), List.of("fednode-hub", HUB_NS))) {
            String manifest =
                    helm.run(
                            List.of(
                                    "get",
                                    "manifest",
                                    release.get(0),
                                    "--namespace",
                                    release.get(1)));
            released.addAll(
                    client().load(
                                    new ByteArrayInputStream(
                                            manifest.getBytes(StandardCharsets.UTF_8)))
                            .items());
        }
        assertThat(released)
                .extracting(HasMetadata::getKind)
                .contains("Deployment", "ServiceAccount", "Role", "RoleBinding", "Service");

        helm.uninstall("fednode", OPERATOR_NS);
        helm.uninstall("fednode-hub", HUB_NS);

        // Once the Pods are gone the garbage collector has deleted what the Deployments owned;
        // anything else owned by a chart object would have gone with it.
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            for (String ns : List.of(OPERATOR_NS, HUB_NS)) {
                                assertThat(client().pods().inNamespace(ns).list().getItems())
                                        .as("Pods in %s", ns)
                                        .isEmpty();
                            }
                        });
        assertThat(released)
                .as("the charts' own objects")
                .allSatisfy(
                        o ->
                                assertThat(client().resource(o).get())
                                        .as(
                                                "%s %s/%s",
                                                o.getKind(),
                                                o.getMetadata().getNamespace(),
                                                o.getMetadata().getName())
                                        .isNull());
        assertThat(kept)
                .as("CRDs, nodes, Datasets, members, claims and key Secrets")
                .allSatisfy(
                        o -> {
                            HasMetadata now = client().resource(o).get();
                            assertThat(now)
                                    .as(
                                            "%s %s/%s",
                                            o.getKind(),
                                            o.getMetadata().getNamespace(),
                                            o.getMetadata().getName())
                                    .isNotNull();
                            assertThat(now.getMetadata().getUid())
                                    .isEqualTo(o.getMetadata().getUid());
                            assertThat(now.getMetadata().getDeletionTimestamp()).isNull();
                        });
        stepsPassed = 5;
    }

    @Test
    @Order(6)
    void deletingTheClusterLeavesNothingBehind() {
        CLUSTER.close();
        assertThat(CLUSTER.leftoversAfterClose())
                .as("processes, mounts, interfaces, routes, iptables/ipset rules, cgroups")
                .isEmpty();
    }

    private static void beginStep(int step) {
        assertThat(stepsPassed)
                .as("step %d needs steps 1..%d to have passed", step, step - 1)
                .isEqualTo(step - 1);
    }

    private static Path operatorChart() {
        return KubernetesBinaries.repoRoot().resolve("charts").resolve("fednode-operator");
    }

    private static Deployment operatorDeployment() {
        return client().apps()
                .deployments()
                .inNamespace(OPERATOR_NS)
                .withName("fednode-operator")
                .get();
    }

    private static FederationNode federationNode() {
        return client().resources(FederationNode.class)
                .inNamespace(HOSPITAL_NS)
                .withName(NODE)
                .get();
    }

    /** The operator release's revisions, oldest first (helm-java's history). */
    private static List<ReleaseHistory> history(Helm helm) {
        return helm.history("fednode", OPERATOR_NS);
    }

    private static Secret joinToken() {
        return client().secrets().inNamespace(HUB_NS).withName(NODE + "-join-token").get();
    }

    private static void assertNodeCondition(String type, String status) {
        FederationNode node =
                client().resources(FederationNode.class)
                        .inNamespace(HOSPITAL_NS)
                        .withName(NODE)
                        .get();
        assertThat(find(node.getStatus().getConditions(), type).getStatus())
                .as("condition %s", type)
                .isEqualTo(status);
    }

    private static Condition find(List<Condition> conditions, String type) {
        return conditions.stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    private static String name(Pod p) {
        return p.getMetadata().getName();
    }

    private static KubernetesClient client() {
        return CLUSTER.client();
    }
}
