package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The kubelet's and the Job controller's part for an anonymisation Job on a real API server without
 * either: a Pod whose container terminated with the anonymiser's report, and the Job's terminal
 * status, both written through the status subresource.
 */
public final class AnonymiserJobFakes {
    private AnonymiserJobFakes() {}

    /** The kubelet's part: a Pod of the Job whose container terminated with a message. */
    public static void fakeKubeletTerminates(
            KubernetesClient admin, Job job, String podName, int exitCode, String message) {
        admin.resource(
                        serviceAccount(
                                job.getMetadata().getNamespace(),
                                job.getSpec().getTemplate().getSpec().getServiceAccountName()))
                .createOr(e -> e.update());
        var labels = new java.util.HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
        labels.put(DatasetReconciler.JOB_NAME_LABEL, job.getMetadata().getName());
        Pod pod =
                admin.resource(
                                new PodBuilder()
                                        .withNewMetadata()
                                        .withName(podName)
                                        .withNamespace(job.getMetadata().getNamespace())
                                        .withLabels(labels)
                                        .endMetadata()
                                        .withSpec(job.getSpec().getTemplate().getSpec())
                                        .build())
                        .create();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        pod.setStatus(
                new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                        .withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                        .addNewContainerStatus()
                        .withName(AnonymisationJob.CONTAINER)
                        .withImage(
                                job.getSpec()
                                        .getTemplate()
                                        .getSpec()
                                        .getContainers()
                                        .get(0)
                                        .getImage())
                        .withImageID("")
                        .withReady(false)
                        .withRestartCount(0)
                        .withNewState()
                        .withNewTerminated()
                        .withExitCode(exitCode)
                        .withMessage(message)
                        .withReason(exitCode == 0 ? "Completed" : "Error")
                        .withStartedAt(now)
                        .withFinishedAt(now)
                        .endTerminated()
                        .endState()
                        .endContainerStatus()
                        .build());
        admin.resource(pod).updateStatus();
    }

    /** The Job controller's part: the terminal conditions and counts. */
    public static void finishJob(KubernetesClient admin, Job job, boolean succeeded) {
        finishJob(
                admin,
                job,
                succeeded,
                AnonymisationJob.BACKOFF_LIMIT + 1,
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit");
    }

    public static void finishJob(
            KubernetesClient admin,
            Job job,
            boolean succeeded,
            int failed,
            String reason,
            String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Job current =
                admin.batch()
                        .v1()
                        .jobs()
                        .inNamespace(job.getMetadata().getNamespace())
                        .withName(job.getMetadata().getName())
                        .get();
        var status =
                new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withStartTime(now);
        if (succeeded) {
            status.withSucceeded(1)
                    .withCompletionTime(now)
                    .addNewCondition()
                    .withType("SuccessCriteriaMet")
                    .withStatus("True")
                    .withReason("CompletionsReached")
                    .withLastTransitionTime(now)
                    .withLastProbeTime(now)
                    .endCondition()
                    .addNewCondition()
                    .withType("Complete")
                    .withStatus("True")
                    .withReason("CompletionsReached")
                    .withLastTransitionTime(now)
                    .withLastProbeTime(now)
                    .endCondition();
        } else {
            status.withFailed(failed)
                    .addNewCondition()
                    .withType("FailureTarget")
                    .withStatus("True")
                    .withReason(reason)
                    .withMessage(message)
                    .withLastTransitionTime(now)
                    .withLastProbeTime(now)
                    .endCondition()
                    .addNewCondition()
                    .withType("Failed")
                    .withStatus("True")
                    .withReason(reason)
                    .withMessage(message)
                    .withLastTransitionTime(now)
                    .withLastProbeTime(now)
                    .endCondition();
        }
        status.withReady(0)
                .withActive(0)
                .withNewUncountedTerminatedPods()
                .endUncountedTerminatedPods();
        current.setStatus(status.build());
        admin.resource(current).updateStatus();
    }

    public static io.fabric8.kubernetes.api.model.ServiceAccount serviceAccount(
            String namespace, String name) {
        return new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withAutomountServiceAccountToken(false)
                .build();
    }
}
