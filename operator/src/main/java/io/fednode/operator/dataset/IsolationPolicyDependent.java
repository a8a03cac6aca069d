package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fednode.api.v1alpha1.Dataset;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The Dataset's isolation NetworkPolicy ({@link DatasetIsolationPolicy}): created, and put back
 * when it no longer isolates as desired ({@link #update}). Reconciled while the node is usable
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

    /**
     * Puts the policy back: server-side apply for the labels and ownership, then the whole spec
     * replaced. Apply alone would not do: it removes only fields the operator owns, so a rule or a
     * selector label added by someone else (an {@code egress: [{}]} that opens all egress) would
     * stay. The replace is tied to the object's uid, so it never lands on a recreated policy.
     */
    @Override
    public NetworkPolicy update(
            NetworkPolicy actual,
            NetworkPolicy desired,
            Dataset dataset,
            Context<Dataset> context) {
        NetworkPolicy applied = apply(desired, context);
        if (DatasetIsolationPolicy.matches(applied, desired)) {
            return applied;
        }
        var json = context.getClient().getKubernetesSerialization();
        String patch =
                "[{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":"
                        + json.asJson(applied.getMetadata().getUid())
                        + "},{\"op\":\"replace\",\"path\":\"/spec\",\"value\":"
                        + json.asJson(desired.getSpec())
                        + "}]";
        return context.getClient()
                .resource(applied)
                .patch(
                        new PatchContext.Builder()
                                .withPatchType(PatchType.JSON)
                                .withFieldManager(DatasetReconciler.FIELD_MANAGER)
                                .build(),
                        patch);
    }

    private static NetworkPolicy apply(NetworkPolicy desired, Context<Dataset> context) {
        return context.getClient()
                .resource(desired)
                .fieldManager(DatasetReconciler.FIELD_MANAGER)
                .forceConflicts()
                .serverSideApply();
    }

    /** Precondition: the node is usable (the plan isolates). */
    static final class Isolates extends PlanCondition<NetworkPolicy> {
        @Override
        boolean holds(DatasetPlan plan) {
            return plan.isolates();
        }
    }
}
