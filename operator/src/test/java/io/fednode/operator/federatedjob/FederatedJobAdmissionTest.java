package io.fednode.operator.federatedjob;

import static io.fednode.operator.federatedjob.Offers.dataset;
import static io.fednode.operator.federatedjob.Offers.node;
import static io.fednode.operator.federatedjob.Offers.offer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederatedJobAcceptance;
import io.fednode.api.v1alpha1.FederatedJobDecision;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.operator.federatedjob.FederatedJobAdmission.Decision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FederatedJobAdmissionTest {
    private static final Map<String, Dataset> READY =
            Map.of("ct-scans", dataset("ct-scans", "hospital-a", true));

    private static Decision decide(JobOffer offer, FederationNode node) {
        return FederatedJobAdmission.decide(offer, node, READY);
    }

    @Test
    void offerWithinPolicyIsAcceptedAutomatically() {
        Decision d = decide(offer(), node(FederatedJobAcceptance.Automatic));
        assertThat(d.decision()).isEqualTo(FederatedJobDecision.Accepted);
        assertThat(d.reason()).isEqualTo("PolicyPassed");
        assertThat(d.message())
                .isEqualTo(
                        "accepted by the policy of node hospital-a: runs as TrainingRun"
                                + " fj-3f2a9c1e-hospital-a-lung-nodules");
    }

    @Test
    void manualAcceptanceWaitsForTheHospitalAndSaysHow() {
        Decision d = decide(offer(), node(FederatedJobAcceptance.Manual));
        assertThat(d.decision()).isEqualTo(FederatedJobDecision.PendingApproval);
        assertThat(d.message())
                .contains(
                        "kubectl annotate fnode hospital-a fednode.io/approve-jobs=" + Offers.UID);
    }

    @Test
    void neverIsTheDefaultAndRefusesEverything() {
        FederationNode node = node(FederatedJobAcceptance.Automatic);
        node.getSpec().setFederatedJobs(null);
        Decision d = decide(offer(), node);
        assertThat(d.reason()).isEqualTo("JobsNotAccepted");
        assertThat(d.message())
                .isEqualTo(
                        "node hospital-a accepts no federated jobs (spec.federatedJobs.accept is"
                                + " Never)");
        assertThat(decide(offer(), node(FederatedJobAcceptance.Never)).reason())
                .isEqualTo("JobsNotAccepted");
    }

    @Test
    void dataNodeRefusesAsNotAComputeNode() {
        FederationNode node = node(FederatedJobAcceptance.Automatic);
        node.getSpec().setRole(NodeRole.DATA);
        Decision d = decide(offer(), node);
        assertThat(d.decision()).isEqualTo(FederatedJobDecision.Refused);
        assertThat(d.reason()).isEqualTo("NotAComputeNode");
    }

    @Test
    void submitterOutsideTheListIsRefusedNamingBoth() {
        FederationNode node = node(FederatedJobAcceptance.Automatic);
        node.getSpec().getFederatedJobs().setAllowedSubmitters(List.of("bob@example.org"));
        Decision d = decide(offer(), node);
        assertThat(d.reason()).isEqualTo("SubmitterNotAllowed");
        assertThat(d.message())
                .isEqualTo(
                        "submitter alice@example.org is not in"
                                + " spec.federatedJobs.allowedSubmitters [bob@example.org]");
        node.getSpec()
                .getFederatedJobs()
                .setAllowedSubmitters(List.of("bob@example.org", "alice@example.org"));
        assertThat(decide(offer(), node).decision()).isEqualTo(FederatedJobDecision.Accepted);
    }

    @Test
    void jobTypeOutsideTheListIsRefused() {
        FederationNode node = node(FederatedJobAcceptance.Automatic);
        node.getSpec().getFederatedJobs().setAllowedTypes(List.of("Evaluate"));
        Decision d = decide(offer(), node);
        assertThat(d.reason()).isEqualTo("JobTypeNotAllowed");
        assertThat(d.message())
                .isEqualTo("job type Train is not in spec.federatedJobs.allowedTypes [Evaluate]");
    }

    @Test
    void imageOutsideTheComputeAllowListIsRefusedByTheSameRuleAsAnyRun() {
        ObjectNode o = Offers.json();
        o.put("image", "docker.io/library/python@sha256:" + Offers.DIGEST);
        Decision d = decide(Offers.parse(o), node(FederatedJobAcceptance.Automatic));
        assertThat(d.reason()).isEqualTo("ImageNotAllowed");
        assertThat(d.message())
                .isEqualTo(
                        "the job's image docker.io/library/python@sha256:"
                                + Offers.DIGEST
                                + " is not inside any of the node's compute.allowedImages"
                                + " [registry.example.org/fl/] (matched by registry and"
                                + " repository path components)");
    }

    @Test
    void moreGpusThanTheComputeCeilingAreRefused() {
        ObjectNode o = Offers.json();
        o.put("gpus", 5);
        Decision d = decide(Offers.parse(o), node(FederatedJobAcceptance.Automatic));
        assertThat(d.reason()).isEqualTo("TooManyGpus");
        assertThat(d.message())
                .isEqualTo("the job's gpus 5 exceeds the node's compute.maxGpusPerRun 4");
    }

    @Test
    void moreGpusThanTheFederatedJobCeilingAreRefused() {
        FederationNode node = node(FederatedJobAcceptance.Automatic);
        node.getSpec().getFederatedJobs().setMaxGpus(0);
        Decision d = decide(offer(), node);
        assertThat(d.reason()).isEqualTo("TooManyGpus");
        assertThat(d.message())
                .isEqualTo("the job asks for 1 GPUs, more than spec.federatedJobs.maxGpus 0");
    }

    @Test
    void runtimeAboveTheCeilingIsRefusedNamingTheField() {
        FederationNode node = node(FederatedJobAcceptance.Automatic);
        node.getSpec().getFederatedJobs().setMaxRuntime("90m");
        Decision d = decide(offer(), node);
        assertThat(d.reason()).isEqualTo("RuntimeTooLong");
        assertThat(d.message())
                .isEqualTo("the job's maxRuntime 2h exceeds spec.federatedJobs.maxRuntime 90m");
        node.getSpec().getFederatedJobs().setMaxRuntime(null);
        node.getSpec().getCompute().setMaxRuntime("1h");
        assertThat(decide(offer(), node).message())
                .isEqualTo("the job's maxRuntime 2h exceeds spec.compute.maxRuntime 1h");
        node.getSpec().getCompute().setMaxRuntime("2h");
        assertThat(decide(offer(), node).decision()).isEqualTo(FederatedJobDecision.Accepted);
    }

    @Test
    void datasetOutsideTheAllowedListIsRefused() {
        FederationNode node = node(FederatedJobAcceptance.Automatic);
        node.getSpec().getFederatedJobs().setAllowedDatasets(List.of("mri"));
        Decision d = decide(offer(), node);
        assertThat(d.reason()).isEqualTo("DatasetNotAllowed");
        assertThat(d.message())
                .isEqualTo("dataset ct-scans is not in spec.federatedJobs.allowedDatasets [mri]");
    }

    @Test
    void missingNotReadyOrForeignDatasetsAreRefusedAsNotReady() {
        FederationNode node = node(FederatedJobAcceptance.Automatic);
        Decision missing = FederatedJobAdmission.decide(offer(), node, Map.of());
        assertThat(missing.reason()).isEqualTo("DatasetNotReady");
        assertThat(missing.message()).isEqualTo("node hospital-a has no dataset ct-scans");
        Decision notReady =
                FederatedJobAdmission.decide(
                        offer(),
                        node,
                        Map.of("ct-scans", dataset("ct-scans", "hospital-a", false)));
        assertThat(notReady.message())
                .isEqualTo("dataset ct-scans of node hospital-a is not Ready");
        Decision foreign =
                FederatedJobAdmission.decide(
                        offer(), node, Map.of("ct-scans", dataset("ct-scans", "hospital-b", true)));
        assertThat(foreign.reason()).isEqualTo("DatasetNotReady");
    }

    @Test
    void aggregatorOutsideTheEgressAllowListIsRefused() {
        ObjectNode o = Offers.json();
        ((ObjectNode) o.get("aggregator")).put("endpoint", "https://192.0.2.5:9092");
        Decision d = decide(Offers.parse(o), node(FederatedJobAcceptance.Automatic));
        assertThat(d.reason()).isEqualTo("AggregatorNotAllowed");
        assertThat(d.message())
                .isEqualTo(
                        "the job's aggregator endpoint: 192.0.2.5 is not inside the node's"
                                + " spec.connectivity.egressCIDRs [203.0.113.0/24]");
    }

    @Test
    void tagOnlyImageIsRefusedByTheDigestRule() {
        // The hub requires digests too, but the node does not rely on it.
        assertThat(FederatedJobAdmission.reasonOf("DigestRequired")).isEqualTo("DigestRequired");
        assertThat(FederatedJobAdmission.reasonOf("NodeNotCompute")).isEqualTo("NotAComputeNode");
    }

    @Test
    void policyChecksComeInTheOrderThatNamesTheFirstProblem() {
        FederationNode node = node(FederatedJobAcceptance.Automatic);
        node.getSpec().getFederatedJobs().setAllowedSubmitters(List.of("bob@example.org"));
        node.getSpec().getFederatedJobs().setAllowedTypes(List.of("Evaluate"));
        assertThat(decide(offer(), node).reason()).isEqualTo("SubmitterNotAllowed");
    }
}
