package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunConditions;
import io.fednode.api.v1alpha1.TrainingRunConditions.Reasons;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import io.fednode.operator.common.CachedResources;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.JobPods;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.operator.common.StatusPatch;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs TrainingRuns, in the operator's one reconciler shape:
 *
 * <ol>
 *   <li><b>observe</b>: {@link RunObservation}, what the framework's caches hold for the run (node,
 *       datasets, the Job of its name);
 *   <li><b>decide</b>, by pure functions: admission ({@link TrainingAdmission}), then the node's
 *       slots ({@link GpuQuota}) — or, once the Job exists, what the Job says ({@link JobOutcome});
 *   <li><b>act</b> through the JOSDK workflow of dependents: the run's NetworkPolicy, then its Job
 *       ({@link TrainingPolicyDependent}, {@link TrainingJobDependent}, create-only), reconciled
 *       only in the reconcile that gives the run a slot ({@link StartsNow});
 *   <li><b>status</b>, from one builder ({@link RunConditions} on {@link Conditions}).
 * </ol>
 *
 * <p>Queued runs are woken only when they can take a slot: a run that frees one (its Job finished
 * or disappeared) or leaves the queue (refused, waiting for a prerequisite) wakes the runs that can
 * take the node's free slots now, in creation order ({@link RunQueue#next}); a Job whose run is
 * gone wakes the node's oldest queued run. A change of the node wakes its runs that have not
 * started (their admission depends on it), a change of a dataset the runs that read it. Start
 * decisions of one node are serialised, and a created Job is in the Job informer's cache at once
 * (JOSDK puts what a dependent creates there), so two runs never take the same slot.
 */
@Workflow(
        explicitInvocation = true,
        dependents = {
            @Dependent(
                    name = TrainingPolicyDependent.NAME,
                    type = TrainingPolicyDependent.class,
                    reconcilePrecondition = StartsNow.class),
            @Dependent(
                    name = TrainingJobDependent.NAME,
                    type = TrainingJobDependent.class,
                    reconcilePrecondition = StartsNow.class,
                    dependsOn = TrainingPolicyDependent.NAME)
        })
@ControllerConfiguration(name = TrainingRunReconciler.NAME, fieldManager = OperatorIdentity.NAME)
public class TrainingRunReconciler implements Reconciler<TrainingRun> {
    private final CachedResources<TrainingRun> cached = new CachedResources<>();

    /** The informer's TrainingRuns, for scrape-time metrics (no API call). */
    public CachedResources<TrainingRun> cached() {
        return cached;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRunReconciler.class);

    public static final String NAME = "trainingrun";
    static final String NODE_SOURCE = "trainingrun-nodes";
    static final String DATASET_SOURCE = "trainingrun-datasets";
    static final String QUEUE_SOURCE = "trainingrun-queue";

    /** Safety net for queued and waiting runs, should an event that frees a slot be missed. */
    static final Duration RECHECK = Duration.ofSeconds(30);

    /** While a Job of an earlier run of the same name is still being garbage-collected. */
    static final Duration FOREIGN_JOB_RECHECK = Duration.ofSeconds(5);

    /**
     * Start decisions of one node are serialised on one of a fixed set of locks (the node's key
     * picks it), so the locks do not grow with the nodes ever seen; two nodes sharing a lock only
     * wait for each other. Nothing is kept between reconciles: what a decision needs is in the
     * caches, so a new leader decides alike.
     */
    private final Object[] nodeLocks = Stream.generate(Object::new).limit(64).toArray();

    private final EventRecorder events = new EventRecorder();
    private final SimpleInboundEventSource<TrainingRun> wakeUps =
            new SimpleInboundEventSource<>(QUEUE_SOURCE);

    @Override
    public List<EventSource<?, TrainingRun>> prepareEventSources(
            EventSourceContext<TrainingRun> context) {
        cached.attach(context.getPrimaryCache());
        context.getPrimaryCache()
                .addIndexer(RunQueue.BY_NODE, run -> List.of(RunQueue.nodeKey(run)));
        IndexedResourceCache<TrainingRun> runs = context.getPrimaryCache();
        var nodes =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(
                                        FederationNode.class, TrainingRun.class)
                                .withName(NODE_SOURCE)
                                .withPrimaryToSecondaryMapper(
                                        (TrainingRun run) ->
                                                Set.of(
                                                        new ResourceID(
                                                                run.getSpec().getNodeRef(),
                                                                run.getMetadata().getNamespace())))
                                .withSecondaryToPrimaryMapper(
                                        node ->
                                                RunQueue.waitingRuns(
                                                        runs,
                                                        node.getMetadata().getNamespace(),
                                                        node.getMetadata().getName(),
                                                        null))
                                .build(),
                        context);
        var datasets =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(Dataset.class, TrainingRun.class)
                                .withName(DATASET_SOURCE)
                                .withPrimaryToSecondaryMapper(
                                        (TrainingRun run) ->
                                                TrainingAdmission.datasetNames(run).stream()
                                                        .map(
                                                                name ->
                                                                        new ResourceID(
                                                                                name,
                                                                                run.getMetadata()
                                                                                        .getNamespace()))
                                                        .collect(Collectors.toSet()))
                                .withSecondaryToPrimaryMapper(
                                        dataset ->
                                                dataset.getSpec() == null
                                                        ? Set.of()
                                                        : RunQueue.waitingRuns(
                                                                runs,
                                                                dataset.getMetadata()
                                                                        .getNamespace(),
                                                                dataset.getSpec().getNodeRef(),
                                                                dataset.getMetadata().getName()))
                                .build(),
                        context);
        return List.of(nodes, datasets, wakeUps);
    }

    /** One reconcile's outcome: the conditions, when to look again, whether slots may be free. */
    private record Step(RunConditions conditions, Duration recheck, boolean wakesQueue) {}

    @Override
    public UpdateControl<TrainingRun> reconcile(TrainingRun run, Context<TrainingRun> context) {
        if (RunQueue.isFinished(run)) {
            return UpdateControl.noUpdate(); // final; the spec cannot change
        }
        RunObservation seen = RunObservation.of(run, context);
        context.managedWorkflowAndDependentResourceContext().put(RunObservation.class, seen);
        Instant now = Instant.now();
        TrainingRunStatus previous = seen.previousStatus();
        TrainingRunStatus status = copy(previous);
        status.setObservedGeneration(run.getMetadata().getGeneration());
        status.setOperatorVersion(OperatorIdentity.version());

        Step step = decideAndAct(seen, status, context, now);

        status.setConditions(step.conditions().settle(previous.getConditions(), now));
        recordTransition(context.getClient(), run, previous, status);
        if (step.wakesQueue() && seen.node().isPresent() && computes(seen.node().get())) {
            RunQueue.next(context, seen.node().get(), run, GpuQuota.State.OUT)
                    .forEach(wakeUps::propagateEvent);
        }
        UpdateControl<TrainingRun> control =
                status.equals(previous)
                        ? UpdateControl.noUpdate()
                        : UpdateControl.patchStatus(statusPatch(run, status));
        return step.recheck() == null ? control : control.rescheduleAfter(step.recheck());
    }

    private Step decideAndAct(
            RunObservation seen,
            TrainingRunStatus status,
            Context<TrainingRun> context,
            Instant now) {
        TrainingRun run = seen.run();
        long generation = run.getMetadata().getGeneration();
        if (seen.foreignJob()) {
            // An earlier run of the same name; its Job goes with it (garbage collection).
            return new Step(
                    RunConditions.waiting(
                            generation,
                            Reasons.PENDING,
                            "Job "
                                    + TrainingJob.name(run)
                                    + " of an earlier TrainingRun of the same name still exists"),
                    FOREIGN_JOB_RECHECK,
                    false);
        }
        if (seen.job().isPresent()) {
            RunConditions conditions = observeJob(run, seen.job().get(), status, context, now);
            return new Step(conditions, null, RunConditions.finished(conditions.asList()));
        }
        if (RunQueue.hasStarted(run)) {
            status.setCompletionTime(Conditions.timestamp(now));
            return new Step(
                    RunConditions.finished(
                            generation,
                            admittedMessage(status),
                            false,
                            Reasons.JOB_DELETED,
                            "Job "
                                    + status.getJobName()
                                    + " was deleted before it finished; the run is not restarted"),
                    null,
                    true);
        }
        TrainingAdmission.Decision decision =
                TrainingAdmission.decide(run, seen.node().orElse(null), seen.datasets());
        return switch (decision.verdict()) {
            case REFUSE -> {
                status.setCompletionTime(Conditions.timestamp(now));
                yield new Step(
                        RunConditions.refused(generation, decision.reason(), decision.message()),
                        null,
                        true);
            }
            case WAIT ->
                    new Step(
                            RunConditions.waiting(
                                    generation, decision.reason(), decision.message()),
                            RECHECK,
                            // it stood in the queue until now (admitted, or not decided yet)
                            !Conditions.is(
                                    status.getConditions(),
                                    TrainingRunConditions.ADMITTED,
                                    io.fednode.api.common.ConditionTypes.FALSE));
            case ADMIT -> startOrQueue(seen, decision, status, context, now);
        };
    }

    private Step startOrQueue(
            RunObservation seen,
            TrainingAdmission.Decision admission,
            TrainingRunStatus status,
            Context<TrainingRun> context,
            Instant now) {
        TrainingRun run = seen.run();
        FederationNode node = seen.node().orElseThrow();
        long generation = run.getMetadata().getGeneration();
        String key = RunQueue.nodeKey(run);
        int limit = node.getSpec().getCompute().getMaxConcurrentRuns();
        synchronized (nodeLocks[Math.floorMod(key.hashCode(), nodeLocks.length)]) {
            GpuQuota.Decision quota =
                    GpuQuota.decide(
                            limit,
                            RunQueue.entries(context, node, run, GpuQuota.State.WAITING),
                            run.getMetadata().getName());
            if (!quota.start()) {
                return new Step(
                        RunConditions.queued(
                                generation,
                                admission.message(),
                                "node "
                                        + node.getMetadata().getName()
                                        + " runs at most "
                                        + limit
                                        + " TrainingRuns at once (compute.maxConcurrentRuns);"
                                        + " queued in creation order"),
                        RECHECK,
                        false);
            }
            // Act: the workflow applies the NetworkPolicy, then creates the Job.
            context.managedWorkflowAndDependentResourceContext().put(StartsNow.KEY, true);
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
            Job created =
                    context.getSecondaryResource(Job.class, TrainingJobDependent.NAME)
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "Job "
                                                            + TrainingJob.name(run)
                                                            + " is not in the cache after its"
                                                            + " creation"));
            LOG.info(
                    "TrainingRun {}/{} started as Job {} on node {} ({} of {} slots were in use)",
                    run.getMetadata().getNamespace(),
                    run.getMetadata().getName(),
                    created.getMetadata().getName(),
                    node.getMetadata().getName(),
                    quota.running(),
                    limit);
            status.setJobName(created.getMetadata().getName());
            status.setStartTime(Conditions.timestamp(now));
            status.setActiveDeadlineSeconds(created.getSpec().getActiveDeadlineSeconds());
            return new Step(
                    RunConditions.started(
                            generation,
                            admission.message(),
                            false,
                            created.getMetadata().getName()),
                    null,
                    false);
        }
    }

    private RunConditions observeJob(
            TrainingRun run,
            Job job,
            TrainingRunStatus status,
            Context<TrainingRun> context,
            Instant now) {
        long generation = run.getMetadata().getGeneration();
        String admission = admittedMessage(run.getStatus());
        JobOutcome outcome = JobOutcome.of(job);
        status.setJobName(job.getMetadata().getName());
        if (status.getStartTime() == null) {
            status.setStartTime(
                    job.getMetadata().getCreationTimestamp() == null
                            ? Conditions.timestamp(now)
                            : job.getMetadata().getCreationTimestamp());
        }
        status.setActiveDeadlineSeconds(job.getSpec().getActiveDeadlineSeconds());
        if (status.getPodNodeName() == null && (outcome.running() || outcome.finished())) {
            status.setPodNodeName(podNode(context.getClient(), job));
        }
        if (outcome.finished()) {
            status.setCompletionTime(
                    outcome.finishedAt() == null
                            ? Conditions.timestamp(now)
                            : outcome.finishedAt());
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

    /** The Kubernetes node of the Job's Pod (Pods are not cached; read once, when it runs). */
    private static String podNode(KubernetesClient client, Job job) {
        return JobPods.of(client, job).stream()
                .map(p -> p.getSpec().getNodeName())
                .filter(n -> n != null && !n.isEmpty())
                .findFirst()
                .orElse(null);
    }

    private static boolean computes(FederationNode node) {
        return node.getSpec() != null && node.getSpec().getCompute() != null;
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
        return Conditions.find(status.getConditions(), TrainingRunConditions.SUCCEEDED)
                .filter(c -> c.getReason() != null);
    }

    private static String admittedMessage(TrainingRunStatus status) {
        return Optional.ofNullable(status)
                .flatMap(s -> Conditions.find(s.getConditions(), TrainingRunConditions.ADMITTED))
                .map(Condition::getMessage)
                .orElse("admitted");
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
        return StatusPatch.of(run, status, TrainingRun::new);
    }
}
