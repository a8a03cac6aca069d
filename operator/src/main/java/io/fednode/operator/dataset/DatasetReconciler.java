package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetConditions;
import io.fednode.api.v1alpha1.DatasetConditions.Reasons;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.common.CachedResources;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.JobPods;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.operator.common.StatusPatch;
import io.fednode.operator.dataset.DatasetConditionsBuilder.Refusal;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a Dataset in four steps: <b>observe</b> ({@link DatasetObservation}: its node and its
 * Jobs, from the framework's event sources), <b>decide</b> ({@link DatasetPlan#decide}, pure),
 * <b>act</b> (the workflow of dependents below, run explicitly once the plan is in the context: the
 * isolation NetworkPolicy, the current revision's Job, created once and never changed, and the
 * removal of earlier revisions' finished Jobs), <b>status</b> ({@link DatasetConditionsBuilder},
 * the one builder of the status, with the Job's outcome and the anonymiser's report). Jobs and the
 * policy carry an owner reference, so the garbage collector removes them with the Dataset;
 * anonymised files stay (the node's volumes follow the node's deletion policy).
 */
@ControllerConfiguration(
        name = DatasetReconciler.NAME,
        fieldManager = DatasetReconciler.FIELD_MANAGER)
@Workflow(
        explicitInvocation = true,
        dependents = {
            @Dependent(
                    name = DatasetReconciler.ISOLATION,
                    type = IsolationPolicyDependent.class,
                    reconcilePrecondition = IsolationPolicyDependent.Isolates.class),
            @Dependent(
                    name = DatasetReconciler.JOB,
                    type = AnonymisationJobDependent.class,
                    dependsOn = DatasetReconciler.ISOLATION,
                    reconcilePrecondition = AnonymisationJobDependent.RunsJob.class),
            @Dependent(
                    name = DatasetReconciler.SUPERSEDED,
                    type = SupersededJobs.class,
                    dependsOn = DatasetReconciler.JOB,
                    useEventSourceWithName = DatasetReconciler.JOB)
        })
public class DatasetReconciler implements Reconciler<Dataset> {
    private final CachedResources<Dataset> cached = new CachedResources<>();

    /** The informer's Datasets, for scrape-time metrics (no API call). */
    public CachedResources<Dataset> cached() {
        return cached;
    }

    public static final String NAME = "dataset";
    public static final String FIELD_MANAGER = OperatorIdentity.NAME;

    /** Label the Job controller puts on a Job's Pods. */
    static final String ISOLATION = "isolation-policy";

    static final String JOB = "anonymisation-job";
    static final String SUPERSEDED = "superseded-jobs";

    private static final String BY_NODE = "byNode";
    private static final Logger LOG = LoggerFactory.getLogger(DatasetReconciler.class);

    private final String defaultImage;
    private final EventRecorder events = new EventRecorder();

    /** Runs the operator's default anonymiser image for its version (or the chart's override). */
    public DatasetReconciler() {
        this(AnonymiserImage.fromEnvironment(System.getenv()));
    }

    public DatasetReconciler(String defaultImage) {
        this.defaultImage = defaultImage;
    }

    /** The node each Dataset names; the Jobs and the policy are the dependents' event sources. */
    @Override
    public List<EventSource<?, Dataset>> prepareEventSources(EventSourceContext<Dataset> context) {
        cached.attach(context.getPrimaryCache());
        context.getPrimaryCache()
                .addIndexer(
                        BY_NODE,
                        ds ->
                                List.of(
                                        key(
                                                ds.getMetadata().getNamespace(),
                                                ds.getSpec().getNodeRef())));
        var nodes =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(FederationNode.class, Dataset.class)
                                .withName("FederationNode")
                                .withSecondaryToPrimaryMapper(
                                        node ->
                                                context
                                                        .getPrimaryCache()
                                                        .byIndex(
                                                                BY_NODE,
                                                                key(
                                                                        node.getMetadata()
                                                                                .getNamespace(),
                                                                        node.getMetadata()
                                                                                .getName()))
                                                        .stream()
                                                        .map(ResourceID::fromResource)
                                                        .collect(Collectors.toSet()))
                                .withPrimaryToSecondaryMapper(
                                        (PrimaryToSecondaryMapper<Dataset>)
                                                ds ->
                                                        Set.of(
                                                                new ResourceID(
                                                                        ds.getSpec().getNodeRef(),
                                                                        ds.getMetadata()
                                                                                .getNamespace())))
                                .build(),
                        context);
        return List.of(nodes);
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    @Override
    public UpdateControl<Dataset> reconcile(Dataset dataset, Context<Dataset> context) {
        Instant now = Instant.now();
        DatasetPlan plan =
                DatasetPlan.decide(dataset, DatasetObservation.of(context), defaultImage);

        var workflow = context.managedWorkflowAndDependentResourceContext();
        workflow.put(DatasetPlan.KEY, plan);
        workflow.reconcileManagedWorkflow();

        if (plan instanceof DatasetPlan.Refused refused) {
            return report(
                    dataset,
                    context,
                    DatasetConditionsBuilder.refused(dataset, refused.refusal(), now));
        }
        if (plan instanceof DatasetPlan.Kept) {
            return report(dataset, context, DatasetConditionsBuilder.observed(dataset));
        }
        DatasetPlan.Run run = (DatasetPlan.Run) plan;
        if (run.recorded()) {
            return UpdateControl.noUpdate();
        }
        Job job = run.existing();
        if (job == null) {
            job = workflow.get(AnonymisationJobDependent.CREATED, Job.class).orElse(run.desired());
            events.record(
                    context.getClient(),
                    dataset,
                    EventRecorder.NORMAL,
                    Reasons.JOB_CREATED,
                    "Job " + run.jobName() + " anonymises revision " + run.revision());
        }
        JobOutcome outcome =
                JobOutcome.of(
                        job, run.finished() ? JobPods.of(context.getClient(), job) : List.of());
        return report(
                dataset,
                context,
                DatasetConditionsBuilder.forRevision(
                        dataset, run.revision(), run.digest(), run.jobName(), outcome, now));
    }

    private UpdateControl<Dataset> report(
            Dataset dataset, Context<Dataset> context, DatasetStatus status) {
        if (Objects.equals(dataset.getStatus(), status)) {
            return UpdateControl.noUpdate();
        }
        announce(dataset, context, status);
        return UpdateControl.patchStatus(statusPatch(dataset, status));
    }

    /** Events for what a person should see: readiness reached or lost, a failure. */
    private void announce(Dataset dataset, Context<Dataset> context, DatasetStatus after) {
        for (String type : List.of(ConditionTypes.READY, DatasetConditions.FAILED)) {
            var was = DatasetConditionsBuilder.find(dataset.getStatus(), type);
            var now = DatasetConditionsBuilder.find(after, type);
            if (now.isEmpty()
                    || was.map(c -> Objects.equals(c.getReason(), now.get().getReason()))
                            .orElse(false)) {
                continue;
            }
            boolean bad =
                    type.equals(DatasetConditions.FAILED)
                            ? ConditionTypes.TRUE.equals(now.get().getStatus())
                            : !ConditionTypes.TRUE.equals(now.get().getStatus())
                                    && !Reasons.ANONYMISING.equals(now.get().getReason());
            if (type.equals(DatasetConditions.FAILED) && !bad) {
                continue;
            }
            events.record(
                    context.getClient(),
                    dataset,
                    bad ? EventRecorder.WARNING : EventRecorder.NORMAL,
                    now.get().getReason(),
                    now.get().getMessage());
        }
        announceQuarantine(dataset, context, after);
    }

    /**
     * A revision anonymised with quarantined files is Ready, yet a person must look at the files
     * left behind: a Warning of its own, once per revision, with the counts by reason (reason names
     * the anonymiser reports, checked by AnonymiserReport; never a file's path).
     */
    private void announceQuarantine(
            Dataset dataset, Context<Dataset> context, DatasetStatus after) {
        var files = after.getFiles();
        var now = DatasetConditionsBuilder.find(after, ConditionTypes.READY);
        if (files == null
                || files.getQuarantined() == null
                || files.getQuarantined() == 0
                || now.isEmpty()
                || !Reasons.ANONYMISED.equals(now.get().getReason())) {
            return;
        }
        DatasetStatus before = dataset.getStatus();
        boolean announced =
                before != null
                        && Objects.equals(before.getRevision(), after.getRevision())
                        && DatasetConditionsBuilder.find(before, ConditionTypes.READY)
                                .map(c -> Reasons.ANONYMISED.equals(c.getReason()))
                                .orElse(false);
        if (announced) {
            return;
        }
        events.record(
                context.getClient(),
                dataset,
                EventRecorder.WARNING,
                Reasons.FILES_QUARANTINED,
                "revision "
                        + after.getRevision()
                        + ": "
                        + files.getQuarantined()
                        + " of "
                        + files.getSeen()
                        + " files quarantined"
                        + (after.getQuarantineReasons() == null
                                        || after.getQuarantineReasons().isEmpty()
                                ? ""
                                : " " + after.getQuarantineReasons()));
    }

    private static Dataset statusPatch(Dataset dataset, DatasetStatus status) {
        return StatusPatch.of(dataset, status, Dataset::new);
    }

    @Override
    public ErrorStatusUpdateControl<Dataset> updateErrorStatus(
            Dataset dataset, Context<Dataset> context, Exception e) {
        String message = StatusPatch.errorMessage(e);
        LOG.warn(
                "reconcile of Dataset {}/{} failed: {}",
                dataset.getMetadata().getNamespace(),
                dataset.getMetadata().getName(),
                message);
        DatasetStatus status =
                DatasetConditionsBuilder.refused(
                        dataset,
                        new Refusal(ConditionTypes.Reasons.RECONCILE_ERROR, message, false),
                        Instant.now());
        if (Objects.equals(dataset.getStatus(), status)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        return ErrorStatusUpdateControl.patchStatus(statusPatch(dataset, status));
    }
}
