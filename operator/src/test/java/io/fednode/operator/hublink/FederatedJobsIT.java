package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederatedJobAcceptance;
import io.fednode.api.v1alpha1.FederatedJobDecision;
import io.fednode.api.v1alpha1.FederatedJobOffer;
import io.fednode.api.v1alpha1.FederatedJobPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.testing.RealApiServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's side of federated jobs (issue 12) against a real kube-apiserver and a test hub: a real
 * HTTPS server on 127.0.0.1 that enrols the node, then serves the contract's three calls over mTLS
 * (the node is identified by its client certificate's CN, as the hub does) and keeps each node's
 * entry of each job with the hub's transition rules. The test plays the training controller's part
 * where a run must progress (a run's status, its Pod's termination message): no kubelet here.
 */
class FederatedJobsIT {
    static final String NS = "hospital-fjob";
    static final String DIGEST = JobTestHub.DIGEST;
    static final String IMAGE = JobTestHub.IMAGE;

    @RegisterExtension static final RealApiServer API = new RealApiServer();
    static KubernetesClient kube;
    static JobTestHub hub;

    @BeforeAll
    static void start() throws Exception {
        kube = API.client();
        API.installCrd(Path.of("../crds/federationnodes.fednode.io-v1.yml"));
        API.installCrd(Path.of("../crds/trainingruns.fednode.io-v1.yml"));
        API.installCrd(Path.of("../crds/datasets.fednode.io-v1.yml"));
        kube.namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        hub = new JobTestHub();
        hub.joinSecret(kube, NS);
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    static FederationNode createNode(String nodeId, FederatedJobAcceptance accept) {
        FederationNode node =
                HubLinkIT.linkedNode(NS, nodeId, hub.endpoint())
                        .role(NodeRole.COMPUTE)
                        .allowedImages("registry.example.org/fl/")
                        .requireDigest()
                        .egress("203.0.113.0/24")
                        .build();
        FederatedJobPolicy policy = new FederatedJobPolicy();
        policy.setAccept(accept);
        node.getSpec().setFederatedJobs(policy);
        return kube.resource(node).create();
    }

    static HubLink link(FederationNode node) {
        return new HubLink(kube, node, "0.1.0-test", Clock.systemUTC(), () -> {});
    }

    /** What the reconciler does with the link's status: the offers go into the node's status. */
    static FederationNode persist(FederationNode node, HubLink link) {
        FederationNode current =
                kube.resources(FederationNode.class)
                        .inNamespace(NS)
                        .withName(node.getMetadata().getName())
                        .get();
        FederationNodeStatus status = new FederationNodeStatus();
        status.setFederatedJobs(new ArrayList<>(link.status().federatedJobs()));
        current.setStatus(status);
        return kube.resource(current).updateStatus();
    }

    static List<TrainingRun> runsOf(String uid) {
        return kube.resources(TrainingRun.class)
                .inNamespace(NS)
                .withLabel("fednode.io/federated-job-uid", uid)
                .list()
                .getItems();
    }

    static FederatedJobOffer entry(HubLink link, String uid) {
        return link.status().federatedJobs().stream()
                .filter(e -> e.getUid().equals(uid))
                .findFirst()
                .orElse(null);
    }

    static List<String> eventReasons(String nodeName) {
        return kube.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> nodeName.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    static void progress(TrainingRun run, String condition, String terminationMessage) {
        RunProgress.set(kube, run, condition, terminationMessage);
    }

    // ---- tests -------------------------------------------------------------------------------

    @Test
    void anAcceptedJobRunsOnceAndItsCheckedResultsReachTheHubEvenAcrossARestart() {
        FederationNode node = createNode("fj-auto", FederatedJobAcceptance.Automatic);
        String uid = hub.offer("tumour-eval", "Evaluate", IMAGE, List.of("fj-auto"));
        HubLink link = link(node);

        link.step();
        List<TrainingRun> runs = runsOf(uid);
        assertThat(runs).hasSize(1);
        TrainingRun run = runs.get(0);
        assertThat(run.getMetadata().getName())
                .isEqualTo("fj-" + uid.substring(0, 8) + "-fj-auto-tumour-eval");
        assertThat(run.getMetadata().getAnnotations())
                .containsEntry("fednode.io/federated-job-origin", "research/tumour-eval")
                .containsEntry("fednode.io/federated-job-submitter", "alice@example.org")
                .containsEntry("fednode.io/federated-job-type", "Evaluate");
        assertThat(run.getSpec().getNodeRef()).isEqualTo("fj-auto");
        assertThat(run.getSpec().getImage()).isEqualTo(IMAGE);
        assertThat(hub.reportsOf("fj-auto", uid))
                .extracting(r -> r.path("phase").asText() + "/" + r.path("reason").asText())
                .containsExactly("Accepted/PolicyPassed");
        assertThat(entry(link, uid).getDecision()).isEqualTo(FederatedJobDecision.Accepted);
        assertThat(eventReasons("fj-auto")).contains("FederatedJobOffered", "FederatedJobAccepted");

        link.step();
        assertThat(runsOf(uid)).as("a second round makes no second run").hasSize(1);
        assertThat(hub.reportsOf("fj-auto", uid)).as("nothing new to report").hasSize(1);

        progress(run, "Running", null);
        link.step();
        assertThat(hub.reportsOf("fj-auto", uid))
                .extracting(r -> r.path("phase").asText())
                .containsExactly("Accepted", "Running");

        // The run ends while the hub does not take reports: the Succeeded report is lost, then
        // the operator restarts (a new link, from the status the reconciler wrote).
        progress(
                run,
                "Succeeded",
                "{\"metrics\":{\"auc\":0.91,\"dice\":0.8},\"metricErrors\":{\"auc\":0.02},"
                        + "\"numExamples\":120}");
        hub.failReports.set(1);
        link.step();
        assertThat(entry(link, uid).getPhase()).isEqualTo("Succeeded");
        assertThat(entry(link, uid).getReported()).isEqualTo("Running");
        FederationNode persisted = persist(node, link);

        HubLink restarted = link(persisted);
        restarted.step();
        assertThat(runsOf(uid)).as("the restart made no second run").hasSize(1);
        List<JsonNode> sent = hub.reportsOf("fj-auto", uid);
        assertThat(sent)
                .extracting(r -> r.path("phase").asText())
                .containsExactly("Accepted", "Running", "Succeeded");
        JsonNode results = sent.get(2).path("results");
        assertThat(results.path("metrics").path("auc").asDouble()).isEqualTo(0.91);
        assertThat(results.path("metrics").path("dice").asDouble()).isEqualTo(0.8);
        assertThat(results.path("metricErrors").path("auc").asDouble()).isEqualTo(0.02);
        assertThat(results.path("numExamples").asLong()).isEqualTo(120);

        // The hub lists it no more (terminal): the finished run stays, the entry goes.
        restarted.step();
        assertThat(runsOf(uid)).hasSize(1);
        assertThat(entry(restarted, uid)).isNull();
    }

    @Test
    void anOfferOutsideThePolicyIsRefusedWithItsReasonAndNothingRuns() {
        FederationNode node = createNode("fj-refuse", FederatedJobAcceptance.Automatic);
        String uid =
                hub.offer(
                        "foreign-image",
                        "Train",
                        "docker.io/library/python@sha256:" + DIGEST,
                        List.of("fj-refuse"));
        HubLink link = link(node);
        link.step();
        assertThat(runsOf(uid)).isEmpty();
        List<JsonNode> sent = hub.reportsOf("fj-refuse", uid);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).path("phase").asText()).isEqualTo("Refused");
        assertThat(sent.get(0).path("reason").asText()).isEqualTo("ImageNotAllowed");
        assertThat(sent.get(0).path("message").asText())
                .contains("docker.io/library/python@sha256:")
                .contains("compute.allowedImages [registry.example.org/fl/]");
        assertThat(sent.get(0).has("results")).isFalse();
        assertThat(eventReasons("fj-refuse")).contains("FederatedJobRefused");
    }

    @Test
    void aNodeThatNeverAcceptsRefusesEveryOffer() {
        FederationNode node = createNode("fj-never", FederatedJobAcceptance.Never);
        String uid = hub.offer("anything", "Evaluate", IMAGE, List.of("fj-never"));
        link(node).step();
        assertThat(hub.reportsOf("fj-never", uid))
                .extracting(r -> r.path("reason").asText())
                .containsExactly("JobsNotAccepted");
        assertThat(runsOf(uid)).isEmpty();
    }

    @Test
    void manualOffersWaitForTheHospitalsAnnotation() {
        FederationNode node = createNode("fj-manual", FederatedJobAcceptance.Manual);
        String approved = hub.offer("approved", "Evaluate", IMAGE, List.of("fj-manual"));
        String refused = hub.offer("refused", "Evaluate", IMAGE, List.of("fj-manual"));
        HubLink link = link(node);
        link.step();
        assertThat(entry(link, approved).getDecision())
                .isEqualTo(FederatedJobDecision.PendingApproval);
        assertThat(entry(link, refused).getDecision())
                .isEqualTo(FederatedJobDecision.PendingApproval);
        assertThat(hub.reportsOf("fj-manual", approved)).isEmpty();
        assertThat(runsOf(approved)).isEmpty();

        FederationNode annotated =
                kube.resources(FederationNode.class)
                        .inNamespace(NS)
                        .withName("fj-manual")
                        .edit(
                                n -> {
                                    n.getMetadata()
                                            .setAnnotations(
                                                    Map.of(
                                                            FederatedJobPolicy.APPROVE_ANNOTATION,
                                                            approved,
                                                            FederatedJobPolicy.REFUSE_ANNOTATION,
                                                            "some-other-uid, " + refused));
                                    return n;
                                });
        link.node(annotated); // what the reconcile on the annotation change does
        link.step();
        assertThat(runsOf(approved)).hasSize(1);
        assertThat(runsOf(refused)).isEmpty();
        assertThat(hub.reportsOf("fj-manual", approved))
                .extracting(r -> r.path("phase").asText() + "/" + r.path("reason").asText())
                .containsExactly("Accepted/ApprovedByHospital");
        assertThat(hub.reportsOf("fj-manual", refused))
                .extracting(r -> r.path("phase").asText() + "/" + r.path("reason").asText())
                .containsExactly("Refused/RefusedByHospital");
    }

    @Test
    void theUnfinishedRunOfAJobTheHubDropsIsStopped() {
        FederationNode node = createNode("fj-stop", FederatedJobAcceptance.Automatic);
        String uid = hub.offer("cancelled", "Evaluate", IMAGE, List.of("fj-stop"));
        HubLink link = link(node);
        link.step();
        assertThat(runsOf(uid)).hasSize(1);
        hub.listedFor.put("fj-stop", List.of()); // the FederatedJob was deleted at the hub
        link.step();
        assertThat(runsOf(uid)).isEmpty();
        assertThat(entry(link, uid)).isNull();
        assertThat(eventReasons("fj-stop")).contains("FederatedJobStopped");
    }

    @Test
    void resultsThatBreakTheRulesAreNotSentAndTheJobFails() {
        FederationNode node = createNode("fj-bad", FederatedJobAcceptance.Automatic);
        String uid = hub.offer("leaky", "Evaluate", IMAGE, List.of("fj-bad"));
        HubLink link = link(node);
        link.step();
        TrainingRun run = runsOf(uid).get(0);
        progress(run, "Succeeded", "{\"metrics\":{\"auc\":0.9},\"patient\":\"Jane Doe\"}");
        link.step();
        List<JsonNode> sent = hub.reportsOf("fj-bad", uid);
        assertThat(sent)
                .extracting(r -> r.path("phase").asText())
                .containsExactly("Accepted", "Failed");
        assertThat(sent.get(1).path("reason").asText()).isEqualTo("ResultsRejected");
        assertThat(sent.get(1).has("results")).isFalse();
        assertThat(sent.get(1).toString()).doesNotContain("Jane");
    }
}
