package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the cluster holds for one TrainingRun, read once at the start of a reconcile from the
 * framework's event sources (their caches, no API calls): its node, its datasets, and the Job of
 * its name — either its own or one an earlier run of the same name left behind. The decisions and
 * the dependents ({@link TrainingJobDependent}, {@link TrainingPolicyDependent}) work from this
 * record only.
 */
record RunObservation(
        TrainingRun run,
        Optional<FederationNode> node,
        Optional<Job> job,
        boolean foreignJob,
        Map<String, Dataset> datasets) {

    static RunObservation of(TrainingRun run, Context<TrainingRun> context) {
        Optional<FederationNode> node =
                context.getSecondaryResource(
                        FederationNode.class, TrainingRunReconciler.NODE_SOURCE);
        Optional<Job> named = context.getSecondaryResource(Job.class, TrainingJobDependent.NAME);
        Optional<Job> own =
                named.filter(j -> TrainingLabels.ownedBy(j, run.getMetadata().getUid()));
        return new RunObservation(
                run, node, own, named.isPresent() && own.isEmpty(), datasets(run, context));
    }

    /**
     * A run's datasets that exist, by name, in the order the run lists them (for this run or, when
     * the quota weighs them, for another run of the node).
     */
    static Map<String, Dataset> datasets(TrainingRun run, Context<TrainingRun> context) {
        Map<String, Dataset> byName = new LinkedHashMap<>();
        context.eventSourceRetriever()
                .getEventSourceFor(Dataset.class, TrainingRunReconciler.DATASET_SOURCE)
                .getSecondaryResources(run)
                .forEach(d -> byName.put(d.getMetadata().getName(), d));
        Map<String, Dataset> found = new LinkedHashMap<>();
        for (String name : TrainingAdmission.datasetNames(run)) {
            Dataset d = byName.get(name);
            if (d != null) {
                found.put(name, d);
            }
        }
        return found;
    }

    TrainingRunStatus previousStatus() {
        return run.getStatus() == null ? new TrainingRunStatus() : run.getStatus();
    }

    /** The observation in the reconcile's context, for the dependents' {@code desired()}. */
    static RunObservation in(Context<TrainingRun> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .getMandatory(RunObservation.class, RunObservation.class);
    }
}
