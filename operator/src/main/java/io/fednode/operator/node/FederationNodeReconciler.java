package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Instant;
import java.util.List;

/**
 * Reconciles a FederationNode. At this stage it only reports that it has seen the resource; the
 * managed objects (volumes, keys, isolation, hub link) come with the FederationNode issue.
 */
@ControllerConfiguration(name = "federationnode")
public class FederationNodeReconciler implements Reconciler<FederationNode> {

    @Override
    public UpdateControl<FederationNode> reconcile(
            FederationNode node, Context<FederationNode> context) {
        long generation = node.getMetadata().getGeneration();
        FederationNodeStatus current = node.getStatus();
        if (current != null && Long.valueOf(generation).equals(current.getObservedGeneration())) {
            return UpdateControl.noUpdate();
        }
        FederationNodeStatus status = new FederationNodeStatus();
        status.setObservedGeneration(generation);
        status.setConditions(
                List.of(
                        condition(
                                ConditionTypes.READY,
                                ConditionTypes.UNKNOWN,
                                "NotReconciled",
                                "the operator does not manage node resources yet",
                                generation)));
        FederationNode patch = new FederationNode();
        patch.setMetadata(node.getMetadata());
        patch.setStatus(status);
        return UpdateControl.patchStatus(patch);
    }

    private static Condition condition(
            String type, String status, String reason, String message, long generation) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(Instant.now().toString())
                .build();
    }
}
