package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetConditions;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.common.JobState;
import io.fednode.operator.dataset.DatasetConditionsBuilder.Refusal;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to do for a Dataset, decided from its spec, its status and what the cluster holds. Pure:
 * {@link #decide} reads nothing else and changes nothing; the reconciler's workflow of dependents
 * acts on the plan, and {@link DatasetConditionsBuilder} reports it.
 */
sealed interface DatasetPlan {
    /**
     * Key of the plan in the reconcile's managed-workflow context, where the dependents read it.
     */
    String KEY = DatasetPlan.class.getName();

    /** Whether the Dataset's isolation NetworkPolicy is to be in place (the node is usable). */
    boolean isolates();

    /**
     * No Job runs and none is created. {@code isolates} is false when the node is unusable (the
     * Dataset is stalled), true when the node is only not Ready yet (a wait).
     */
    record Refused(Refusal refusal, boolean isolates) implements DatasetPlan {}

    /**
     * The current revision finished and its Job was removed since (by a person or a TTL): the
     * status keeps its outcome, observed at the current generation; the revision is not run again.
     */
    record Kept() implements DatasetPlan {
        @Override
        public boolean isolates() {
            return true;
        }
    }

    /**
     * The current revision's Job: {@code existing} as the cluster holds it, or null when {@code
     * desired} is to be created. {@code recorded}: the status already holds the finished Job's
     * outcome for this generation. {@code superseded}: finished Jobs of earlier revisions, to be
     * removed (running ones are left to finish, never changed).
     */
    record Run(
            int revision,
            String digest,
            String jobName,
            Job existing,
            Job desired,
            boolean recorded,
            List<Job> superseded)
            implements DatasetPlan {
        @Override
        public boolean isolates() {
            return true;
        }

        /** Whether the Job has finished (complete or failed for good). */
        boolean finished() {
            return existing != null && !(JobState.of(existing) instanceof JobState.Active);
        }
    }

    /** The plan of the reconcile in progress, as the reconciler put it in the context. */
    static DatasetPlan in(Context<Dataset> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .getMandatory(KEY, DatasetPlan.class);
    }

    static DatasetPlan decide(Dataset dataset, DatasetObservation seen, String defaultImage) {
        FederationNode node = seen.node();
        Optional<Refusal> unusable = NodeGate.unusable(dataset, node);
        if (unusable.isPresent()) {
            return new Refused(unusable.get(), false);
        }
        Map<String, Job> jobs = seen.jobs();
        DatasetRevision inputs = DatasetRevision.of(dataset, node);
        String digest = inputs.digest();
        int revision = inputs.numberAfter(dataset.getStatus());
        // A Job of this number made for other inputs (e.g. the status was lost): skip the number.
        while (jobs.containsKey(DatasetRevision.jobName(dataset, revision))
                && !digest.equals(digestOf(jobs.get(DatasetRevision.jobName(dataset, revision))))) {
            revision++;
        }
        String jobName = DatasetRevision.jobName(dataset, revision);
        Job existing = jobs.get(jobName);
        if (existing == null) {
            if (finishedInStatus(dataset.getStatus(), revision, jobName)) {
                return new Kept();
            }
            Optional<Refusal> waiting = NodeGate.notReady(dataset, node);
            if (waiting.isPresent()) {
                return new Refused(waiting.get(), true);
            }
        }
        Job desired = AnonymisationJob.desired(dataset, node, revision, defaultImage);
        boolean recorded =
                existing != null
                        && !(JobState.of(existing) instanceof JobState.Active)
                        && alreadyRecorded(dataset, jobName);
        return new Run(
                revision, digest, jobName, existing, desired, recorded, superseded(jobs, revision));
    }

    /** Finished Jobs of revisions before {@code revision}. */
    private static List<Job> superseded(Map<String, Job> jobs, int revision) {
        return jobs.values().stream()
                .filter(
                        job -> {
                            String r = job.getMetadata().getLabels().get(DatasetLabels.REVISION);
                            return r != null
                                    && r.matches("\\d{1,9}")
                                    && Integer.parseInt(r) < revision
                                    && !(JobState.of(job) instanceof JobState.Active);
                        })
                .toList();
    }

    private static String digestOf(Job job) {
        Map<String, String> a = job.getMetadata().getAnnotations();
        return a == null ? null : a.get(DatasetLabels.REVISION_DIGEST);
    }

    /** The status already holds this Job's final outcome for the current generation. */
    private static boolean alreadyRecorded(Dataset dataset, String jobName) {
        DatasetStatus s = dataset.getStatus();
        return s != null
                && jobName.equals(s.getJobName())
                && Objects.equals(s.getObservedGeneration(), dataset.getMetadata().getGeneration())
                && finished(s);
    }

    private static boolean finishedInStatus(DatasetStatus s, int revision, String jobName) {
        return s != null
                && Objects.equals(s.getRevision(), revision)
                && jobName.equals(s.getJobName())
                && finished(s);
    }

    private static boolean finished(DatasetStatus s) {
        return DatasetConditionsBuilder.isTrue(s, ConditionTypes.READY)
                || DatasetConditionsBuilder.isTrue(s, DatasetConditions.FAILED);
    }
}
