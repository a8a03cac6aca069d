package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetSource;
import io.fednode.api.v1alpha1.DatasetSpec;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberSpec;
import io.fednode.api.v1alpha1.FederationMemberStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunSpec;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import io.fednode.fixtures.ConditionAssert;
import io.fednode.fixtures.FederationNodes;
import io.fednode.hub.Hub;
import io.fednode.hub.HubConfig;
import io.fednode.operator.node.FederationNodeReconciler;
import io.fednode.testing.FakeVolumeController;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.RealApiServer;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a heartbeat carries, seen where central operators see it, and the node's hub-link events:
 * the FederationNode reconciler with its hub link runs as the operator's ServiceAccount under the
 * installed RBAC (no Dataset or Training controllers: the test writes their status as they would),
 * a real hub runs in-process, both against one real API server.
 */
class HubHeartbeatIT {
    static final String HUB_NS = "federation-hub";
    static final String NODE_NS = "hospital-c";
    static final String NODE = "hospital-c";

    @RegisterExtension static final RealApiServer API = new RealApiServer();
    static KubernetesClient admin;
    static KubernetesClient operatorClient;
    static Hub hub;
    static HubLinks links;
    static Operator operator;

    @BeforeAll
    static void start() throws Exception {
        admin = API.client();
        OperatorManifests.applyAllButDeployment(admin, List.of(NODE_NS));
        API.installCrd(Path.of("../crds/federationmembers.fednode.io-v1.yml"));
        for (String ns : List.of(HUB_NS)) {
            admin.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                    .create();
        }
        hub = startHub(0);
        operatorClient = API.clientAs("fednode-system", "fednode-operator");
        links = new HubLinks(operatorClient, "0.1.0-test");
        operator =
                new Operator(
                        o ->
                                o.withKubernetesClient(operatorClient)
                                        .checkingCRDAndValidateLocalModel(false)
                                        .withStopOnInformerErrorDuringStartup(true));
        operator.register(
                new FederationNodeReconciler(links), c -> c.settingNamespaces(Set.of(NODE_NS)));
        operator.start();
    }

    static Hub startHub(int port) throws Exception {
        return new Hub(
                        admin,
                        HubConfig.builder()
                                .namespace(HUB_NS)
                                .port(port)
                                .adminPort(0)
                                .statusRefresh(Duration.ofMinutes(10))
                                .statusSyncPeriod(Duration.ofMillis(200))
                                .build())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (operator != null) {
            operator.stop();
        }
        if (links != null) {
            links.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (operatorClient != null) {
            operatorClient.close();
        }
    }

    @Test
    void theHubShowsTheNodesGpusAndDatasetsAndTheNodeAnnouncesEachLinkTransitionOnce()
            throws Exception {
        Secret token = awaitJoinToken(createMember());
        joinSecret("hub-join", token);

        // What the node holds, with status as the Dataset and Training controllers write it.
        writeStatus(dataset("ct-scans", NODE), datasetStatus(120L, 50_000L, "True"));
        Dataset mri = dataset("mri.2024", NODE);
        Dataset theirs = dataset("theirs", "hospital-z");
        writeStatus(theirs, datasetStatus(7L, 700L, "True"));
        TrainingRun running = run("train-running", NODE, 3);
        writeStatus(running, started(null));
        writeStatus(run("train-queued", NODE, 2), queued());
        writeStatus(run("train-done", NODE, 4), started("True"));
        writeStatus(run("theirs-running", "hospital-z", 1), started(null));

        createNode("https://localhost:" + hub.nodePort());
        FakeVolumeController.bindAll(admin, NODE_NS);

        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            ConditionAssert.assertThat(node()).hasCondition("Registered", "True");
                            ConditionAssert.assertThat(node()).hasCondition("Connected", "True");
                            ConditionAssert.assertThat(node()).hasCondition("Ready", "True");
                        });

        // The hub's member status: 2 slots x 4 GPUs per run; only the running run holds GPUs;
        // only this node's datasets.
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            FederationMemberStatus s = member().getStatus();
                            assertThat(s.getGpus().getCapacity()).isEqualTo(8);
                            assertThat(s.getGpus().getAllocated()).isEqualTo(3);
                            assertThat(s.getDatasets().getNames())
                                    .containsExactly("ct-scans", "mri.2024");
                            assertThat(s.getDatasets().getCount()).isEqualTo(2);
                            assertThat(s.getDatasets().getFiles()).isEqualTo(120L);
                            assertThat(s.getDatasets().getBytes()).isEqualTo(50_000L);
                        });

        // Later heartbeats carry what changed: the MRI dataset is anonymised, the run finished.
        writeStatus(mri, datasetStatus(30L, 3_000L, "True"));
        writeStatus(running, started("True"));
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            FederationMemberStatus s = member().getStatus();
                            assertThat(s.getGpus().getAllocated()).isEqualTo(0);
                            assertThat(s.getGpus().getCapacity()).isEqualTo(8);
                            assertThat(s.getDatasets().getFiles()).isEqualTo(150L);
                            assertThat(s.getDatasets().getBytes()).isEqualTo(53_000L);
                        });

        // One event per transition, none per heartbeat (5 s: at least two more in 11 s).
        await().during(Duration.ofSeconds(11))
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> {
                            assertThat(events("Registered")).hasSize(1);
                            assertThat(events("HubConnected")).hasSize(1);
                            assertThat(events("HubUnreachable")).isEmpty();
                        });
        assertThat(events("Registered").get(0).getType()).isEqualTo("Normal");
        assertThat(events("HubConnected").get(0).getType()).isEqualTo("Normal");

        // The hub goes away: Connected=False and one Warning, however many retries fail; Ready
        // stays True, since the node keeps working locally.
        int port = hub.nodePort();
        hub.close();
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            ConditionAssert.assertThat(node())
                                    .hasCondition("Connected", "False", "HubUnreachable");
                            assertThat(events("HubUnreachable")).hasSize(1);
                        });
        assertThat(events("HubUnreachable").get(0).getType()).isEqualTo("Warning");
        await().during(Duration.ofSeconds(16))
                .atMost(Duration.ofSeconds(25))
                .untilAsserted(
                        () -> {
                            assertThat(events("HubUnreachable")).hasSize(1);
                            ConditionAssert.assertThat(node()).hasCondition("Ready", "True");
                            ConditionAssert.assertThat(node()).hasCondition("Registered", "True");
                        });

        // Back: one more HubConnected (a new transition), still one Registered.
        hub = startHub(port);
        await().atMost(Duration.ofSeconds(90))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            ConditionAssert.assertThat(node()).hasCondition("Connected", "True");
                            assertThat(events("HubConnected")).hasSize(2);
                        });
        assertThat(events("Registered")).hasSize(1);
        assertThat(events("HubUnreachable")).hasSize(1);
    }

    /**
     * A deleted node's link stops at once, on the delete event, not at its next heartbeat (a minute
     * away here), and the node is deleted without waiting for the operator (no finalizer).
     */
    @Test
    void aDeletedNodesLinkStopsAtOnce() throws Exception {
        String name = "hospital-c-gone";
        Secret token = awaitJoinToken(createMember(name));
        joinSecret(name + "-join", token);
        createNode(name, "https://localhost:" + hub.nodePort(), name + "-join", "60s");
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(
                                                links.status(NODE_NS, name)
                                                        .orElseThrow()
                                                        .registered()
                                                        .status())
                                        .isEqualTo("True"));

        admin.resources(FederationNode.class).inNamespace(NODE_NS).withName(name).delete();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> {
                            assertThat(
                                            admin.resources(FederationNode.class)
                                                    .inNamespace(NODE_NS)
                                                    .withName(name)
                                                    .get())
                                    .as("deleted without waiting for a finalizer")
                                    .isNull();
                            assertThat(links.status(NODE_NS, name))
                                    .as("the link of the deleted node is stopped")
                                    .isEmpty();
                        });
    }

    /** The member's join token and the hub's CA, where the node's spec.hub refers to them. */
    static void joinSecret(String name, Secret token) {
        HubLinkIT.handOver(admin, token, NODE_NS, name);
    }

    static FederationMember createMember() {
        return createMember(NODE);
    }

    static FederationMember createMember(String name) {
        FederationMember m = new FederationMember();
        m.getMetadata().setName(name);
        m.getMetadata().setNamespace(HUB_NS);
        FederationMemberSpec spec = new FederationMemberSpec();
        spec.setNodeId(name);
        spec.setRole(NodeRole.HYBRID);
        m.setSpec(spec);
        return admin.resource(m).create();
    }

    static FederationMember member() {
        return admin.resources(FederationMember.class).inNamespace(HUB_NS).withName(NODE).get();
    }

    static Secret awaitJoinToken(FederationMember m) {
        String name = m.getMetadata().getName() + "-join-token";
        await().atMost(Duration.ofSeconds(10))
                .until(() -> admin.secrets().inNamespace(HUB_NS).withName(name).get() != null);
        return admin.secrets().inNamespace(HUB_NS).withName(name).get();
    }

    static void createNode(String endpoint) {
        createNode(NODE, endpoint, "hub-join", "5s");
    }

    static void createNode(String name, String endpoint, String joinSecret, String interval) {
        admin.resource(
                        FederationNodes.node(NODE_NS, name)
                                .role(NodeRole.HYBRID)
                                .storage("1Gi", null, null)
                                .gpus(4, 2)
                                .allowedImages("registry.example.org/fl/")
                                .hubEndpoint(endpoint)
                                .hubCredentials(joinSecret)
                                .heartbeatInterval(interval)
                                .build())
                .create();
    }

    static FederationNode node() {
        return admin.resources(FederationNode.class).inNamespace(NODE_NS).withName(NODE).get();
    }

    static List<Event> events(String reason) {
        return admin.v1().events().inNamespace(NODE_NS).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .filter(e -> "FederationNode".equals(e.getInvolvedObject().getKind()))
                .filter(e -> NODE.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    static Dataset dataset(String name, String node) {
        Dataset d = new Dataset();
        d.getMetadata().setName(name);
        d.getMetadata().setNamespace(NODE_NS);
        DatasetSpec spec = new DatasetSpec();
        spec.setNodeRef(node);
        DatasetSource source = new DatasetSource();
        source.setPath("studies/" + name);
        spec.setSource(source);
        d.setSpec(spec);
        return admin.resource(d).create();
    }

    static DatasetStatus datasetStatus(long files, long bytes, String ready) {
        DatasetStatus s = new DatasetStatus();
        s.setRevision(1);
        s.setOutputPath("some/r1");
        s.setFiles(new DatasetStatus.DatasetFiles(files + 1, files, 1L));
        s.setBytes(new DatasetStatus.DatasetBytes(bytes * 2, bytes));
        s.setConditions(List.of(condition("Ready", ready, "Anonymised")));
        return s;
    }

    static void writeStatus(Dataset dataset, DatasetStatus status) {
        admin.resources(Dataset.class)
                .inNamespace(NODE_NS)
                .withName(dataset.getMetadata().getName())
                .editStatus(
                        d -> {
                            d.setStatus(status);
                            return d;
                        });
    }

    static TrainingRun run(String name, String node, int gpus) {
        TrainingRun run = new TrainingRun();
        run.getMetadata().setName(name);
        run.getMetadata().setNamespace(NODE_NS);
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setNodeRef(node);
        spec.setImage("registry.example.org/fl/trainer:1");
        spec.setGpus(gpus);
        run.setSpec(spec);
        return admin.resource(run).create();
    }

    static void writeStatus(TrainingRun run, TrainingRunStatus status) {
        admin.resources(TrainingRun.class)
                .inNamespace(NODE_NS)
                .withName(run.getMetadata().getName())
                .editStatus(
                        r -> {
                            r.setStatus(status);
                            return r;
                        });
    }

    /** Holds a slot (its Job exists); {@code succeeded} null while running, else finished. */
    static TrainingRunStatus started(String succeeded) {
        TrainingRunStatus s = new TrainingRunStatus();
        s.setObservedGeneration(1L);
        s.setJobName("job");
        s.setStartTime("2026-11-26T10:00:00Z");
        List<Condition> c = new ArrayList<>();
        c.add(condition("Admitted", "True", "Admitted"));
        c.add(condition("Queued", "False", "Started"));
        c.add(condition("Running", succeeded == null ? "True" : "False", "PodRunning"));
        c.add(
                condition(
                        "Succeeded",
                        succeeded == null ? "Unknown" : succeeded,
                        succeeded == null ? "PodRunning" : "Completed"));
        s.setConditions(c);
        if (succeeded != null) {
            s.setCompletionTime("2026-11-26T11:00:00Z");
        }
        return s;
    }

    static TrainingRunStatus queued() {
        TrainingRunStatus s = new TrainingRunStatus();
        s.setObservedGeneration(1L);
        s.setConditions(
                List.of(
                        condition("Admitted", "True", "Admitted"),
                        condition("Queued", "True", "QuotaExceeded"),
                        condition("Running", "False", "QuotaExceeded"),
                        condition("Succeeded", "Unknown", "QuotaExceeded")));
        return s;
    }

    static Condition condition(String type, String status, String reason) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage("test")
                .withLastTransitionTime("2026-11-26T10:00:00Z")
                .build();
    }
}
