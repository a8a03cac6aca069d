package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederatedJobAcceptance;
import io.fednode.api.v1alpha1.FederatedJobDecision;
import io.fednode.api.v1alpha1.FederatedJobOffer;
import io.fednode.api.v1alpha1.FederatedJobPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.operator.node.FederationNodeReconciler;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.RealApiServer;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Federated jobs through the running operator: the FederationNode reconciler and its hub links,
 * acting as the operator's ServiceAccount with the chart's Role (so creating and deleting the
 * TrainingRuns is proven to be allowed), against the mTLS test hub. The offers and decisions reach
 * the node's {@code status.federatedJobs}, and {@code kubectl annotate} approves.
 */
class FederatedJobsOperatorIT {
    static final String NS = "hospital-fjob-op";
    static final String NODE = "fj-operated";

    @RegisterExtension static final RealApiServer API = new RealApiServer();
    static KubernetesClient admin;
    static KubernetesClient operatorClient;
    static JobTestHub hub;
    static HubLinks links;
    static Operator operator;

    @BeforeAll
    static void start() throws Exception {
        admin = API.client();
        OperatorManifests.applyAllButDeployment(admin, List.of(NS));
        if (admin.namespaces().withName(NS).get() == null) {
            admin.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(NS)
                                    .endMetadata()
                                    .build())
                    .create();
        }
        hub = new JobTestHub();
        hub.joinSecret(admin, NS);
        operatorClient = API.clientAs("fednode-system", "fednode-operator");
        links = new HubLinks(operatorClient, "0.1.0-test");
        operator =
                new Operator(
                        o ->
                                o.withKubernetesClient(operatorClient)
                                        .checkingCRDAndValidateLocalModel(false)
                                        .withStopOnInformerErrorDuringStartup(true));
        operator.register(
                new FederationNodeReconciler(links), c -> c.settingNamespaces(Set.of(NS)));
        operator.start();
    }

    @AfterAll
    static void stop() {
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

    static FederationNode node() {
        return admin.resources(FederationNode.class).inNamespace(NS).withName(NODE).get();
    }

    static FederatedJobOffer entry(String uid) {
        FederationNode n = node();
        return n.getStatus() == null
                ? null
                : n.getStatus().getFederatedJobs().stream()
                        .filter(e -> uid.equals(e.getUid()))
                        .findFirst()
                        .orElse(null);
    }

    static List<TrainingRun> runsOf(String uid) {
        return admin.resources(TrainingRun.class)
                .inNamespace(NS)
                .withLabel("fednode.io/federated-job-uid", uid)
                .list()
                .getItems();
    }

    @Test
    void aManualOfferIsShownInTheStatusApprovedByAnnotationRunAndStoppedWhenDropped() {
        FederationNode n =
                HubLinkIT.linkedNode(NS, NODE, hub.endpoint())
                        .role(NodeRole.COMPUTE)
                        .allowedImages("registry.example.org/fl/")
                        .requireDigest()
                        .egress("203.0.113.0/24")
                        .build();
        FederatedJobPolicy policy = new FederatedJobPolicy();
        policy.setAccept(FederatedJobAcceptance.Manual);
        n.getSpec().setFederatedJobs(policy);
        String uid = hub.offer("survival-eval", "Evaluate", JobTestHub.IMAGE, List.of(NODE));
        admin.resource(n).create();

        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            FederatedJobOffer e = entry(uid);
                            assertThat(e.getDecision())
                                    .isEqualTo(FederatedJobDecision.PendingApproval);
                            assertThat(e.getName()).isEqualTo("research/survival-eval");
                            assertThat(e.getSubmitter()).isEqualTo("alice@example.org");
                            assertThat(e.getType()).isEqualTo("Evaluate");
                        });
        assertThat(runsOf(uid)).isEmpty();
        assertThat(hub.reportsOf(NODE, uid)).isEmpty();

        // kubectl annotate fnode fj-operated fednode.io/approve-jobs=<uid> --overwrite
        admin.resources(FederationNode.class)
                .inNamespace(NS)
                .withName(NODE)
                .edit(
                        x -> {
                            x.getMetadata()
                                    .setAnnotations(
                                            Map.of(FederatedJobPolicy.APPROVE_ANNOTATION, uid));
                            return x;
                        });
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertThat(runsOf(uid)).hasSize(1);
                            FederatedJobOffer e = entry(uid);
                            assertThat(e.getDecision()).isEqualTo(FederatedJobDecision.Accepted);
                            assertThat(e.getReason()).isEqualTo("ApprovedByHospital");
                            assertThat(e.getTrainingRun())
                                    .isEqualTo(runsOf(uid).get(0).getMetadata().getName());
                            assertThat(e.getReported()).isEqualTo("Accepted");
                        });
        assertThat(hub.reportsOf(NODE, uid))
                .extracting(r -> r.path("phase").asText())
                .containsExactly("Accepted");

        hub.listedFor.put(NODE, List.of()); // the FederatedJob was deleted at the hub
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertThat(runsOf(uid)).isEmpty();
                            assertThat(entry(uid)).isNull();
                        });
    }
}
