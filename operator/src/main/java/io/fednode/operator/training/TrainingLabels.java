package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.operator.common.Labels;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.operator.common.WorkloadKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labels and ownership of what a TrainingRun owns (its Job and its NetworkPolicy). The shared keys
 * are the node operator's; like a Dataset's, the objects carry no {@code fednode.io/node} label
 * (that maps objects to their FederationNode), only the Pods do, so the node's NetworkPolicies see
 * them as training workloads.
 */
public final class TrainingLabels {
    /** Name of the TrainingRun an object or Pod belongs to. */
    public static final String RUN = "fednode.io/training-run";

    /** On a Job: the FederationNode whose slot it holds (the Pods carry the node label). */
    public static final String RUN_NODE = "fednode.io/training-node";

    /** Label selector of the operator's informers for TrainingRun-owned objects. */
    public static final String SELECTOR = Labels.MANAGED_SELECTOR + "," + RUN;

    static final String COMPONENT = "training-run";

    private TrainingLabels() {}

    static Map<String, String> of(TrainingRun run) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED_BY, Labels.MANAGER);
        labels.put(Labels.PART_OF, "fednode");
        labels.put(Labels.COMPONENT, COMPONENT);
        labels.put(Labels.VERSION, OperatorIdentity.version());
        labels.put(RUN, run.getMetadata().getName());
        return labels;
    }

    static Map<String, String> job(TrainingRun run) {
        Map<String, String> labels = of(run);
        labels.put(RUN_NODE, run.getSpec().getNodeRef());
        return labels;
    }

    static Map<String, String> pod(TrainingRun run) {
        Map<String, String> labels = of(run);
        labels.put(Labels.NODE, run.getSpec().getNodeRef());
        labels.put(Labels.WORKLOAD, WorkloadKind.TRAINING.label());
        return labels;
    }

    static ObjectMeta metadata(TrainingRun run, String name, Map<String, String> labels) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(run.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(ownerReference(run))
                .build();
    }

    static OwnerReference ownerReference(TrainingRun run) {
        return new OwnerReferenceBuilder()
                .withApiVersion(run.getApiVersion())
                .withKind(run.getKind())
                .withName(run.getMetadata().getName())
                .withUid(run.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /** Whether {@code object} is owned by this very run (not an earlier one of the same name). */
    static boolean ownedBy(io.fabric8.kubernetes.api.model.HasMetadata object, String runUid) {
        var refs = object.getMetadata().getOwnerReferences();
        return refs != null
                && refs.stream()
                        .anyMatch(
                                r ->
                                        "TrainingRun".equals(r.getKind())
                                                && runUid.equals(r.getUid()));
    }
}
