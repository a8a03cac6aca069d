package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetConditions;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.operator.dataset.DatasetConditionsBuilder.Refusal;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a Dataset: checks its node, keeps its isolation NetworkPolicy in place, runs one
 * anonymiser Job per revision (never changing a Job once created), and reports the Job's outcome
 * and the anonymiser's report in the status. Jobs and the policy carry an owner reference, so the
 * garbage collector removes them with the Dataset; anonymised files stay (the node's volumes follow
 * the node's deletion policy).
 */
@ControllerConfiguration(
        name = DatasetReconciler.NAME,
        fieldManager = DatasetReconciler.FIELD_MANAGER)
public class DatasetReconciler implements Reconciler<Dataset> {
    public static final String NAME = "dataset";
    public static final String FIELD_MANAGER = OperatorIdentity.NAME;

    /** Label the Job controller puts on a Job's Pods. */
    static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

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

    @Override
    public List<EventSource<?, Dataset>> prepareEventSources(EventSourceContext<Dataset> context) {
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
        return List.of(nodes, owned(context, Job.class), owned(context, NetworkPolicy.class));
    }

    private static <R extends HasMetadata> InformerEventSource<R, Dataset> owned(
            EventSourceContext<Dataset> context, Class<R> type) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(type, Dataset.class)
                        .withName(type.getSimpleName())
                        .withLabelSelector(DatasetLabels.SELECTOR)
                        .withSecondaryToPrimaryMapper(DatasetReconciler::datasetOf)
                        .build(),
                context);
    }

    private static Set<ResourceID> datasetOf(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String name = labels == null ? null : labels.get(DatasetLabels.DATASET);
        return name == null
                ? Set.of()
                : Set.of(new ResourceID(name, object.getMetadata().getNamespace()));
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    @Override
    public UpdateControl<Dataset> reconcile(Dataset dataset, Context<Dataset> context) {
        KubernetesClient client = context.getClient();
        Instant now = Instant.now();
        FederationNode node = context.getSecondaryResource(FederationNode.class).orElse(null);
        Optional<Refusal> unusable = NodeGate.unusable(dataset, node);
        if (unusable.isPresent()) {
            return report(
                    dataset,
                    context,
                    DatasetConditionsBuilder.refused(dataset, unusable.get(), now));
        }
        ensureIsolation(dataset, context);

        Map<String, Job> jobs =
                context.getSecondaryResources(Job.class).stream()
                        .collect(Collectors.toMap(j -> j.getMetadata().getName(), j -> j));
        DatasetRevision inputs = DatasetRevision.of(dataset, node);
        String digest = inputs.digest();
        int revision = inputs.numberAfter(dataset.getStatus());
        // A Job of this number made for other inputs (e.g. the status was lost): skip the number.
        while (jobs.containsKey(DatasetRevision.jobName(dataset, revision))
                && !digest.equals(digestOf(jobs.get(DatasetRevision.jobName(dataset, revision))))) {
            revision++;
        }
        String jobName = DatasetRevision.jobName(dataset, revision);
        Job job = jobs.get(jobName);
        DatasetStatus previous = dataset.getStatus();

        if (job == null) {
            if (finishedInStatus(previous, revision, jobName)) {
                // The Job finished and was removed later (by a person or a TTL): the status keeps
                // its outcome; the revision is not run again.
                return report(dataset, context, DatasetConditionsBuilder.observed(dataset));
            }
            Optional<Refusal> waiting = NodeGate.notReady(dataset, node);
            if (waiting.isPresent()) {
                return report(
                        dataset,
                        context,
                        DatasetConditionsBuilder.refused(dataset, waiting.get(), now));
            }
            job = create(client, AnonymisationJob.desired(dataset, node, revision, defaultImage));
            events.record(
                    client,
                    dataset,
                    EventRecorder.NORMAL,
                    "JobCreated",
                    "Job " + jobName + " anonymises revision " + revision);
        }
        removeFinishedOlderJobs(client, jobs.values(), revision);

        JobOutcome outcome;
        if (isTerminal(job) && alreadyRecorded(dataset, jobName)) {
            return UpdateControl.noUpdate();
        } else if (isTerminal(job)) {
            outcome = JobOutcome.of(job, podsOf(client, job));
        } else {
            outcome = JobOutcome.of(job, List.of());
        }
        return report(
                dataset,
                context,
                DatasetConditionsBuilder.forRevision(
                        dataset, revision, digest, jobName, outcome, now));
    }

    private void ensureIsolation(Dataset dataset, Context<Dataset> context) {
        NetworkPolicy desired = DatasetIsolationPolicy.desired(dataset);
        NetworkPolicy actual =
                context.getSecondaryResources(NetworkPolicy.class).stream()
                        .filter(
                                p ->
                                        p.getMetadata()
                                                .getName()
                                                .equals(desired.getMetadata().getName()))
                        .findFirst()
                        .orElse(null);
        if (!DatasetIsolationPolicy.matches(actual, desired)) {
            context.getClient()
                    .resource(desired)
                    .fieldManager(FIELD_MANAGER)
                    .forceConflicts()
                    .serverSideApply();
        }
    }

    private static Job create(KubernetesClient client, Job job) {
        try {
            return client.resource(job).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // Created by an earlier reconcile the informer has not shown us yet.
            return client.batch()
                    .v1()
                    .jobs()
                    .inNamespace(job.getMetadata().getNamespace())
                    .withName(job.getMetadata().getName())
                    .require();
        }
    }

    /** Older revisions' Jobs that have finished; running ones are left to finish, never changed. */
    private static void removeFinishedOlderJobs(
            KubernetesClient client, java.util.Collection<Job> jobs, int revision) {
        for (Job old : jobs) {
            String r = old.getMetadata().getLabels().get(DatasetLabels.REVISION);
            boolean older = r != null && r.matches("\\d+") && Integer.parseInt(r) < revision;
            if (older && isTerminal(old)) {
                client.resource(old)
                        .withPropagationPolicy(
                                io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
                        .delete();
            }
        }
    }

    static boolean isTerminal(Job job) {
        return JobOutcome.hasCondition(job, "Complete") || JobOutcome.hasCondition(job, "Failed");
    }

    private static String digestOf(Job job) {
        Map<String, String> a = job.getMetadata().getAnnotations();
        return a == null ? null : a.get(DatasetLabels.REVISION_DIGEST);
    }

    private static List<Pod> podsOf(KubernetesClient client, Job job) {
        return client.pods()
                .inNamespace(job.getMetadata().getNamespace())
                .withLabel(JOB_NAME_LABEL, job.getMetadata().getName())
                .list()
                .getItems();
    }

    /** The status already holds this Job's final outcome for the current generation. */
    private static boolean alreadyRecorded(Dataset dataset, String jobName) {
        DatasetStatus s = dataset.getStatus();
        return s != null
                && jobName.equals(s.getJobName())
                && Objects.equals(s.getObservedGeneration(), dataset.getMetadata().getGeneration())
                && (isTrue(s, ConditionTypes.READY) || isTrue(s, DatasetConditions.FAILED));
    }

    private static boolean finishedInStatus(DatasetStatus s, int revision, String jobName) {
        return s != null
                && Objects.equals(s.getRevision(), revision)
                && jobName.equals(s.getJobName())
                && (isTrue(s, ConditionTypes.READY) || isTrue(s, DatasetConditions.FAILED));
    }

    private static boolean isTrue(DatasetStatus s, String type) {
        return DatasetConditionsBuilder.find(s, type)
                .map(c -> ConditionTypes.TRUE.equals(c.getStatus()))
                .orElse(false);
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
                                    && !"Anonymising".equals(now.get().getReason());
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
    }

    private static Dataset statusPatch(Dataset dataset, DatasetStatus status) {
        Dataset patch = new Dataset();
        patch.setMetadata(
                new ObjectMetaBuilder()
                        .withName(dataset.getMetadata().getName())
                        .withNamespace(dataset.getMetadata().getNamespace())
                        .build());
        patch.setStatus(status);
        return patch;
    }

    @Override
    public ErrorStatusUpdateControl<Dataset> updateErrorStatus(
            Dataset dataset, Context<Dataset> context, Exception e) {
        String message = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
        if (message.length() > 400) {
            message = message.substring(0, 400) + "…";
        }
        LOG.warn(
                "reconcile of Dataset {}/{} failed: {}",
                dataset.getMetadata().getNamespace(),
                dataset.getMetadata().getName(),
                message);
        DatasetStatus status =
                DatasetConditionsBuilder.refused(
                        dataset, new Refusal("ReconcileError", message, false), Instant.now());
        if (Objects.equals(dataset.getStatus(), status)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        return ErrorStatusUpdateControl.patchStatus(statusPatch(dataset, status));
    }
}
