package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fednode.api.v1alpha1.Dataset;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.BulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The finished Jobs of earlier revisions ({@link DatasetPlan.Run#superseded}), removed: the only
 * thing this dependent does. It desires no Job, so the framework deletes each one the plan names;
 * it creates and updates nothing. It reads the Jobs' event source ({@link
 * AnonymisationJobDependent}'s). {@link GarbageCollected}: when the Dataset is deleted, the garbage
 * collector removes its Jobs by owner reference, so the Dataset needs no finalizer for it.
 */
class SupersededJobs extends KubernetesDependentResource<Job, Dataset>
        implements BulkDependentResource<Job, Dataset, String>, GarbageCollected<Dataset> {

    SupersededJobs() {
        super(Job.class);
    }

    @Override
    public Map<String, Job> desiredResources(Dataset dataset, Context<Dataset> context) {
        return Map.of();
    }

    @Override
    public Map<String, Job> getSecondaryResources(Dataset dataset, Context<Dataset> context) {
        Map<String, Job> jobs = new LinkedHashMap<>();
        if (DatasetPlan.in(context) instanceof DatasetPlan.Run run) {
            run.superseded().forEach(job -> jobs.put(job.getMetadata().getName(), job));
        }
        return jobs;
    }

    @Override
    public void deleteTargetResource(
            Dataset dataset, Job job, String name, Context<Dataset> context) {
        context.getClient()
                .resource(job)
                .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                .delete();
    }
}
