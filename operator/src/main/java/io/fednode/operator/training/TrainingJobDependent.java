package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.v1alpha1.TrainingRun;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The run's Job ({@link TrainingJob#desired}), a create-only dependent: JOSDK creates it when it is
 * missing and never updates it (no {@code Updater}), so a running Job is never mutated; nor does it
 * delete it (no {@code Deleter}; the Job goes with its run by owner reference). Reconciled only in
 * the reconcile that gave the run a slot ({@link StartsNow}).
 *
 * <p>Its informer (the operator's training Jobs only) maps a Job's events to its run; when the run
 * is gone while its Job still held a slot, to the node's oldest queued run instead, the one that
 * can take the slot.
 */
@KubernetesDependent(informer = @Informer(labelSelector = TrainingLabels.SELECTOR))
public class TrainingJobDependent extends RunOwnedDependent<Job>
        implements Creator<Job, TrainingRun> {
    public static final String NAME = "trainingrun-job";

    public TrainingJobDependent() {
        super(Job.class);
    }

    @Override
    protected Job desired(TrainingRun run, Context<TrainingRun> context) {
        RunObservation seen = RunObservation.in(context);
        return TrainingJob.desired(run, seen.node().orElseThrow(), seen.datasets());
    }

    /** A plain create; a Job left by an earlier attempt of this very reconcile is taken as is. */
    @Override
    public Job create(Job desired, TrainingRun run, Context<TrainingRun> context) {
        try {
            return context.getClient().resource(desired).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            Job existing = context.getClient().resource(desired).get();
            if (existing == null) {
                throw e;
            }
            return existing;
        }
    }

    @Override
    protected String name(TrainingRun run) {
        return TrainingJob.name(run);
    }

    @Override
    protected Optional<SecondaryToPrimaryMapper<Job>> getSecondaryToPrimaryMapper(
            EventSourceContext<TrainingRun> context) {
        IndexedResourceCache<TrainingRun> runs = context.getPrimaryCache();
        return Optional.of(job -> toRuns(job, runs));
    }

    /**
     * The Job's run; if that run is gone and the Job did not finish (its slot is free now that its
     * run no longer counts), the node's oldest queued run. A finished Job frees its slot through
     * its run's reconcile, which wakes the runs that can take it ({@link RunQueue#wakeNext}).
     */
    static Set<ResourceID> toRuns(Job job, IndexedResourceCache<TrainingRun> runs) {
        Set<ResourceID> ids = new HashSet<>();
        ResourceID owner = runOf(job);
        ids.add(owner);
        String node = job.getMetadata().getLabels().get(TrainingLabels.RUN_NODE);
        if (node != null && runs.get(owner).isEmpty()) {
            RunQueue.oldestQueued(runs, job.getMetadata().getNamespace(), node).ifPresent(ids::add);
        }
        return ids;
    }
}
