package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunConditions;
import io.fednode.api.v1alpha1.TrainingRunConditions.Reasons;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.OperatorIdentity;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs TrainingRuns: admission ({@link TrainingAdmission}), the node's slots ({@link GpuQuota}),
 * then the run's NetworkPolicy and Job ({@link TrainingNetworkPolicy}, {@link TrainingJob}), and
 * the status from the Job until it finishes.
 *
 * <p>Queued runs are woken when a slot may have freed: every Job event (a Job of the node finished
 * or disappeared) and every change of the node or of a dataset re-reconciles the node's waiting
 * runs; a refused run wakes them too (it no longer stands in the queue). Start decisions of one
 * node are serialised, and a Job just created is put into the informer's cache at once, so two runs
 * never take the same slot.
 */
@ControllerConfiguration(name = "trainingrun")
public class TrainingRunReconciler implements Reconciler<TrainingRun> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRunReconciler.class);

    static final String FIELD_MANAGER = OperatorIdentity.NAME;
    static final String BY_NODE = "trainingrun-by-node";

    /** Safety net for queued and waiting runs, should an event that frees a slot be missed. */
    static final Duration RECHECK = Duration.ofSeconds(30);

    /**
     * Start decisions of one node are serialised on one of a fixed set of locks (the node's key
     * picks it), so the locks do not grow with the nodes ever seen; two nodes sharing a lock only
     * wait for each other.
     */
    private final Object[] nodeLocks =
            java.util.stream.Stream.generate(Object::new).limit(64).toArray();

    private final EventRecorder events = new EventRecorder();
    private InformerEventSource<Job, TrainingRun> jobs;
    private InformerEventSource<FederationNode, TrainingRun> nodes;
    private InformerEventSource<Dataset, TrainingRun> datasets;
    private final SimpleInboundEventSource<TrainingRun> wakeUps =
            new SimpleInboundEventSource<>("trainingrun-queue");

    @Override
    public List<EventSource<?, TrainingRun>> prepareEventSources(
            EventSourceContext<TrainingRun> context) {
        context.getPrimaryCache()
                .addIndexer(
                        BY_NODE,
                        run ->
                                List.of(
                                        nodeKey(
                                                run.getMetadata().getNamespace(),
                                                run.getSpec().getNodeRef())));
        IndexedResourceCache<TrainingRun> runs = context.getPrimaryCache();
        jobs =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(Job.class, TrainingRun.class)
                                .withName("trainingrun-jobs")
                                .withLabelSelector(TrainingLabels.SELECTOR)
                                .withSecondaryToPrimaryMapper(
                                        job -> {
                                            Set<ResourceID> ids = new HashSet<>();
                                            var labels = job.getMetadata().getLabels();
                                            String ns = job.getMetadata().getNamespace();
                                            ResourceID owner =
                                                    new ResourceID(
                                                            labels.get(TrainingLabels.RUN), ns);
                                            ids.add(owner);
                                            // A slot frees when a Job finishes (its run's
                                            // reconcile wakes the queue too) or when a run is
                                            // deleted (then only this event is left to do it).
                                            String node = labels.get(TrainingLabels.RUN_NODE);
                                            boolean slotFreed =
                                                    JobOutcome.of(job).finished()
                                                            || runs.get(owner).isEmpty();
                                            if (node != null && slotFreed) {
                                                ids.addAll(waitingRuns(runs, ns, node, null));
                                            }
                                            return ids;
                                        })
                                .build(),
                        context);
        nodes =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(
                                        FederationNode.class, TrainingRun.class)
                                .withName("trainingrun-nodes")
                                .withSecondaryToPrimaryMapper(
                                        node ->
                                                waitingRuns(
                                                        runs,
                                                        node.getMetadata().getNamespace(),
                                                        node.getMetadata().getName(),
                                                        null))
                                .build(),
                        context);
        datasets =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(Dataset.class, TrainingRun.class)
                                .withName("trainingrun-datasets")
                                .withSecondaryToPrimaryMapper(
                                        dataset ->
                                                dataset.getSpec() == null
                                                        ? Set.of()
                                                        : waitingRuns(
                                                                runs,
                                                                dataset.getMetadata()
                                                                        .getNamespace(),
                                                                dataset.getSpec().getNodeRef(),
                                                                dataset.getMetadata().getName()))
                                .build(),
                        context);
        return List.of(jobs, nodes, datasets, wakeUps);
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

    @Override
    public UpdateControl<TrainingRun> reconcile(TrainingRun run, Context<TrainingRun> context) {
        if (isFinished(run)) {
            return UpdateControl.noUpdate(); // final; the spec cannot change
        }
        String ns = run.getMetadata().getNamespace();
        FederationNode node =
                nodes.get(new ResourceID(run.getSpec().getNodeRef(), ns)).orElse(null);
        Optional<Job> job = jobs.get(new ResourceID(TrainingJob.name(run), ns));
        TrainingRunStatus previous =
                run.getStatus() == null ? new TrainingRunStatus() : run.getStatus();
        TrainingRunStatus status = copy(previous);
        long generation = run.getMetadata().getGeneration();
        status.setObservedGeneration(generation);
        Instant now = Instant.now();
        RunConditions conditions;
        Duration recheck = null;

        if (job.isPresent() && !TrainingLabels.ownedBy(job.get(), run.getMetadata().getUid())) {
            // An earlier run of the same name; its Job goes with it (garbage collection).
            conditions =
                    RunConditions.waiting(
                            generation,
                            Reasons.PENDING,
                            "Job "
                                    + TrainingJob.name(run)
                                    + " of an earlier TrainingRun of the same name still exists");
            recheck = Duration.ofSeconds(5);
        } else if (job.isPresent()) {
            conditions = observe(run, job.get(), status, context.getClient());
            if (RunConditions.finished(conditions.asList())) {
                wakeQueue(context, run);
            }
        } else if (hasStarted(run)) {
            conditions =
                    RunConditions.finished(
                            generation,
                            admittedMessage(previous),
                            false,
                            Reasons.JOB_DELETED,
                            "Job "
                                    + status.getJobName()
                                    + " was deleted before it finished; the run is not restarted");
            status.setCompletionTime(now.toString());
            wakeQueue(context, run);
        } else {
            Map<String, Dataset> runDatasets = datasetsOf(run);
            TrainingAdmission.Decision decision = TrainingAdmission.decide(run, node, runDatasets);
            switch (decision.verdict()) {
                case REFUSE -> {
                    conditions =
                            RunConditions.refused(
                                    generation, decision.reason(), decision.message());
                    status.setCompletionTime(now.toString());
                    wakeQueue(context, run);
                }
                case WAIT -> {
                    conditions =
                            RunConditions.waiting(
                                    generation, decision.reason(), decision.message());
                    recheck = RECHECK;
                }
                default -> {
                    conditions = startOrQueue(run, node, runDatasets, decision, status, context);
                    if (!hasStartedStatus(status)) {
                        recheck = RECHECK;
                    }
                }
            }
        }
        status.setConditions(conditions.merge(previous.getConditions(), now));
        recordTransition(context.getClient(), run, previous, status);
        UpdateControl<TrainingRun> control =
                status.equals(previous)
                        ? UpdateControl.noUpdate()
                        : UpdateControl.patchStatus(statusPatch(run, status));
        return recheck == null ? control : control.rescheduleAfter(recheck);
    }

    private RunConditions startOrQueue(
            TrainingRun run,
            FederationNode node,
            Map<String, Dataset> runDatasets,
            TrainingAdmission.Decision admission,
            TrainingRunStatus status,
            Context<TrainingRun> context) {
        long generation = run.getMetadata().getGeneration();
        String ns = run.getMetadata().getNamespace();
        String key = nodeKey(ns, node.getMetadata().getName());
        synchronized (nodeLocks[Math.floorMod(key.hashCode(), nodeLocks.length)]) {
            List<GpuQuota.Entry> entries = new ArrayList<>();
            for (TrainingRun other : context.getPrimaryCache().byIndex(BY_NODE, key)) {
                entries.add(
                        new GpuQuota.Entry(
                                other.getMetadata().getName(),
                                other.getMetadata().getCreationTimestamp(),
                                quotaState(other, run, node)));
            }
            int limit = node.getSpec().getCompute().getMaxConcurrentRuns();
            GpuQuota.Decision quota = GpuQuota.decide(limit, entries, run.getMetadata().getName());
            if (!quota.start()) {
                return RunConditions.queued(
                        generation,
                        admission.message(),
                        "node "
                                + node.getMetadata().getName()
                                + " runs at most "
                                + limit
                                + " TrainingRuns at once (compute.maxConcurrentRuns); queued in"
                                + " creation order");
            }
            KubernetesClient client = context.getClient();
            client.resource(TrainingNetworkPolicy.desired(run, node))
                    .fieldManager(FIELD_MANAGER)
                    .forceConflicts()
                    .serverSideApply();
            Job desired = TrainingJob.desired(run, node, runDatasets);
            Job created;
            try {
                created = client.resource(desired).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                created = client.resource(desired).get(); // created by an earlier attempt
            }
            jobs.handleRecentResourceCreate(ResourceID.fromResource(created), created);
            LOG.info(
                    "TrainingRun {}/{} started as Job {} on node {} ({} of {} slots were in use)",
                    ns,
                    run.getMetadata().getName(),
                    created.getMetadata().getName(),
                    node.getMetadata().getName(),
                    quota.running(),
                    limit);
            status.setJobName(created.getMetadata().getName());
            status.setStartTime(Instant.now().toString());
            status.setActiveDeadlineSeconds(created.getSpec().getActiveDeadlineSeconds());
            return RunConditions.started(
                    generation, admission.message(), false, created.getMetadata().getName());
        }
    }

    /** How another run of the node (or this one) counts for the quota. */
    private GpuQuota.State quotaState(TrainingRun other, TrainingRun self, FederationNode node) {
        if (other.getMetadata().getUid().equals(self.getMetadata().getUid())) {
            return GpuQuota.State.WAITING;
        }
        Optional<Job> job =
                jobs.get(
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
        // Decided afresh rather than read from its status, which may be stale (a run that waited
        // for the node is admissible the moment the node is Ready, whoever is reconciled first):
        // an earlier run keeps its place even if this operator has not got to it yet.
        return TrainingAdmission.decide(other, node, datasetsOf(other)).admitted()
                ? GpuQuota.State.WAITING
                : GpuQuota.State.OUT;
    }

    private RunConditions observe(
            TrainingRun run, Job job, TrainingRunStatus status, KubernetesClient client) {
        long generation = run.getMetadata().getGeneration();
        String admission = admittedMessage(run.getStatus());
        JobOutcome outcome = JobOutcome.of(job);
        status.setJobName(job.getMetadata().getName());
        if (status.getStartTime() == null) {
            status.setStartTime(
                    job.getMetadata().getCreationTimestamp() == null
                            ? Instant.now().toString()
                            : job.getMetadata().getCreationTimestamp());
        }
        status.setActiveDeadlineSeconds(job.getSpec().getActiveDeadlineSeconds());
        if (status.getPodNodeName() == null && (outcome.running() || outcome.finished())) {
            status.setPodNodeName(podNode(client, job));
        }
        if (outcome.finished()) {
            status.setCompletionTime(
                    outcome.finishedAt() == null ? Instant.now().toString() : outcome.finishedAt());
            return RunConditions.finished(
                    generation,
                    admission,
                    outcome.succeeded(),
                    outcome.reason(),
                    outcome.message());
        }
        return RunConditions.started(
                generation, admission, outcome.running(), job.getMetadata().getName());
    }

    private static String podNode(KubernetesClient client, Job job) {
        List<Pod> pods =
                client.pods()
                        .inNamespace(job.getMetadata().getNamespace())
                        .withLabel("batch.kubernetes.io/job-name", job.getMetadata().getName())
                        .list()
                        .getItems();
        return pods.stream()
                .map(p -> p.getSpec().getNodeName())
                .filter(n -> n != null && !n.isEmpty())
                .findFirst()
                .orElse(null);
    }

    private Map<String, Dataset> datasetsOf(TrainingRun run) {
        Map<String, Dataset> found = new LinkedHashMap<>();
        for (String name : TrainingAdmission.datasetNames(run)) {
            datasets.get(new ResourceID(name, run.getMetadata().getNamespace()))
                    .ifPresent(d -> found.put(name, d));
        }
        return found;
    }

    /** The node's queued runs get another look: this run no longer stands in the queue. */
    private void wakeQueue(Context<TrainingRun> context, TrainingRun run) {
        IndexedResourceCache<TrainingRun> runs = context.getPrimaryCache();
        for (ResourceID id :
                waitingRuns(
                        runs, run.getMetadata().getNamespace(), run.getSpec().getNodeRef(), null)) {
            if (!id.equals(ResourceID.fromResource(run))) {
                wakeUps.propagateEvent(id);
            }
        }
    }

    /**
     * An Event when the run moves to another stage (the reason of its summary condition changes):
     * Warning when it failed or was refused, Normal otherwise.
     */
    private void recordTransition(
            KubernetesClient client,
            TrainingRun run,
            TrainingRunStatus previous,
            TrainingRunStatus current) {
        Optional<Condition> before = summary(previous);
        Optional<Condition> after = summary(current);
        if (after.isEmpty()
                || (before.isPresent()
                        && before.get().getReason().equals(after.get().getReason()))) {
            return;
        }
        Condition c = after.get();
        String type = "False".equals(c.getStatus()) ? EventRecorder.WARNING : EventRecorder.NORMAL;
        events.record(client, run, type, c.getReason(), c.getMessage());
    }

    private static Optional<Condition> summary(TrainingRunStatus status) {
        return status.getConditions() == null
                ? Optional.empty()
                : status.getConditions().stream()
                        .filter(c -> TrainingRunConditions.SUCCEEDED.equals(c.getType()))
                        .filter(c -> c.getReason() != null)
                        .findFirst();
    }

    private static String admittedMessage(TrainingRunStatus status) {
        if (status == null || status.getConditions() == null) {
            return "admitted";
        }
        return status.getConditions().stream()
                .filter(c -> TrainingRunConditions.ADMITTED.equals(c.getType()))
                .map(Condition::getMessage)
                .findFirst()
                .orElse("admitted");
    }

    static boolean isFinished(TrainingRun run) {
        return run.getStatus() != null && RunConditions.finished(run.getStatus().getConditions());
    }

    static boolean hasStarted(TrainingRun run) {
        return run.getStatus() != null && hasStartedStatus(run.getStatus());
    }

    private static boolean hasStartedStatus(TrainingRunStatus status) {
        return status.getStartTime() != null;
    }

    static String nodeKey(String namespace, String node) {
        return namespace + "/" + node;
    }

    private static TrainingRunStatus copy(TrainingRunStatus s) {
        TrainingRunStatus c = new TrainingRunStatus();
        c.setObservedGeneration(s.getObservedGeneration());
        c.setJobName(s.getJobName());
        c.setPodNodeName(s.getPodNodeName());
        c.setStartTime(s.getStartTime());
        c.setCompletionTime(s.getCompletionTime());
        c.setActiveDeadlineSeconds(s.getActiveDeadlineSeconds());
        c.setConditions(s.getConditions() == null ? new ArrayList<>() : s.getConditions());
        return c;
    }

    private static TrainingRun statusPatch(TrainingRun run, TrainingRunStatus status) {
        TrainingRun patch = new TrainingRun();
        patch.setMetadata(
                new ObjectMetaBuilder()
                        .withName(run.getMetadata().getName())
                        .withNamespace(run.getMetadata().getNamespace())
                        .build());
        patch.setStatus(status);
        return patch;
    }
}
