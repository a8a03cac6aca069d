package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the cluster holds for one Dataset, as the framework's event sources have it: the node it
 * names (null when there is none) and its anonymiser Jobs of every revision, by name. Read once at
 * the start of a reconcile; nothing is kept between reconciles.
 */
record DatasetObservation(FederationNode node, Map<String, Job> jobs) {
    static DatasetObservation of(Context<Dataset> context) {
        Map<String, Job> jobs = new TreeMap<>();
        for (Job job : context.getSecondaryResources(Job.class)) {
            jobs.put(job.getMetadata().getName(), job);
        }
        return new DatasetObservation(
                context.getSecondaryResource(FederationNode.class).orElse(null), Map.copyOf(jobs));
    }
}
