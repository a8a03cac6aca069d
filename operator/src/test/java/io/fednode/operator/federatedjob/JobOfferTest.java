package io.fednode.operator.federatedjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.fixtures.FederationNodes;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class JobOfferTest {
    @Test
    void theHubsOfferIsReadAndUnknownFieldsAreIgnored() {
        JobOffer offer = Offers.offer();
        assertThat(offer.uid()).isEqualTo(Offers.UID);
        assertThat(offer.name()).isEqualTo("research/lung-nodules");
        assertThat(offer.type()).isEqualTo("Train");
        assertThat(offer.command()).containsExactly("python", "-m", "client");
        assertThat(offer.env()).extracting("name").containsExactly("ROUNDS");
        assertThat(offer.gpus()).isEqualTo(1);
        assertThat(offer.datasets()).containsExactly("ct-scans");
        assertThat(offer.aggregator()).isEqualTo("https://203.0.113.10:9092");
        assertThat(offer.resultsMaxBytes()).isEqualTo(4096);
    }

    private static void assertInvalid(Consumer<ObjectNode> change, String message) {
        ObjectNode o = Offers.json();
        change.accept(o);
        assertThatThrownBy(() -> JobOffer.parse(o))
                .isInstanceOf(JobOffer.Invalid.class)
                .hasMessage(message);
    }

    @Test
    void offersOutsideWhatARunAcceptsAreInvalidNamingTheField() {
        assertInvalid(
                o -> o.put("image", "registry.example.org/fl/trainer:latest"),
                "image does not match " + JobOffer.IMAGE.pattern());
        assertInvalid(o -> o.put("type", "Infer"), "type must be Train or Evaluate, not Infer");
        assertInvalid(o -> o.put("gpus", 65), "gpus must be an integer from 0 to 64");
        assertInvalid(
                o -> o.putArray("env").addObject().put("name", "FEDNODE_NODE_ID").put("value", "x"),
                "env FEDNODE_NODE_ID: names starting with FEDNODE_ are reserved");
        assertInvalid(
                o -> o.put("maxRuntime", "500ms"),
                "maxRuntime does not match " + JobOffer.RUNTIME.pattern());
        assertInvalid(o -> o.putNull("aggregator"), "a Train job needs an aggregator");
        assertInvalid(o -> o.putArray("datasets").add("ct").add("ct"), "datasets must not repeat");
        assertInvalid(
                o -> o.putObject("results").put("maxBytes", 8192),
                "results.maxBytes must be an integer from 64 to 4096");
        assertInvalid(o -> o.remove("submitter"), "submitter is required");
    }

    @Test
    void runNameIsDerivedFromTheUidAndTheNodeAndIsADnsLabel() {
        assertThat(FederatedRun.name(Offers.UID, "hospital-a", "research/lung-nodules"))
                .isEqualTo("fj-3f2a9c1e-hospital-a-lung-nodules");
        String longName =
                FederatedRun.name(Offers.UID, "hospital-a", "research/" + "x".repeat(80) + ".v2");
        assertThat(longName).hasSize(63).startsWith("fj-3f2a9c1e-hospital-a-xxx");
        assertThat(FederatedRun.name(Offers.UID, "hospital-a", "research/a.b-"))
                .isEqualTo("fj-3f2a9c1e-hospital-a-a-b");
        // Two nodes of one namespace never share a run.
        assertThat(FederatedRun.name(Offers.UID, "hospital-b", "research/lung-nodules"))
                .isNotEqualTo(FederatedRun.name(Offers.UID, "hospital-a", "research/lung-nodules"));
    }

    @Test
    void theRunIsTheOfferOnThisNodeMarkedWithItsOrigin() {
        var node = FederationNodes.node(Offers.NS, "hospital-a").build();
        TrainingRun run = FederatedRun.desired(Offers.offer(), node);
        assertThat(run.getMetadata().getName()).isEqualTo("fj-3f2a9c1e-hospital-a-lung-nodules");
        assertThat(run.getMetadata().getNamespace()).isEqualTo(Offers.NS);
        assertThat(run.getMetadata().getLabels())
                .containsEntry("fednode.io/federated-job-uid", Offers.UID)
                .containsEntry("fednode.io/federated-job", "research.lung-nodules");
        assertThat(run.getMetadata().getAnnotations())
                .containsEntry("fednode.io/federated-job-origin", "research/lung-nodules")
                .containsEntry("fednode.io/federated-job-generation", "1")
                .containsEntry("fednode.io/federated-job-submitter", "alice@example.org")
                .containsEntry("fednode.io/federated-job-type", "Train");
        assertThat(run.getSpec().getNodeRef()).isEqualTo("hospital-a");
        assertThat(run.getSpec().getImage()).isEqualTo(Offers.IMAGE);
        assertThat(run.getSpec().getAggregator().getEndpoint())
                .isEqualTo("https://203.0.113.10:9092");
        assertThat(run.getSpec().getDatasets()).isEqualTo(List.of("ct-scans"));
        assertThat(run.getSpec().getMaxRuntime()).isEqualTo("2h");
        assertThat(run.getSpec().getGpus()).isEqualTo(1);
    }
}
