package io.fednode.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fednode.api.v1alpha1.FederationNode;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Labels, names and ownership of the objects fednode manages (a FederationNode's, a Dataset's Job,
 * a TrainingRun's Job). The {@value #NODE} label (rather than an owner reference) maps an object
 * back to its node, so retained volumes, which carry no owner reference, are still watched.
 */
public final class Labels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = OperatorIdentity.NAME;
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String NODE = "fednode.io/node";

    /**
     * The version of the operator that last applied the object ({@link OperatorIdentity#version}).
     */
    public static final String VERSION = "app.kubernetes.io/version";

    /** On the Pods of a node's workloads: which {@link WorkloadKind} the Pod belongs to. */
    public static final String WORKLOAD = "fednode.io/workload";

    /**
     * On the Pods of node components that talk to the federation (for example a federated-learning
     * client add-on): {@code "true"} lets them reach {@code spec.connectivity.egressCIDRs}.
     * Workloads the operator runs never carry it: a TrainingRun's own NetworkPolicy opens exactly
     * its aggregator, and NetworkPolicies add up, so a node-wide opening would widen it.
     */
    public static final String FEDERATION_EGRESS = "fednode.io/federation-egress";

    /** Label selector of the informers: only objects this operator manages are cached. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

    private Labels() {}

    public static Map<String, String> of(FederationNode node, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGER);
        labels.put(PART_OF, "fednode");
        labels.put(COMPONENT, component);
        labels.put(VERSION, OperatorIdentity.version());
        labels.put(NODE, node.getMetadata().getName());
        return labels;
    }

    /** Metadata of an object the node owns; the owner reference is added only when asked. */
    public static ObjectMeta metadata(
            FederationNode node, String name, String component, boolean ownerReference) {
        ObjectMetaBuilder meta =
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(node.getMetadata().getNamespace())
                        .withLabels(of(node, component));
        if (ownerReference) {
            meta.withOwnerReferences(ownerReference(node));
        }
        return meta.build();
    }

    public static OwnerReference ownerReference(FederationNode node) {
        return new OwnerReferenceBuilder()
                .withApiVersion(node.getApiVersion())
                .withKind(node.getKind())
                .withName(node.getMetadata().getName())
                .withUid(node.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /** The node an object belongs to, from its {@value #NODE} label. */
    public static Set<ResourceID> primaryOf(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String node = labels == null ? null : labels.get(NODE);
        if (node == null) {
            return Set.of();
        }
        return Set.of(new ResourceID(node, object.getMetadata().getNamespace()));
    }
}
