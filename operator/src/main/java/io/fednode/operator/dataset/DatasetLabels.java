package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.operator.common.Labels;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.operator.common.WorkloadKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Labels and ownership of what a Dataset owns (its Jobs and its NetworkPolicy). The shared keys
 * ({@code app.kubernetes.io/*}, {@code fednode.io/node}, {@code fednode.io/workload}) are the node
 * operator's, so the node's NetworkPolicies select anonymiser Pods as they expect.
 */
public final class DatasetLabels {
    /** Name of the Dataset an object or Pod belongs to. */
    public static final String DATASET = "fednode.io/dataset";

    /** Revision of the Dataset a Job anonymises. */
    public static final String REVISION = "fednode.io/dataset-revision";

    /** On a Job: digest of the inputs it anonymises (see {@link DatasetRevision}). */
    public static final String REVISION_DIGEST = "fednode.io/revision-digest";

    /** Label selector of the operator's informers for Dataset-owned objects. */
    public static final String SELECTOR = Labels.MANAGED_SELECTOR + "," + DATASET;

    static final String COMPONENT = WorkloadKind.ANONYMISER.label();

    private DatasetLabels() {}

    /**
     * Labels of the objects themselves. No {@code fednode.io/node} label: that one maps objects to
     * their FederationNode, and these belong to the Dataset.
     */
    static Map<String, String> of(Dataset dataset) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED_BY, Labels.MANAGER);
        labels.put(Labels.PART_OF, "fednode");
        labels.put(Labels.COMPONENT, COMPONENT);
        labels.put(Labels.VERSION, OperatorIdentity.version());
        labels.put(DATASET, dataset.getMetadata().getName());
        return labels;
    }

    /** Labels of the anonymiser Pods: the node's NetworkPolicies select on the workload label. */
    static Map<String, String> pod(Dataset dataset, String nodeName) {
        Map<String, String> labels = of(dataset);
        labels.put(Labels.NODE, nodeName);
        labels.put(Labels.WORKLOAD, WorkloadKind.ANONYMISER.label());
        return labels;
    }

    static ObjectMeta metadata(Dataset dataset, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(dataset.getMetadata().getNamespace())
                .withLabels(of(dataset))
                .withOwnerReferences(ownerReference(dataset))
                .build();
    }

    /** The Dataset an object belongs to, from its {@value #DATASET} label. */
    static Set<ResourceID> primaryOf(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String name = labels == null ? null : labels.get(DATASET);
        return name == null
                ? Set.of()
                : Set.of(new ResourceID(name, object.getMetadata().getNamespace()));
    }

    static OwnerReference ownerReference(Dataset dataset) {
        return new OwnerReferenceBuilder()
                .withApiVersion(dataset.getApiVersion())
                .withKind(dataset.getKind())
                .withName(dataset.getMetadata().getName())
                .withUid(dataset.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
