package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fednode.api.v1alpha1.Dataset;

/**
 * The Dataset's own NetworkPolicy: its anonymiser Pods get no ingress and no egress at all (not
 * even DNS). The node's default-deny policy already covers them; this one keeps the guarantee with
 * the Dataset even if the node's policies are changed or missing.
 */
public final class DatasetIsolationPolicy {
    private DatasetIsolationPolicy() {}

    public static String name(Dataset dataset) {
        return dataset.getMetadata().getName() + "-anonymiser-isolation";
    }

    public static NetworkPolicy desired(Dataset dataset) {
        return new NetworkPolicyBuilder()
                .withMetadata(DatasetLabels.metadata(dataset, name(dataset)))
                .withNewSpec()
                .withNewPodSelector()
                .addToMatchLabels(DatasetLabels.DATASET, dataset.getMetadata().getName())
                .addToMatchLabels(
                        io.fednode.operator.common.Labels.WORKLOAD, DatasetLabels.COMPONENT)
                .endPodSelector()
                // Both types listed and no rules: nothing is allowed in either direction.
                .withPolicyTypes("Ingress", "Egress")
                .endSpec()
                .build();
    }

    /**
     * Whether the existing policy isolates as desired (labels we set, selector, types, no rules).
     */
    static boolean matches(NetworkPolicy actual, NetworkPolicy desired) {
        if (actual == null) {
            return false;
        }
        var labels = actual.getMetadata().getLabels();
        return labels != null
                && labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
                && actual.getSpec().getPodSelector().equals(desired.getSpec().getPodSelector())
                && actual.getSpec().getPolicyTypes().equals(desired.getSpec().getPolicyTypes())
                && (actual.getSpec().getEgress() == null || actual.getSpec().getEgress().isEmpty())
                && (actual.getSpec().getIngress() == null
                        || actual.getSpec().getIngress().isEmpty());
    }
}
