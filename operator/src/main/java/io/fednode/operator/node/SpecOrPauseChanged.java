package io.fednode.operator.node;

import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Reconcile on a spec change (new generation), on the pause annotation being set or removed, and on
 * deletion; not on our own status patches, which would only cause empty reconciles.
 */
public class SpecOrPauseChanged implements OnUpdateFilter<FederationNode> {
    @Override
    public boolean accept(FederationNode updated, FederationNode old) {
        return !Objects.equals(
                        updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
                || FederationNodeReconciler.isPaused(updated)
                        != FederationNodeReconciler.isPaused(old)
                || updated.getMetadata().getDeletionTimestamp() != null
                || !Objects.equals(labels(updated), labels(old));
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
