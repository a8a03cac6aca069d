package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.FederatedJob;
import io.fednode.api.v1alpha1.FederatedJobAcceptance;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobPlacement;
import io.fednode.api.v1alpha1.FederatedJobPolicy;
import io.fednode.api.v1alpha1.FederatedJobResultLimits;
import io.fednode.api.v1alpha1.FederatedJobSpec;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.JobType;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.hub.Hub;
import io.fednode.hub.HubConfig;
import io.fednode.testing.RealApiServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's side of federated jobs against the real hub (the i12/hub endpoints, in process, on a
 * real API server): a FederatedJob created at the hub is offered to the enrolled node, accepted,
 * run as a TrainingRun and reported with its results until the hub's job is Succeeded with the
 * node's metrics; an offer outside the node's policy is Refused at the hub with the node's reason.
 * The test plays the training controller's part (the run's status and its Pod's termination
 * message); the hub link is stepped directly, one heartbeat per step.
 */
class FederatedJobsRealHubIT {
    static final String HUB_NS = "fednode-hub-fj";
    static final String NODE_NS = "hospital-fj-real";
    static final String NODE = "hospital-r";

    @RegisterExtension static final RealApiServer API = new RealApiServer();
    static KubernetesClient admin;
    static Hub hub;
    static HubLink link;

    @BeforeAll
    static void start() throws Exception {
        admin = API.client();
        for (String crd :
                List.of(
                        "federationnodes",
                        "trainingruns",
                        "datasets",
                        "federationmembers",
                        "federatedjobs")) {
            API.installCrd(Path.of("../crds/" + crd + ".fednode.io-v1.yml"));
        }
        for (String ns : List.of(HUB_NS, NODE_NS)) {
            admin.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                    .create();
        }
        hub =
                new Hub(
                                admin,
                                HubConfig.builder()
                                        .namespace(HUB_NS)
                                        .port(0)
                                        .adminPort(0)
                                        .statusRefresh(Duration.ofMinutes(10))
                                        .statusSyncPeriod(Duration.ofMillis(200))
                                        .defaultHeartbeatInterval(Duration.ofSeconds(1))
                                        .build())
                        .start();
        FederationMember m = new FederationMember();
        m.getMetadata().setName(NODE);
        m.getMetadata().setNamespace(HUB_NS);
        FederationMemberSpec spec = new FederationMemberSpec();
        spec.setNodeId(NODE);
        spec.setRole(NodeRole.COMPUTE);
        m.setSpec(spec);
        admin.resource(m).create();
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                admin.secrets()
                                                .inNamespace(HUB_NS)
                                                .withName(NODE + "-join-token")
                                                .get()
                                        != null);
        Secret token = admin.secrets().inNamespace(HUB_NS).withName(NODE + "-join-token").get();
        HubLinkIT.handOver(admin, token, NODE_NS, "hub-join");

        FederationNode node =
                HubLinkIT.linkedNode(NODE_NS, NODE, "https://localhost:" + hub.nodePort())
                        .role(NodeRole.COMPUTE)
                        .allowedImages("registry.example.org/fl/")
                        .requireDigest()
                        .egress("203.0.113.0/24")
                        .build();
        FederatedJobPolicy policy = new FederatedJobPolicy();
        policy.setAccept(FederatedJobAcceptance.Automatic);
        node.getSpec().setFederatedJobs(policy);
        node = admin.resource(node).create();
        link = new HubLink(admin, node, "0.1.0-test", Clock.systemUTC(), () -> {});
        link.step(); // enrol and the first heartbeat: the hub now knows the member
        assertThat(link.status().connected().status())
                .as(link.status().connected().message())
                .isEqualTo("True");
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    static FederatedJob job(String name, String image) {
        FederatedJobSpec s = new FederatedJobSpec();
        s.setType(JobType.Evaluate);
        s.setSubmitter("alice@example.org");
        s.setImage(image);
        s.setCommand(List.of("python", "-m", "evaluate"));
        FederatedJobPlacement p = new FederatedJobPlacement();
        p.setNodes(List.of(NODE));
        p.setMinNodes(1);
        s.setPlacement(p);
        FederatedJobResultLimits r = new FederatedJobResultLimits();
        r.setMaxBytes(512);
        r.setAllowedMetrics(List.of("auc", "dice"));
        s.setResults(r);
        FederatedJob j = new FederatedJob();
        j.getMetadata().setName(name);
        j.getMetadata().setNamespace(HUB_NS);
        j.setSpec(s);
        return admin.resource(j).create();
    }

    static FederatedJobNodeStatus entry(FederatedJob job) {
        FederatedJob j =
                admin.resources(FederatedJob.class)
                        .inNamespace(HUB_NS)
                        .withName(job.getMetadata().getName())
                        .get();
        return j.getStatus() == null
                ? null
                : j.getStatus().getNodes().stream()
                        .filter(e -> NODE.equals(e.getNodeId()))
                        .findFirst()
                        .orElse(null);
    }

    /** Heartbeats (steps of the link) until the hub's entry for the node is in {@code phase}. */
    static FederatedJobNodeStatus stepUntil(FederatedJob job, FederatedJobNodeStatus.Phase phase) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(
                        () -> {
                            link.step();
                            FederatedJobNodeStatus e = entry(job);
                            assertThat(e).isNotNull();
                            assertThat(e.getPhase()).as(e.getReason()).isEqualTo(phase);
                        });
        return entry(job);
    }

    static List<TrainingRun> runsOf(FederatedJob job) {
        return admin.resources(TrainingRun.class)
                .inNamespace(NODE_NS)
                .withLabel("fednode.io/federated-job-uid", job.getMetadata().getUid())
                .list()
                .getItems();
    }

    @Test
    void aJobFromTheRealHubIsRunOnceAndItsResultsMakeItSucceed() {
        FederatedJob job = job("tumour-eval", JobTestHub.IMAGE);
        stepUntil(job, FederatedJobNodeStatus.Phase.Accepted);
        assertThat(runsOf(job)).hasSize(1);
        TrainingRun run = runsOf(job).get(0);
        assertThat(run.getMetadata().getAnnotations())
                .containsEntry("fednode.io/federated-job-origin", HUB_NS + "/tumour-eval");

        RunProgress.set(
                admin,
                run,
                "Succeeded",
                "{\"metrics\":{\"auc\":0.9,\"dice\":0.75},\"numExamples\":40}");
        FederatedJobNodeStatus done = stepUntil(job, FederatedJobNodeStatus.Phase.Succeeded);
        assertThat(done.getMetrics()).containsEntry("auc", 0.9).containsEntry("dice", 0.75);
        assertThat(done.getNumExamples()).isEqualTo(40L);
        assertThat(runsOf(job)).as("no second run").hasSize(1);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> {
                            FederatedJob j =
                                    admin.resources(FederatedJob.class)
                                            .inNamespace(HUB_NS)
                                            .withName("tumour-eval")
                                            .get();
                            assertThat(
                                            Conditions.is(
                                                    j.getStatus().getConditions(),
                                                    "Succeeded",
                                                    "True"))
                                    .isTrue();
                            assertThat(j.getStatus().getAggregated()).containsEntry("auc", 0.9);
                        });
    }

    @Test
    void anOfferOutsideTheNodesPolicyIsRefusedAtTheHubWithTheNodesReason() {
        FederatedJob job = job("foreign", "docker.io/library/python@sha256:" + JobTestHub.DIGEST);
        FederatedJobNodeStatus refused = stepUntil(job, FederatedJobNodeStatus.Phase.Refused);
        assertThat(refused.getReason()).isEqualTo("ImageNotAllowed");
        assertThat(refused.getMessage()).contains("compute.allowedImages");
        assertThat(runsOf(job)).isEmpty();
    }
}
