package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetConditions.Reasons;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.StorageSpec;
import io.fednode.operator.dataset.DatasetConditionsBuilder.Refusal;
import java.util.Optional;

/** Whether a Dataset's node can run its anonymisation; pure. */
public final class NodeGate {
    private NodeGate() {}

    /**
     * Problems that make the Dataset meaningless until a person fixes them: no such node, a node
     * that holds no data, or one without the volumes a Job writes to.
     */
    public static Optional<Refusal> unusable(Dataset dataset, FederationNode node) {
        String ref = dataset.getSpec().getNodeRef();
        String ns = dataset.getMetadata().getNamespace();
        if (node == null) {
            return Optional.of(
                    new Refusal(
                            Reasons.NODE_NOT_FOUND,
                            "spec.nodeRef: FederationNode "
                                    + ref
                                    + " does not exist in namespace "
                                    + ns,
                            true));
        }
        if (node.getSpec() == null
                || node.getSpec().getRole() == null
                || !node.getSpec().getRole().holdsData()) {
            return Optional.of(
                    new Refusal(
                            Reasons.NODE_HOLDS_NO_DATA,
                            "spec.nodeRef: FederationNode "
                                    + ref
                                    + " has role compute, which holds no raw images; use a data"
                                    + " or hybrid node",
                            true));
        }
        StorageSpec storage = node.getSpec().getStorage();
        if (storage == null || storage.getRaw() == null) {
            return Optional.of(missingVolume(ref, "raw"));
        }
        if (storage.getAnonymised() == null) {
            return Optional.of(missingVolume(ref, "anonymised"));
        }
        if (storage.getScratch() == null) {
            return Optional.of(missingVolume(ref, "scratch"));
        }
        return Optional.empty();
    }

    /** A node that exists but is not Ready yet: the Job waits (no Job is created meanwhile). */
    public static Optional<Refusal> notReady(Dataset dataset, FederationNode node) {
        Optional<Condition> ready =
                Conditions.find(
                        node.getStatus() == null ? null : node.getStatus().getConditions(),
                        ConditionTypes.READY);
        if (ready.isPresent() && ConditionTypes.TRUE.equals(ready.get().getStatus())) {
            return Optional.empty();
        }
        String why =
                ready.map(c -> " (" + c.getReason() + ": " + c.getMessage() + ")")
                        .orElse(" (no Ready condition yet)");
        return Optional.of(
                new Refusal(
                        Reasons.WAITING_FOR_NODE,
                        "FederationNode "
                                + dataset.getSpec().getNodeRef()
                                + " is not Ready"
                                + why
                                + "; the anonymisation Job starts when it is",
                        false));
    }

    private static Refusal missingVolume(String ref, String volume) {
        return new Refusal(
                Reasons.NODE_VOLUME_MISSING,
                "FederationNode "
                        + ref
                        + " declares no spec.storage."
                        + volume
                        + " volume, which anonymisation needs",
                true);
    }
}
