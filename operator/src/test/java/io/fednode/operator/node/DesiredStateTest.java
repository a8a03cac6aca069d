package io.fednode.operator.node;

import static io.fednode.fixtures.ConditionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fednode.api.v1alpha1.DeletionPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.fixtures.FederationNodes;
import io.fednode.operator.common.VolumeKind;
import io.fednode.operator.common.WorkloadKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The desired-state builders, without a cluster. */
class DesiredStateTest {
    static FederationNode node(NodeRole role) {
        FederationNode node = FederationNodes.hospital("ns", "hospital-a", role).build();
        node.getMetadata().setUid("uid-1");
        return node;
    }

    static PersistentVolumeClaim claim(String request, String phase) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName("hospital-a-raw")
                .withUid("c1")
                .endMetadata()
                .withNewSpec()
                .withStorageClassName("fast")
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity(request))
                .endResources()
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .endStatus()
                .build();
    }

    @Test
    void volumesAreOwnedByTheNodeOnlyUnderDeletionPolicyDelete() {
        FederationNode node = node(NodeRole.DATA);
        assertThat(
                        VolumeClaim.desired(VolumeKind.RAW, node, null)
                                .getMetadata()
                                .getOwnerReferences())
                .isEmpty();
        node.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
        assertThat(
                        VolumeClaim.desired(VolumeKind.RAW, node, null)
                                .getMetadata()
                                .getOwnerReferences())
                .singleElement()
                .satisfies(r -> assertThat(r.getUid()).isEqualTo("uid-1"));
    }

    @Test
    void aNewClaimGetsTheDeclaredSizeAndReadWriteOnce() {
        PersistentVolumeClaim pvc = VolumeClaim.desired(VolumeKind.RAW, node(NodeRole.DATA), null);
        assertThat(pvc.getMetadata().getName()).isEqualTo("hospital-a-raw");
        assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(pvc.getSpec().getResources().getRequests().get("storage"))
                .isEqualTo(new Quantity("1Gi"));
    }

    @Test
    void claimsNeverShrinkAndGrowOnlyOnceBound() {
        FederationNode node = node(NodeRole.DATA);
        node.getSpec().getStorage().getRaw().setSize("512Mi");
        assertThat(
                        VolumeClaim.currentRequest(
                                VolumeClaim.desired(VolumeKind.RAW, node, claim("1Gi", "Bound"))))
                .isEqualTo(new Quantity("1Gi"));
        node.getSpec().getStorage().getRaw().setSize("2Gi");
        assertThat(
                        VolumeClaim.currentRequest(
                                VolumeClaim.desired(VolumeKind.RAW, node, claim("1Gi", "Pending"))))
                .isEqualTo(new Quantity("1Gi"));
        assertThat(
                        VolumeClaim.currentRequest(
                                VolumeClaim.desired(VolumeKind.RAW, node, claim("1Gi", "Bound"))))
                .isEqualTo(new Quantity("2Gi"));
    }

    @Test
    void immutableClaimFieldsKeepTheirValuesAndTheChangeIsReported() {
        FederationNode node = node(NodeRole.DATA);
        node.getSpec().getStorage().getRaw().setStorageClassName("slow");
        PersistentVolumeClaim existing = claim("1Gi", "Bound");
        assertThat(
                        VolumeClaim.desired(VolumeKind.RAW, node, existing)
                                .getSpec()
                                .getStorageClassName())
                .isEqualTo("fast");
        VolumeAssessment assessment =
                VolumeAssessment.of(
                        VolumeKind.RAW,
                        node.getSpec().getStorage().getRaw(),
                        "hospital-a-raw",
                        existing,
                        null);
        assertThat(assessment.state()).isEqualTo(VolumeAssessment.State.BLOCKED);
        assertThat(assessment.message()).contains("spec.storage.raw.storageClassName");
    }

    @Test
    void computeNodesHaveNoRawVolumeNoAnonymiserAndFederationEgressOnlyForOptedInPods() {
        FederationNode node = node(NodeRole.COMPUTE);
        assertThat(new VolumeClaim(VolumeKind.RAW).requiredFor(node)).isFalse();
        assertThat(new WorkloadServiceAccount(WorkloadKind.ANONYMISER).requiredFor(node)).isFalse();
        assertThat(new WorkloadServiceAccount(WorkloadKind.TRAINING).requiredFor(node)).isTrue();
        NetworkPolicy egress = new NodeNetworkPolicy.FederationEgress().desired(node);
        // Training Pods get their aggregator from their run's own policy; a node-wide opening
        // would widen it (NetworkPolicies add up).
        assertThat(egress.getSpec().getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("fednode.io/federation-egress", "true"));
        assertThat(egress.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
    }

    @Test
    void dataNodesOpenNoFederationEgress() {
        FederationNode node = node(NodeRole.DATA);
        assertThat(new NodeNetworkPolicy.FederationEgress().requiredFor(node)).isFalse();
        assertThat(new WorkloadServiceAccount(WorkloadKind.TRAINING).requiredFor(node)).isFalse();
    }

    @Test
    void serviceAccountsMountNoToken() {
        assertThat(
                        WorkloadServiceAccount.desired(WorkloadKind.TRAINING, node(NodeRole.HYBRID))
                                .getAutomountServiceAccountToken())
                .isFalse();
    }

    @Test
    void theKeySecretsDesiredStateCarriesNoKeyMaterial() {
        assertThat(PseudonymKeySecret.desired(node(NodeRole.DATA)).getData()).isNullOrEmpty();
        assertThat(PseudonymKeySecret.desired(node(NodeRole.DATA)).getStringData()).isNullOrEmpty();
    }

    @Test
    void anUnchangedObservationGivesAnIdenticalStatus() {
        FederationNode node = node(NodeRole.DATA);
        node.getMetadata().setGeneration(3L);
        NodeObservation observation =
                new NodeObservation(
                        List.of(
                                new VolumeAssessment(
                                        VolumeKind.RAW,
                                        VolumeAssessment.State.READY,
                                        "VolumeClaimBound",
                                        "ok")),
                        null,
                        false,
                        List.of("a"),
                        List.of(),
                        false);
        var first =
                NodeConditions.reconciled(
                        node, observation, java.time.Instant.parse("2026-01-01T00:00:00Z"));
        node.setStatus(first);
        var second =
                NodeConditions.reconciled(
                        node, observation, java.time.Instant.parse("2026-01-01T01:00:00Z"));
        assertThat(NodeConditions.same(first, second)).isTrue();
        assertThat(node).hasCondition("Ready", "True");
        assertThat(first.getConditions())
                .extracting(c -> c.getType())
                .containsExactlyElementsOf(NodeConditions.TYPES);
    }
}
