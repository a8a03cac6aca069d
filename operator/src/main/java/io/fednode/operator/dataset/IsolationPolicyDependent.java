package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fednode.api.v1alpha1.Dataset;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The Dataset's isolation NetworkPolicy ({@link DatasetIsolationPolicy}): created, and put back by
 * server-side apply when it no longer isolates as desired. Reconciled while the node is usable
 * ({@link Isolates}); before the Job, which depends on it.
 */
@KubernetesDependent(informer = @Informer(labelSelector = DatasetLabels.SELECTOR))
class IsolationPolicyDependent extends DatasetOwnedDependent<NetworkPolicy>
        implements Creator<NetworkPolicy, Dataset>, Updater<NetworkPolicy, Dataset> {

    IsolationPolicyDependent() {
        super(NetworkPolicy.class);
    }

    @Override
    protected NetworkPolicy desired(Dataset dataset, Context<Dataset> context) {
        return DatasetIsolationPolicy.desired(dataset);
    }

    @Override
    protected ResourceID targetSecondaryResourceID(Dataset dataset, Context<Dataset> context) {
        return new ResourceID(
                DatasetIsolationPolicy.name(dataset), dataset.getMetadata().getNamespace());
    }

    @Override
    public Result<NetworkPolicy> match(
            NetworkPolicy actual, Dataset dataset, Context<Dataset> context) {
        NetworkPolicy desired = desired(dataset, context);
        return Result.computed(DatasetIsolationPolicy.matches(actual, desired), desired);
    }

    @Override
    public NetworkPolicy create(NetworkPolicy desired, Dataset dataset, Context<Dataset> context) {
        return apply(desired, context);
    }

    @Override
    public NetworkPolicy update(
            NetworkPolicy actual,
            NetworkPolicy desired,
            Dataset dataset,
            Context<Dataset> context) {
        return apply(desired, context);
    }

    private static NetworkPolicy apply(NetworkPolicy desired, Context<Dataset> context) {
        return context.getClient()
                .resource(desired)
                .fieldManager(DatasetReconciler.FIELD_MANAGER)
                .forceConflicts()
                .serverSideApply();
    }

    /** Precondition: the node is usable (the plan isolates). */
    static final class Isolates implements Condition<NetworkPolicy, Dataset> {
        @Override
        public boolean isMet(
                DependentResource<NetworkPolicy, Dataset> dependent,
                Dataset dataset,
                Context<Dataset> context) {
            return DatasetPlan.in(context).isolates();
        }
    }
}
