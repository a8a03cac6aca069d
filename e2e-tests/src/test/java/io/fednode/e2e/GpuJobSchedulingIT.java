package io.fednode.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.testing.KwokCluster;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves the e2e harness: on a kwokctl cluster with simulated GPU nodes, the real scheduler places
 * GPU Jobs by capacity and the real Job controller sees them complete.
 */
class GpuJobSchedulingIT {
    private static final String NS = "gpu-jobs";

    @RegisterExtension static final KwokCluster CLUSTER = new KwokCluster();

    @BeforeAll
    static void namespace() {
        client().resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    @Test
    void jobWithOneGpuRunsOnAGpuNodeAndCompletes() {
        client().resource(gpuJob("one-gpu", 1)).inNamespace(NS).create();

        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            Job job =
                                    client().batch()
                                            .v1()
                                            .jobs()
                                            .inNamespace(NS)
                                            .withName("one-gpu")
                                            .get();
                            assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
                        });
        Pod pod = podsOf("one-gpu").get(0);
        String nodeName = pod.getSpec().getNodeName();
        assertThat(nodeName).as("the pod was bound to a node").isNotBlank();
        assertThat(client().nodes().withName(nodeName).get().getStatus().getAllocatable())
                .as("node %s has GPUs", nodeName)
                .containsKey(KwokCluster.GPU_RESOURCE);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
    }

    @Test
    void jobWithMoreGpusThanAnyNodeStaysUnschedulable() {
        int tooMany = KwokCluster.GPUS_PER_NODE + 1;
        client().resource(gpuJob("too-many-gpus", tooMany)).inNamespace(NS).create();

        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () -> {
                            List<Pod> pods = podsOf("too-many-gpus");
                            assertThat(pods).hasSize(1);
                            Optional<PodCondition> scheduled = scheduledCondition(pods.get(0));
                            assertThat(scheduled).isPresent();
                            assertThat(scheduled.get().getStatus()).isEqualTo("False");
                            assertThat(scheduled.get().getReason()).isEqualTo("Unschedulable");
                            assertThat(scheduled.get().getMessage())
                                    .contains("Insufficient " + KwokCluster.GPU_RESOURCE);
                        });
        // And it stays that way: the scheduler retries but no node ever fits.
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> {
                            Pod pod = podsOf("too-many-gpus").get(0);
                            assertThat(pod.getSpec().getNodeName()).isNull();
                            assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
                        });
        Job job = client().batch().v1().jobs().inNamespace(NS).withName("too-many-gpus").get();
        assertThat(job.getStatus().getSucceeded()).isNull();
    }

    private static Job gpuJob(String name, int gpus) {
        return new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withNewTemplate()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .addNewContainer()
                .withName("train")
                .withImage("registry.example.org/fl/trainer:1.0")
                .withNewResources()
                .addToLimits(KwokCluster.GPU_RESOURCE, new Quantity(Integer.toString(gpus)))
                .endResources()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static List<Pod> podsOf(String jobName) {
        return client().pods().inNamespace(NS).withLabel("job-name", jobName).list().getItems();
    }

    private static Optional<PodCondition> scheduledCondition(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()))
                .findFirst();
    }

    private static KubernetesClient client() {
        return CLUSTER.client();
    }
}
