package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunConditions;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A node's runs as its slots see them ({@link GpuQuota.Entry}), read from the framework's caches:
 * the primary cache indexed by node ({@link #BY_NODE}) and the Job dependent's informer, which
 * holds a Job the moment it is created. Queued runs count with the verdict their status records;
 * only a run without a recorded verdict (not reconciled yet, or waiting for a prerequisite) is
 * decided afresh, so an earlier run keeps its place even when this operator has not got to it yet.
 */
final class RunQueue {
    static final String BY_NODE = "trainingrun-by-node";

    private RunQueue() {}

    static String nodeKey(String namespace, String node) {
        return namespace + "/" + node;
    }

    static String nodeKey(TrainingRun run) {
        return nodeKey(run.getMetadata().getNamespace(), run.getSpec().getNodeRef());
    }

    /** Runs of a node that have not started and not finished (optionally: that read a dataset). */
    static Set<ResourceID> waitingRuns(
            IndexedResourceCache<TrainingRun> runs, String ns, String node, String dataset) {
        return runs.byIndex(BY_NODE, nodeKey(ns, node)).stream()
                .filter(r -> !hasStarted(r) && !isFinished(r))
                .filter(r -> dataset == null || TrainingAdmission.datasetNames(r).contains(dataset))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    /** The node's oldest run that is queued for a slot (admitted, not started, not finished). */
    static Optional<ResourceID> oldestQueued(
            IndexedResourceCache<TrainingRun> runs, String ns, String node) {
        return runs.byIndex(BY_NODE, nodeKey(ns, node)).stream()
                .filter(r -> !hasStarted(r) && !isFinished(r) && admittedRecorded(r))
                .min(
                        Comparator.comparing(
                                        (TrainingRun r) -> r.getMetadata().getCreationTimestamp(),
                                        Comparator.nullsLast(String::compareTo))
                                .thenComparing(r -> r.getMetadata().getName()))
                .map(ResourceID::fromResource);
    }

    /** The node's runs for the quota; {@code self} counts as {@code selfState}. */
    static List<GpuQuota.Entry> entries(
            Context<TrainingRun> context,
            FederationNode node,
            TrainingRun self,
            GpuQuota.State selfState) {
        List<GpuQuota.Entry> entries = new ArrayList<>();
        for (TrainingRun other : context.getPrimaryCache().byIndex(BY_NODE, nodeKey(self))) {
            boolean isSelf = other.getMetadata().getUid().equals(self.getMetadata().getUid());
            entries.add(
                    new GpuQuota.Entry(
                            other.getMetadata().getName(),
                            other.getMetadata().getCreationTimestamp(),
                            isSelf ? selfState : state(other, node, context)));
        }
        return entries;
    }

    /** How another run of the node counts for the quota. */
    private static GpuQuota.State state(
            TrainingRun other, FederationNode node, Context<TrainingRun> context) {
        Optional<Job> job =
                jobs(context)
                        .get(
                                new ResourceID(
                                        TrainingJob.name(other),
                                        other.getMetadata().getNamespace()))
                        .filter(j -> TrainingLabels.ownedBy(j, other.getMetadata().getUid()));
        if (job.isPresent()) {
            return JobOutcome.of(job.get()).finished()
                    ? GpuQuota.State.OUT
                    : GpuQuota.State.HOLDS_SLOT;
        }
        if (isFinished(other) || hasStarted(other)) {
            return GpuQuota.State.OUT;
        }
        if (admittedRecorded(other)) {
            return GpuQuota.State.WAITING;
        }
        // No verdict recorded: decided here, as its own reconcile will decide it (a run that
        // waited for the node is admissible the moment the node is Ready, whoever goes first).
        return TrainingAdmission.decide(other, node, RunObservation.datasets(other, context))
                        .admitted()
                ? GpuQuota.State.WAITING
                : GpuQuota.State.OUT;
    }

    /** The runs that can take the node's free slots now, other than {@code self}. */
    static List<ResourceID> next(
            Context<TrainingRun> context,
            FederationNode node,
            TrainingRun self,
            GpuQuota.State selfState) {
        int limit = node.getSpec().getCompute().getMaxConcurrentRuns();
        String ns = self.getMetadata().getNamespace();
        return GpuQuota.next(limit, entries(context, node, self, selfState)).stream()
                .filter(name -> !name.equals(self.getMetadata().getName()))
                .map(name -> new ResourceID(name, ns))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static InformerEventSource<Job, TrainingRun> jobs(Context<TrainingRun> context) {
        return (InformerEventSource<Job, TrainingRun>)
                context.eventSourceRetriever()
                        .getEventSourceFor(Job.class, TrainingJobDependent.NAME);
    }

    /** Whether the run's status records that it was admitted (it is queued or started). */
    static boolean admittedRecorded(TrainingRun run) {
        return run.getStatus() != null
                && Conditions.is(
                        run.getStatus().getConditions(),
                        TrainingRunConditions.ADMITTED,
                        ConditionTypes.TRUE);
    }

    static boolean isFinished(TrainingRun run) {
        return run.getStatus() != null && RunConditions.finished(run.getStatus().getConditions());
    }

    static boolean hasStarted(TrainingRun run) {
        return run.getStatus() != null && run.getStatus().getStartTime() != null;
    }
}
