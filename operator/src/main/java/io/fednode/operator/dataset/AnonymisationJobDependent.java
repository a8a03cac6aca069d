package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.v1alpha1.Dataset;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.HttpURLConnection;

/**
 * The anonymiser Job of the current revision ({@link AnonymisationJob}), named by the revision
 * ({@link DatasetRevision#jobName}), so each revision is its own object. A {@link Creator} only:
 * the framework never updates it, which makes "a running Job is never mutated" structural; a new
 * input is a new revision, hence a new Job. Not a {@code Deleter} either: Jobs of earlier revisions
 * are removed by {@link SupersededJobs} once they have finished, and all of them with the Dataset
 * by the garbage collector.
 */
@KubernetesDependent(informer = @Informer(labelSelector = DatasetLabels.SELECTOR))
class AnonymisationJobDependent extends DatasetOwnedDependent<Job>
        implements Creator<Job, Dataset> {
    /**
     * Key of the Job this reconcile created (or found created), in the managed-workflow context.
     */
    static final String CREATED = AnonymisationJobDependent.class.getName() + ".created";

    AnonymisationJobDependent() {
        super(Job.class);
    }

    @Override
    protected Job desired(Dataset dataset, Context<Dataset> context) {
        return run(context).desired();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(Dataset dataset, Context<Dataset> context) {
        return new ResourceID(run(context).jobName(), dataset.getMetadata().getNamespace());
    }

    /**
     * Creates the Job (a plain create: no server-side apply, which would be an update of a Job
     * created meanwhile). A 409 means an earlier reconcile created it and the informer has not
     * shown it yet: the Job as it is then.
     */
    @Override
    public Job create(Job desired, Dataset dataset, Context<Dataset> context) {
        Job created;
        try {
            created = context.getClient().resource(desired).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            created =
                    context.getClient()
                            .batch()
                            .v1()
                            .jobs()
                            .inNamespace(desired.getMetadata().getNamespace())
                            .withName(desired.getMetadata().getName())
                            .require();
        }
        context.managedWorkflowAndDependentResourceContext().put(CREATED, created);
        return created;
    }

    private static DatasetPlan.Run run(Context<Dataset> context) {
        return (DatasetPlan.Run) DatasetPlan.in(context);
    }

    /** Precondition: the plan runs a Job (the node allows it, or the revision's Job exists). */
    static final class RunsJob extends PlanCondition<Job> {
        @Override
        boolean holds(DatasetPlan plan) {
            return plan instanceof DatasetPlan.Run;
        }
    }
}
