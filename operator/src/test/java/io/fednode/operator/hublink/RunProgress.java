package io.fednode.operator.hublink;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import java.util.List;

/**
 * The training controller's and the kubelet's part, for ITs without either: a TrainingRun's
 * condition as the TrainingRun reconciler writes it, and, for a finished run, its Pod with the
 * trainer container terminated and its termination message, written to the real API server.
 */
final class RunProgress {
    private RunProgress() {}

    /** Plays the training controller: the run's condition (and its Pod's end, when finished). */
    static void set(
            KubernetesClient kube, TrainingRun run, String condition, String terminationMessage) {
        String ns = run.getMetadata().getNamespace();
        if (terminationMessage != null) {
            Pod pod =
                    kube.resource(
                                    new PodBuilder()
                                            .withNewMetadata()
                                            .withName(run.getMetadata().getName() + "-pod")
                                            .withNamespace(ns)
                                            .addToLabels(
                                                    "batch.kubernetes.io/job-name",
                                                    run.getMetadata().getName())
                                            .endMetadata()
                                            .withNewSpec()
                                            .addNewContainer()
                                            .withName("trainer")
                                            .withImage(run.getSpec().getImage())
                                            .endContainer()
                                            .endSpec()
                                            .build())
                            .create();
            pod.setStatus(
                    new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                            .withPhase("Succeeded")
                            .withContainerStatuses(
                                    new ContainerStatusBuilder()
                                            .withName("trainer")
                                            .withImage(run.getSpec().getImage())
                                            .withImageID("")
                                            .withReady(false)
                                            .withRestartCount(0)
                                            .withNewState()
                                            .withNewTerminated()
                                            .withExitCode(0)
                                            .withReason("Completed")
                                            .withMessage(terminationMessage)
                                            .endTerminated()
                                            .endState()
                                            .build())
                            .build());
            kube.resource(pod).updateStatus();
        }
        TrainingRun current =
                kube.resources(TrainingRun.class)
                        .inNamespace(ns)
                        .withName(run.getMetadata().getName())
                        .get();
        TrainingRunStatus status = new TrainingRunStatus();
        status.setJobName(run.getMetadata().getName());
        status.setConditions(
                List.of(
                        new ConditionBuilder()
                                .withType(condition)
                                .withStatus("True")
                                .withReason(condition.equals("Failed") ? "JobFailed" : "Test")
                                .withMessage("set by the test")
                                .withLastTransitionTime("2026-12-02T18:00:00Z")
                                .build()));
        current.setStatus(status);
        kube.resource(current).updateStatus();
    }
}
