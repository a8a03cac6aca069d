package io.fednode.operator.training;

import static io.fednode.operator.training.Fixtures.dataset;
import static io.fednode.operator.training.Fixtures.node;
import static io.fednode.operator.training.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.operator.training.TrainingAdmission.Decision;
import io.fednode.operator.training.TrainingAdmission.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainingAdmissionTest {
    /** A digest as a compile-time constant (for the annotations); the same as Fixtures.DIGEST. */
    private static final String D64 =
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @Test
    void runWithinPolicyIsAdmitted() {
        Decision d = TrainingAdmission.decide(run("ok"), node(), Map.of());
        assertThat(d.verdict()).isEqualTo(Verdict.ADMIT);
        assertThat(d.reason()).isEqualTo("Admitted");
        assertThat(d.message()).contains("2 of at most 4 GPUs");
    }

    @Test
    void imageOutsideTheAllowListIsRefusedNamingBoth() {
        TrainingRun run = run("elsewhere");
        run.getSpec().setImage("docker.io/library/python@sha256:" + Fixtures.DIGEST);
        Decision d = TrainingAdmission.decide(run, node(), Map.of());
        assertThat(d.verdict()).isEqualTo(Verdict.REFUSE);
        assertThat(d.reason()).isEqualTo("ImageNotAllowed");
        assertThat(d.message())
                .contains("spec.image docker.io/library/python@sha256:")
                .contains("compute.allowedImages [registry.example.org/fl/]");
    }

    /** The node's allow-list holds one entry; the run names the image; digests not required. */
    private static Verdict imageVerdict(String entry, String image) {
        FederationNode node = node();
        node.getSpec().getCompute().setAllowedImages(List.of(entry));
        node.getSpec().getCompute().setRequireDigest(false);
        TrainingRun run = run("image");
        run.getSpec().setImage(image);
        return TrainingAdmission.decide(run, node, Map.of()).verdict();
    }

    @ParameterizedTest(name = "{0} admits {1}")
    @CsvSource({
        "registry.example.org, registry.example.org/x/y:tag",
        "registry.example.org, registry.example.org/x/y",
        "registry.example.org, registry.example.org/x/y@sha256:" + D64,
        "registry.example.org, registry.example.org/x/y:1.0@sha256:" + D64,
        "registry.example.org/, registry.example.org/x:1",
        "registry.example.org/team, registry.example.org/team/x:1",
        "registry.example.org/team, registry.example.org/team:1",
        "registry.example.org/team/, registry.example.org/team/x/y@sha256:" + D64,
        "registry.example.org:5000, registry.example.org:5000/x:1",
        "fednode.local/toolbox, fednode.local/toolbox:1",
        "fednode.local/toolbox:1, fednode.local/toolbox:1",
        "fednode.local/toolbox:1, fednode.local/toolbox:1@sha256:" + D64,
    })
    void allowListAdmitsOnRegistryAndRepositoryBoundaries(String entry, String image) {
        assertThat(imageVerdict(entry, image)).isEqualTo(Verdict.ADMIT);
    }

    @ParameterizedTest(name = "{0} refuses {1}")
    @CsvSource({
        "registry.example.org, registry.example.org.evil.com/x/y:tag",
        "registry.example.org, registry.example.orgx/x/y:tag",
        "registry.example.org, registry.example.org:5000/x/y:tag",
        "registry.example.org, evil.com/registry.example.org/x:1",
        "registry.example.org/, registry.example.org.evil.com/x:1",
        "registry.example.org/team, registry.example.org/teamx/x:1",
        "registry.example.org/team, registry.example.org/teamx:1",
        "registry.example.org/team, registry.example.org/other/team:1",
        "registry.example.org/team, registry.example.org/team/../other/x:1",
        "registry.example.org, registry.example.org//x:1",
        "fednode.local/toolbox, fednode.local/toolboxes:1",
        "fednode.local/toolbox:1, fednode.local/toolbox:10",
        "fednode.local/toolbox:1, fednode.local/toolbox:1-evil",
        "fednode.local/toolbox:1, fednode.local/toolbox/x:1",
    })
    void allowListRefusesLookAlikeRegistriesAndRepositories(String entry, String image) {
        assertThat(imageVerdict(entry, image)).isEqualTo(Verdict.REFUSE);
    }

    @Test
    void prefixMatchIsLiteralSoASiblingRepositoryIsRefused() {
        TrainingRun run = run("sibling");
        run.getSpec().setImage("registry.example.org/flx/trainer@sha256:" + Fixtures.DIGEST);
        assertThat(TrainingAdmission.decide(run, node(), Map.of()).reason())
                .isEqualTo("ImageNotAllowed");
    }

    @Test
    void nodeWithoutAllowListAdmitsNoImage() {
        FederationNode node = node();
        node.getSpec().getCompute().setAllowedImages(null);
        assertThat(TrainingAdmission.decide(run("x"), node, Map.of()).reason())
                .isEqualTo("ImageNotAllowed");
    }

    @Test
    void tagOnlyImageIsRefusedWhenTheNodeRequiresDigests() {
        TrainingRun run = run("tagged");
        run.getSpec().setImage("registry.example.org/fl/trainer:1.0");
        Decision d = TrainingAdmission.decide(run, node(), Map.of());
        assertThat(d.verdict()).isEqualTo(Verdict.REFUSE);
        assertThat(d.reason()).isEqualTo("DigestRequired");
        assertThat(d.message()).contains("requires image@sha256:<digest>");
    }

    @Test
    void tagOnlyImageIsAdmittedWhenDigestsAreNotRequired() {
        FederationNode node = node();
        node.getSpec().getCompute().setRequireDigest(false);
        TrainingRun run = run("tagged");
        run.getSpec().setImage("registry.example.org/fl/trainer:1.0");
        assertThat(TrainingAdmission.decide(run, node, Map.of()).verdict())
                .isEqualTo(Verdict.ADMIT);
    }

    @Test
    void moreGpusThanThePerRunMaximumAreRefused() {
        TrainingRun run = run("greedy");
        run.getSpec().setGpus(5);
        Decision d = TrainingAdmission.decide(run, node(), Map.of());
        assertThat(d.verdict()).isEqualTo(Verdict.REFUSE);
        assertThat(d.reason()).isEqualTo("TooManyGpus");
        assertThat(d.message()).isEqualTo("spec.gpus 5 exceeds the node's compute.maxGpusPerRun 4");
    }

    @Test
    void exactlyThePerRunMaximumIsAdmitted() {
        TrainingRun run = run("max");
        run.getSpec().setGpus(4);
        assertThat(TrainingAdmission.decide(run, node(), Map.of()).verdict())
                .isEqualTo(Verdict.ADMIT);
    }

    @Test
    void dataNodeRunsNoTraining() {
        FederationNode node = node();
        node.getSpec().setRole(NodeRole.DATA);
        node.getSpec().setCompute(null);
        Decision d = TrainingAdmission.decide(run("x"), node, Map.of());
        assertThat(d.verdict()).isEqualTo(Verdict.REFUSE);
        assertThat(d.reason()).isEqualTo("NodeNotCompute");
    }

    @Test
    void missingNodeIsWaitedFor() {
        Decision d = TrainingAdmission.decide(run("x"), null, Map.of());
        assertThat(d.verdict()).isEqualTo(Verdict.WAIT);
        assertThat(d.reason()).isEqualTo("NodeNotFound");
        assertThat(d.message()).contains("spec.nodeRef: FederationNode hospital-a does not exist");
    }

    @Test
    void nodeThatIsNotReadyIsWaitedFor() {
        FederationNode node = node();
        node.getStatus().setConditions(List.of(Fixtures.condition("Ready", "False")));
        Decision d = TrainingAdmission.decide(run("x"), node, Map.of());
        assertThat(d.verdict()).isEqualTo(Verdict.WAIT);
        assertThat(d.reason()).isEqualTo("NodeNotReady");
    }

    @Test
    void policyRefusalWinsOverANodeThatIsNotReadyYet() {
        FederationNode node = node();
        node.setStatus(null);
        TrainingRun run = run("greedy");
        run.getSpec().setGpus(8);
        assertThat(TrainingAdmission.decide(run, node, Map.of()).verdict())
                .isEqualTo(Verdict.REFUSE);
    }

    @Test
    void missingDatasetIsWaitedFor() {
        TrainingRun run = run("x");
        run.getSpec().setDatasets(List.of("lung-ct"));
        Decision d = TrainingAdmission.decide(run, node(), Map.of());
        assertThat(d.verdict()).isEqualTo(Verdict.WAIT);
        assertThat(d.reason()).isEqualTo("DatasetNotFound");
        assertThat(d.message()).contains("Dataset lung-ct does not exist");
    }

    @Test
    void datasetThatIsNotReadyIsWaitedFor() {
        TrainingRun run = run("x");
        run.getSpec().setDatasets(List.of("lung-ct"));
        Decision d =
                TrainingAdmission.decide(
                        run, node(), Map.of("lung-ct", dataset("lung-ct", "hospital-a", false)));
        assertThat(d.verdict()).isEqualTo(Verdict.WAIT);
        assertThat(d.reason()).isEqualTo("DatasetNotReady");
    }

    @Test
    void readyDatasetsAreAdmitted() {
        TrainingRun run = run("x");
        run.getSpec().setDatasets(List.of("lung-ct", "brain-mr"));
        Decision d =
                TrainingAdmission.decide(
                        run,
                        node(),
                        Map.of(
                                "lung-ct", dataset("lung-ct", "hospital-a", true),
                                "brain-mr", dataset("brain-mr", "hospital-a", true)));
        assertThat(d.verdict()).isEqualTo(Verdict.ADMIT);
    }

    @Test
    void datasetOfAnotherNodeIsRefused() {
        TrainingRun run = run("x");
        run.getSpec().setDatasets(List.of("lung-ct"));
        Decision d =
                TrainingAdmission.decide(
                        run, node(), Map.of("lung-ct", dataset("lung-ct", "hospital-b", true)));
        assertThat(d.verdict()).isEqualTo(Verdict.REFUSE);
        assertThat(d.reason()).isEqualTo("DatasetOnOtherNode");
    }

    @Test
    void aggregatorAddressOutsideTheNodesEgressCidrsIsRefused() {
        TrainingRun run = run("x");
        run.getSpec().setAggregator(new AggregatorSpec("https://192.0.2.1:9092"));
        Decision d = TrainingAdmission.decide(run, node(), Map.of());
        assertThat(d.verdict()).isEqualTo(Verdict.REFUSE);
        assertThat(d.reason()).isEqualTo("AggregatorNotAllowed");
        assertThat(d.message()).contains("192.0.2.1 is not inside the node's");
    }

    @Test
    void aggregatorHostNameNeedsEgressCidrsOnTheNode() {
        FederationNode node = node();
        node.getSpec().getConnectivity().setEgressCIDRs(null);
        TrainingRun run = run("x");
        run.getSpec().setAggregator(new AggregatorSpec("https://agg.example.org"));
        Decision d = TrainingAdmission.decide(run, node, Map.of());
        assertThat(d.reason()).isEqualTo("AggregatorNotAllowed");
        assertThat(d.message()).contains("the node declares none");
    }

    @Test
    void runWithoutAggregatorIsAdmittedWithDnsOnly() {
        TrainingRun run = run("offline");
        run.getSpec().setAggregator(null);
        assertThat(TrainingAdmission.decide(run, node(), Map.of()).verdict())
                .isEqualTo(Verdict.ADMIT);
        assertThat(AggregatorEgress.of(run, node()).egress()).isEmpty();
    }
}
