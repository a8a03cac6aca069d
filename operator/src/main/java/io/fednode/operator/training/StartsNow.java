package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fednode.api.v1alpha1.TrainingRun;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Reconcile precondition of a run's NetworkPolicy and Job: this reconcile gave the run one of its
 * node's slots ({@link GpuQuota}, decided under the node's lock). Otherwise the workflow leaves
 * both alone: a queued run gets nothing, and a started run's objects are only observed.
 */
public class StartsNow implements Condition<HasMetadata, TrainingRun> {
    /** Key of the decision in the reconcile's workflow context. */
    static final String KEY = "trainingrun-starts-now";

    @Override
    public boolean isMet(
            DependentResource<HasMetadata, TrainingRun> dependent,
            TrainingRun run,
            Context<TrainingRun> context) {
        return startsNow(context);
    }

    static boolean startsNow(Context<TrainingRun> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .get(KEY, Boolean.class)
                .orElse(false);
    }
}
