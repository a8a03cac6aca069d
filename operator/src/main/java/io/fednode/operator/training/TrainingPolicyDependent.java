package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fednode.api.v1alpha1.TrainingRun;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The run's egress NetworkPolicy ({@link TrainingNetworkPolicy#desired}), applied (server-side
 * apply, forcing conflicts) in the reconcile that gives the run a slot, before its Job ({@link
 * StartsNow}; the workflow orders the Job after it), so the Pod never exists without it. A policy
 * of the same name left by an earlier run is taken over (its owner reference replaced).
 */
@KubernetesDependent(
        informer = @Informer(labelSelector = TrainingLabels.SELECTOR),
        createResourceOnlyIfNotExistingWithSSA = false)
public class TrainingPolicyDependent extends RunOwnedDependent<NetworkPolicy>
        implements Creator<NetworkPolicy, TrainingRun>, Updater<NetworkPolicy, TrainingRun> {
    public static final String NAME = "trainingrun-networkpolicy";

    public TrainingPolicyDependent() {
        super(NetworkPolicy.class);
    }

    @Override
    protected NetworkPolicy desired(TrainingRun run, Context<TrainingRun> context) {
        return TrainingNetworkPolicy.desired(run, RunObservation.in(context).node().orElseThrow());
    }

    @Override
    protected String name(TrainingRun run) {
        return TrainingNetworkPolicy.name(run);
    }
}
