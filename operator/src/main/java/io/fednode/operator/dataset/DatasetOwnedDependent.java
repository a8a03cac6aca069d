package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fednode.api.v1alpha1.Dataset;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.Set;

/**
 * What the Dataset's dependents share: their objects are mapped back to the Dataset by the {@value
 * DatasetLabels#DATASET} label, and carry the owner reference {@link DatasetLabels#metadata} puts
 * in the desired object (the garbage collector removes them with the Dataset). None of them is a
 * {@code Deleter}: a reconcile precondition that does not hold leaves the object alone (a running
 * Job and its isolation stay), and the Dataset needs no finalizer.
 */
abstract class DatasetOwnedDependent<R extends HasMetadata>
        extends KubernetesDependentResource<R, Dataset> implements SecondaryToPrimaryMapper<R> {

    protected DatasetOwnedDependent(Class<R> type) {
        super(type);
    }

    @Override
    public Set<ResourceID> toPrimaryResourceIDs(R object) {
        return DatasetLabels.primaryOf(object);
    }

    /** The owner reference is part of the desired object already; no mapping annotations. */
    @Override
    protected void addReferenceHandlingMetadata(R desired, Dataset primary) {}

    /**
     * A reconcile precondition read from the plan the reconciler put in the context (the framework
     * instantiates each subclass by its no-argument constructor).
     */
    abstract static class PlanCondition<R> implements Condition<R, Dataset> {
        /** Whether the dependent is to be reconciled under this plan. */
        abstract boolean holds(DatasetPlan plan);

        @Override
        public boolean isMet(
                DependentResource<R, Dataset> dependent,
                Dataset dataset,
                Context<Dataset> context) {
            return holds(DatasetPlan.in(context));
        }
    }
}
