package io.fednode.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.common.SecretKeyRef;
import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetSource;
import io.fednode.api.v1alpha1.DatasetSpec;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunSpec;
import io.fednode.fixtures.ConditionAssert;
import io.fednode.fixtures.FederationNodes;
import io.fednode.hub.Hub;
import io.fednode.hub.HubConfig;
import io.fednode.hub.member.JoinTokens;
import io.fednode.operator.OperatorSettings;
import io.fednode.operator.dataset.AnonymiserJobFakes;
import io.fednode.operator.hublink.HubLinkIT;
import io.fednode.operator.node.InstalledOperator;
import io.fednode.operator.node.Nodes;
import io.fednode.testing.FakeVolumeController;
import io.fednode.testing.PrometheusText;
import io.fednode.testing.RealApiServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator as installed (chart RBAC, all three controllers, its HTTP server) against a real
 * kube-apiserver and a real hub in this JVM: its {@code /metrics} is scraped while a node comes up,
 * a dataset is anonymised with a quarantined file (the test plays kubelet and Job controller) and
 * training runs start, queue and are refused; every expected value is what the test set up or reads
 * from the API server / the node's certificate, not from the operator's metrics code.
 */
class OperatorMetricsIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final String NS = "hospital-metrics";
    static final String NODE = "hospital-metrics";
    static final String HUB_NS = "federation-hub";
    static final String DIGEST = "0123456789abcdef".repeat(4);
    static final String IMAGE = "registry.example.org/fl/trainer@sha256:" + DIGEST;

    /** The anonymiser's report the fake Pod terminates with: 5 seen, 3 written, 2 quarantined. */
    static final String REPORT =
            "{\"filesSeen\":5,\"filesWritten\":3,\"filesQuarantined\":2,\"bytesIn\":50,"
                    + "\"bytesOut\":30,\"quarantineReasons\":{\"not-dicom\":2}}\n";

    static InstalledOperator operator;
    static Hub hub;

    @BeforeAll
    static void start() throws Exception {
        KubernetesClient admin = API.client();
        API.installCrd(Path.of("../crds/federationmembers.fednode.io-v1.yml"));
        Nodes.namespace(admin, HUB_NS);
        operator =
                InstalledOperator.install(
                        admin,
                        API::clientAs,
                        OperatorSettings.defaults().withNamespaces(Set.of(NS)).withHttpPort(0));
        hub =
                new Hub(
                                admin,
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
        spec.setRole(NodeRole.HYBRID);
        m.setSpec(spec);
        admin.resource(m).create();
        String tokenSecret = JoinTokens.secretName(NODE);
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                admin.secrets().inNamespace(HUB_NS).withName(tokenSecret).get()
                                        != null);
        HubLinkIT.handOver(
                admin,
                admin.secrets().inNamespace(HUB_NS).withName(tokenSecret).get(),
                NS,
                "hub-join");
    }

    @AfterAll
    static void stop() throws Exception {
        if (operator != null) {
            operator.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    static String url(String path) {
        return "http://127.0.0.1:" + operator.running().http().port() + path;
    }

    static PrometheusText scrape() throws Exception {
        return PrometheusText.scrape(url("/metrics"));
    }

    static double gauge(String name, String... labels) throws Exception {
        return scrape().value(name, labels)
                .orElseThrow(() -> new AssertionError("no sample " + name + " " + List.of(labels)));
    }

    @Test
    void metricsMoveWithTheNodeDatasetsAndRuns() throws Exception {
        KubernetesClient admin = API.client();
        HttpResponse<String> ready =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url("/readyz"))).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode())
                .as("/readyz without leader election, started")
                .isEqualTo(200);

        PrometheusText empty = scrape();
        assertThat(empty.value("fednode_nodes", "condition", "Ready", "status", "True"))
                .contains(0.0);
        assertThat(empty.value("fednode_datasets", "state", "Ready")).contains(0.0);
        assertThat(empty.value("fednode_dataset_files", "outcome", "quarantined")).contains(0.0);
        assertThat(empty.value("fednode_training_runs", "state", "Running")).contains(0.0);
        for (String state : ResourceStates.FEDERATED_JOB_STATES) {
            assertThat(empty.value("fednode_federated_jobs", "state", state))
                    .as("fednode_federated_jobs{state=%s}", state)
                    .contains(0.0);
        }
        System.out.println("JOSDK metrics exported: " + josdkNames(empty));

        // A hybrid node linked to the real hub: 2 GPUs per run, 1 run at a time.
        FederationNode node = FederationNodes.hospital(NS, NODE, NodeRole.HYBRID).build();
        node.getSpec().getHub().setEndpoint("https://127.0.0.1:" + hub.nodePort());
        node.getSpec().getHub().setCaBundleSecretRef(new SecretKeyRef("hub-join", "ca.crt"));
        node.getSpec().getConnectivity().setHeartbeatInterval("5s");
        node.getSpec().getCompute().setMaxGpusPerRun(2);
        node.getSpec().getCompute().setMaxConcurrentRuns(1);
        node.getSpec().getCompute().setAllowedImages(List.of("registry.example.org/fl/"));
        admin.resource(node).create();

        // Before its volumes are bound it is not Ready, and the metrics say so.
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            ConditionAssert.assertThat(current()).hasCondition("Ready", "False");
                            assertThat(gauge("fednode_node_ready", "namespace", NS, "node", NODE))
                                    .isZero();
                            assertThat(
                                            gauge(
                                                    "fednode_nodes",
                                                    "condition",
                                                    "Ready",
                                                    "status",
                                                    "False"))
                                    .isEqualTo(1.0);
                        });
        assertThat(gauge("fednode_gpus_allowed", "namespace", NS, "node", NODE)).isEqualTo(2.0);
        assertThat(gauge("fednode_gpus_in_use", "namespace", NS, "node", NODE)).isZero();

        for (String volume : List.of("raw", "anonymised", "scratch")) {
            FakeVolumeController.bind(admin, NS, NODE + "-" + volume);
        }
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            FederationNode n = current();
                            ConditionAssert.assertThat(n).hasCondition("Ready", "True");
                            ConditionAssert.assertThat(n).hasCondition("Connected", "True");
                            assertThat(gauge("fednode_node_ready", "namespace", NS, "node", NODE))
                                    .isEqualTo(1.0);
                            assertThat(
                                            gauge(
                                                    "fednode_hub_connected",
                                                    "namespace",
                                                    NS,
                                                    "node",
                                                    NODE))
                                    .isEqualTo(1.0);
                            assertThat(
                                            gauge(
                                                    "fednode_nodes",
                                                    "condition",
                                                    "Ready",
                                                    "status",
                                                    "True"))
                                    .isEqualTo(1.0);
                            assertThat(
                                            gauge(
                                                    "fednode_nodes",
                                                    "condition",
                                                    "Registered",
                                                    "status",
                                                    "True"))
                                    .isEqualTo(1.0);
                        });
        // The certificate's expiry as the node's identity Secret holds it.
        Secret identity = admin.secrets().inNamespace(NS).withName(NODE + "-hub-identity").get();
        X509Certificate cert =
                (X509Certificate)
                        CertificateFactory.getInstance("X.509")
                                .generateCertificate(
                                        new ByteArrayInputStream(
                                                Base64.getDecoder()
                                                        .decode(
                                                                identity.getData()
                                                                        .get("tls.crt"))));
        double expected =
                Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toSeconds();
        assertThat(gauge("fednode_node_certificate_expiry_seconds", "namespace", NS, "node", NODE))
                .isCloseTo(expected, within(10.0));

        // A dataset: Running while its Job works, then Ready with 3 files written, 2 quarantined.
        Dataset ds = new Dataset();
        ds.setMetadata(new ObjectMetaBuilder().withName("lung-ct").withNamespace(NS).build());
        DatasetSpec dsSpec = new DatasetSpec();
        dsSpec.setNodeRef(NODE);
        dsSpec.setSource(new DatasetSource("imports/lung-ct"));
        ds.setSpec(dsSpec);
        admin.resource(ds).create();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                admin.batch()
                                                .v1()
                                                .jobs()
                                                .inNamespace(NS)
                                                .withName("lung-ct-r1")
                                                .get()
                                        != null);
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(gauge("fednode_datasets", "state", "Running"))
                                        .isEqualTo(1.0));
        Job job = admin.batch().v1().jobs().inNamespace(NS).withName("lung-ct-r1").get();
        AnonymiserJobFakes.fakeKubeletTerminates(admin, job, "lung-ct-r1-abcde", 0, REPORT);
        AnonymiserJobFakes.finishJob(admin, job, true);
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            PrometheusText m = scrape();
                            assertThat(m.value("fednode_datasets", "state", "Ready")).contains(1.0);
                            assertThat(m.value("fednode_datasets", "state", "Running"))
                                    .contains(0.0);
                            assertThat(m.value("fednode_dataset_files", "outcome", "quarantined"))
                                    .contains(2.0);
                            assertThat(m.value("fednode_dataset_files", "outcome", "anonymised"))
                                    .contains(3.0);
                        });

        // Runs: one starts (2 GPUs), one queues behind it, one asks for more than allowed.
        admin.resource(run("round-1", 2)).create();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                admin.batch().v1().jobs().inNamespace(NS).withName("round-1").get()
                                        != null);
        admin.resource(run("round-2", 1)).create();
        admin.resource(run("too-big", 3)).create();
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            PrometheusText m = scrape();
                            assertThat(m.value("fednode_training_runs", "state", "Starting"))
                                    .contains(1.0);
                            assertThat(m.value("fednode_training_runs", "state", "Queued"))
                                    .contains(1.0);
                            assertThat(m.value("fednode_training_runs", "state", "Refused"))
                                    .contains(1.0);
                            assertThat(
                                            m.value(
                                                    "fednode_gpus_in_use",
                                                    "namespace",
                                                    NS,
                                                    "node",
                                                    NODE))
                                    .contains(2.0);
                        });
        // The first run goes: the queued one takes the slot with its 1 GPU.
        admin.resources(TrainingRun.class).inNamespace(NS).withName("round-1").delete();
        // its Job goes with it (no garbage collector runs here, so the test deletes it)
        admin.batch().v1().jobs().inNamespace(NS).withName("round-1").delete();
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            PrometheusText m = scrape();
                            assertThat(m.value("fednode_training_runs", "state", "Starting"))
                                    .contains(1.0);
                            assertThat(m.value("fednode_training_runs", "state", "Queued"))
                                    .contains(0.0);
                            assertThat(
                                            m.value(
                                                    "fednode_gpus_in_use",
                                                    "namespace",
                                                    NS,
                                                    "node",
                                                    NODE))
                                    .contains(1.0);
                        });

        // JOSDK's own metrics are exported too, under the names docs/metrics.md lists.
        PrometheusText m = scrape();
        assertThat(m.sum("operator_sdk_reconciliations_started_total")).isPositive();
        assertThat(m.names())
                .contains(
                        "operator_sdk_reconciliations_started_total",
                        "operator_sdk_reconciliations_success_total",
                        "operator_sdk_events_received_total");
        System.out.println("JOSDK metrics exported: " + josdkNames(m));
    }

    static FederationNode current() {
        return API.client().resources(FederationNode.class).inNamespace(NS).withName(NODE).get();
    }

    static List<String> josdkNames(PrometheusText m) {
        return m.names().stream().filter(n -> n.startsWith("operator_sdk")).toList();
    }

    static TrainingRun run(String name, int gpus) {
        TrainingRun run = new TrainingRun();
        run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setNodeRef(NODE);
        spec.setImage(IMAGE);
        spec.setGpus(gpus);
        spec.setAggregator(new AggregatorSpec("https://203.0.113.10:9092"));
        run.setSpec(spec);
        return run;
    }
}
