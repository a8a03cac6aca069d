package io.fednode.operator.node;

import io.fednode.api.v1alpha1.FederatedJobPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Reconcile on a spec change (new generation), on the pause annotation being set or removed, on a
 * federated-job approval or refusal annotation changing, and on deletion; not on our own status
 * patches, which would only cause empty reconciles.
 */
public class SpecOrPauseChanged implements OnUpdateFilter<FederationNode> {
    @Override
    public boolean accept(FederationNode updated, FederationNode old) {
        return !Objects.equals(
                        updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
                || FederationNodeReconciler.isPaused(updated)
                        != FederationNodeReconciler.isPaused(old)
                || updated.getMetadata().getDeletionTimestamp() != null
                || !Objects.equals(labels(updated), labels(old))
                || !Objects.equals(
                        annotation(updated, FederatedJobPolicy.APPROVE_ANNOTATION),
                        annotation(old, FederatedJobPolicy.APPROVE_ANNOTATION))
                || !Objects.equals(
                        annotation(updated, FederatedJobPolicy.REFUSE_ANNOTATION),
                        annotation(old, FederatedJobPolicy.REFUSE_ANNOTATION));
    }

    /**
     * The hospital's approval or refusal of a federated job: the reconcile hands the annotated node
     * to its hub link, which acts on it at the next heartbeat.
     */
    private static String annotation(FederationNode node, String key) {
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    private static Map<String, String> labels(FederationNode node) {
        return node.getMetadata().getLabels();
    }

    static boolean pausedValue(String value) {
        return "true".equalsIgnoreCase(value);
    }

    static String annotation() {
        return FederationNodeConditions.PAUSED_ANNOTATION;
    }
}
