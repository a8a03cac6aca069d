package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetSpec;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunSpec;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import io.fednode.fixtures.FederationNodes;
import io.fednode.hub.heartbeat.HeartbeatReport;
import io.fednode.hub.http.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What a heartbeat tells the hub, and that the hub's own schema accepts it. */
class HeartbeatContentTest {
    static final String NS = "hospital-a";

    @Test
    void aComputeNodeReportsItsSlotsTimesGpusPerRunAndTheGpusOfRunsHoldingASlot() {
        FederationNode node = node(NodeRole.COMPUTE, 2, 4);
        List<TrainingRun> runs =
                List.of(
                        run("running", "hospital-a", 3, started(null)),
                        run("job-pending", "hospital-a", 1, started("Unknown")),
                        run("queued", "hospital-a", 2, queued()),
                        run("succeeded", "hospital-a", 4, started("True")),
                        run("failed", "hospital-a", 4, failed()),
                        run("no-status", "hospital-a", 4, null),
                        run("other-node", "hospital-b", 2, started(null)));

        HeartbeatContent.Gpus gpus = HeartbeatContent.gpus(node, runs);

        assertThat(gpus).isEqualTo(new HeartbeatContent.Gpus(8, 4));
    }

    @Test
    void aDataNodeReportsNoGpus() throws Exception {
        FederationNode node = node(NodeRole.DATA, 2, 4);
        List<TrainingRun> runs = List.of(run("running", "hospital-a", 3, started(null)));

        assertThat(HeartbeatContent.gpus(node, runs)).isNull();
        Map<String, Object> report =
                HeartbeatContent.report(node, "0.1.0", Duration.ofSeconds(30), List.of(), runs);
        assertThat(report).doesNotContainKey("gpus");
        assertThat(acceptedByTheHub(report).gpus()).isNull();
    }

    @Test
    void aHybridNodeWithoutAComputePolicyHasNoCapacity() {
        FederationNode node = node(NodeRole.HYBRID, 1, 1);
        node.getSpec().setCompute(null);

        assertThat(HeartbeatContent.gpus(node, List.of()))
                .isEqualTo(new HeartbeatContent.Gpus(0, 0));
    }

    @Test
    void runsStillHoldingMoreThanATightenedPolicyAllowsRaiseTheReportedCapacity() {
        // maxGpusPerRun lowered from 4 to 1 while a 4-GPU run runs: the hub refuses
        // allocated > capacity, and the node does hold those 4.
        FederationNode node = node(NodeRole.HYBRID, 1, 1);
        List<TrainingRun> runs = List.of(run("big", "hospital-a", 4, started(null)));

        assertThat(HeartbeatContent.gpus(node, runs)).isEqualTo(new HeartbeatContent.Gpus(4, 4));
    }

    @Test
    void datasetsOfTheNodeAreReportedByNameWithWrittenCountsAndReady() {
        FederationNode node = node(NodeRole.DATA, 1, 1);
        List<Dataset> datasets =
                List.of(
                        dataset("mri", "hospital-a", NS, 30L, 3_000L, "False"),
                        dataset("ct", "hospital-a", NS, 120L, 50_000L, "True"),
                        dataset("new", "hospital-a", NS, null, null, null),
                        dataset("theirs", "hospital-b", NS, 7L, 7L, "True"),
                        dataset("elsewhere", "hospital-a", "other-ns", 7L, 7L, "True"));

        assertThat(HeartbeatContent.datasets(node, datasets))
                .containsExactly(
                        new HeartbeatContent.DatasetSummary("ct", 120L, 50_000L, true),
                        new HeartbeatContent.DatasetSummary("mri", 30L, 3_000L, false),
                        new HeartbeatContent.DatasetSummary("new", null, null, false));
    }

    @Test
    void at101DatasetsTheFirst100ByNameAreReported() throws Exception {
        FederationNode node = node(NodeRole.HYBRID, 1, 1);
        List<Dataset> datasets = new ArrayList<>();
        IntStream.rangeClosed(1, 101)
                .mapToObj(i -> String.format("ds-%03d", i))
                .forEach(name -> datasets.add(0, dataset(name, "hospital-a", NS, 1L, 1L, "True")));

        List<HeartbeatContent.DatasetSummary> reported = HeartbeatContent.datasets(node, datasets);

        assertThat(reported).hasSize(100);
        assertThat(reported.get(0).name()).isEqualTo("ds-001");
        assertThat(reported.get(99).name()).isEqualTo("ds-100");
        HeartbeatReport accepted =
                acceptedByTheHub(
                        HeartbeatContent.report(
                                node, "0.1.0", Duration.ofSeconds(30), datasets, List.of()));
        assertThat(accepted.datasets()).hasSize(HeartbeatReport.MAX_DATASETS);
    }

    @Test
    void theReportIsInTheHubsSchemaAndCarriesNoPaths() throws Exception {
        FederationNode node = node(NodeRole.HYBRID, 2, 4);
        node.setStatus(new FederationNodeStatus());
        node.getStatus()
                .setConditions(
                        List.of(
                                condition("Ready", "True", "NodeReady"),
                                condition("Connected", "False", "HubUnreachable")));
        Dataset ct = dataset("ct.scans", "hospital-a", NS, 120L, 50_000L, "True");
        ct.getStatus().setOutputPath("ct.scans/r3");
        ct.getStatus().setJobName("ct.scans-anonymise-r3");
        ct.getStatus().setQuarantineReasons(Map.of("unsupported-transfer-syntax", 3L));

        Map<String, Object> report =
                HeartbeatContent.report(
                        node,
                        "0.1.0",
                        Duration.ofSeconds(30),
                        List.of(ct),
                        List.of(run("running", "hospital-a", 3, started(null))));
        String json = HubClient.JSON.writeValueAsString(report);
        HeartbeatReport accepted = acceptedByTheHub(report);

        assertThat(accepted.nodeId()).isEqualTo("hospital-a");
        assertThat(accepted.role()).isEqualTo(NodeRole.HYBRID);
        assertThat(accepted.intervalSeconds()).isEqualTo(30);
        assertThat(accepted.gpus()).isEqualTo(new HeartbeatReport.Gpus(8, 3));
        assertThat(accepted.datasets())
                .containsExactly(new HeartbeatReport.Dataset("ct.scans", 120L, 50_000L, true));
        assertThat(accepted.ready().status()).isEqualTo("True");
        assertThat(json)
                .doesNotContain("r3")
                .doesNotContain("anonymise")
                .doesNotContain("transfer-syntax")
                .doesNotContain("/");
    }

    @Test
    void aNewLinkResumesFromTheValuesTheNodeStatusShows() {
        FederationNode node = node(NodeRole.DATA, 1, 1);
        assertThat(HubLinkStatus.resumedFrom(node)).isEqualTo(HubLinkStatus.STARTING);

        node.setStatus(new FederationNodeStatus());
        node.getStatus()
                .setConditions(
                        List.of(
                                condition("Registered", "True", "Enrolled"),
                                condition("Connected", "Unknown", "NotConnected")));
        HubLinkStatus resumed = HubLinkStatus.resumedFrom(node);

        assertThat(resumed.registered()).isEqualTo(new LinkCondition("True", "Enrolled", "test"));
        assertThat(resumed.connected()).isEqualTo(HubLinkStatus.STARTING.connected());
    }

    /** Serialised as HubClient sends it, parsed and validated as the hub's endpoint does. */
    static HeartbeatReport acceptedByTheHub(Map<String, Object> report) throws Exception {
        byte[] body = HubClient.JSON.writeValueAsBytes(report);
        return Json.MAPPER.readValue(body, HeartbeatReport.class).validate();
    }

    static FederationNode node(NodeRole role, int slots, int gpusPerRun) {
        return FederationNodes.node(NS, "hospital-a").role(role).gpus(gpusPerRun, slots).build();
    }

    static TrainingRun run(String name, String node, int gpus, TrainingRunStatus status) {
        TrainingRun run = new TrainingRun();
        run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setNodeRef(node);
        spec.setImage("registry.example.org/fl/trainer:1");
        spec.setGpus(gpus);
        run.setSpec(spec);
        run.setStatus(status);
        return run;
    }

    /** As the training controller writes it once the Job exists; succeeded: null = running. */
    static TrainingRunStatus started(String succeeded) {
        TrainingRunStatus s = new TrainingRunStatus();
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
        return s;
    }

    static TrainingRunStatus failed() {
        TrainingRunStatus s = started("False");
        s.getConditions().add(condition("Failed", "True", "JobFailed"));
        s.setCompletionTime("2026-11-26T11:00:00Z");
        return s;
    }

    static TrainingRunStatus queued() {
        TrainingRunStatus s = new TrainingRunStatus();
        s.setConditions(
                List.of(
                        condition("Admitted", "True", "Admitted"),
                        condition("Queued", "True", "QuotaExceeded"),
                        condition("Running", "False", "QuotaExceeded"),
                        condition("Succeeded", "Unknown", "QuotaExceeded")));
        return s;
    }

    static Dataset dataset(
            String name, String node, String namespace, Long files, Long bytes, String ready) {
        Dataset d = new Dataset();
        d.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        DatasetSpec spec = new DatasetSpec();
        spec.setNodeRef(node);
        d.setSpec(spec);
        if (files != null || ready != null) {
            DatasetStatus s = new DatasetStatus();
            s.setFiles(new DatasetStatus.DatasetFiles(files, files, 0L));
            s.setBytes(new DatasetStatus.DatasetBytes(bytes == null ? null : bytes * 2, bytes));
            if (ready != null) {
                s.setConditions(List.of(condition("Ready", ready, "Test")));
            }
            d.setStatus(s);
        }
        return d;
    }

    static Condition condition(String type, String status, String reason) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage("test")
                .build();
    }
}
