package io.fednode.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.testing.KwokCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulated kubelet of the e2e cluster ({@code tools/kwok-stages.yaml}) on plain Jobs: the
 * behaviours other e2e tests steer through a container's environment, and kwok's default behaviour
 * that the custom Stages replace.
 */
class KwokStagesIT {
    private static final String NS = "kwok-stages";

    @RegisterExtension static final KwokCluster CLUSTER = new KwokCluster();

    @BeforeAll
    static void namespace() {
        client().resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    @Test
    void jobPodCompletesAtOnceAndAPodWithoutJobKeepsRunning() {
        create(job("plain", null, container("main")));
        client().resource(
                        new PodBuilder()
                                .withNewMetadata()
                                .withName("bare")
                                .withNamespace(NS)
                                .endMetadata()
                                .withNewSpec()
                                .withContainers(container("main"))
                                .endSpec()
                                .build())
                .create();

        awaitCondition("plain", "Complete", Duration.ofMinutes(1));
        Pod pod = podsOf("plain").get(0);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
        ContainerStateTerminated done = terminated(pod, "main");
        assertThat(done.getExitCode()).isZero();
        assertThat(done.getReason()).isEqualTo("Completed");
        assertThat(done.getMessage()).as("kwok writes no termination message").isNull();

        Pod bare = client().pods().inNamespace(NS).withName("bare").get();
        assertThat(bare.getStatus().getPhase()).as("only Job Pods finish").isEqualTo("Running");
        assertThat(bare.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
    }

    @Test
    void runForKeepsTheJobPodRunningThatLong() {
        Duration runFor = Duration.ofSeconds(8);
        create(job("runs-8s", null, container("main", KwokCluster.RUN_FOR_ENV, "8s")));

        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () -> {
                            List<Pod> pods = podsOf("runs-8s");
                            assertThat(pods).hasSize(1);
                            assertThat(pods.get(0).getStatus().getPhase()).isEqualTo("Running");
                        });
        awaitCondition("runs-8s", "Complete", Duration.ofMinutes(1));
        Pod pod = podsOf("runs-8s").get(0);
        ContainerStateTerminated done = terminated(pod, "main");
        assertThat(done.getExitCode()).isZero();
        assertThat(
                        Duration.between(
                                Instant.parse(done.getStartedAt()),
                                Instant.parse(done.getFinishedAt())))
                .as("the container ran for %s", runFor)
                .isGreaterThanOrEqualTo(runFor.minusSeconds(1));
    }

    @Test
    void exitCodeFailsThePodWithThatCode() {
        create(
                job(
                        "exits-3",
                        null,
                        container("main", KwokCluster.EXIT_CODE_ENV, "3"),
                        container("worker", KwokCluster.EXIT_CODE_ENV_ALIAS, "4"),
                        container("sidecar")));

        JobCondition failed = awaitCondition("exits-3", "Failed", Duration.ofMinutes(1));
        assertThat(failed.getReason()).isEqualTo("BackoffLimitExceeded");
        Pod pod = podsOf("exits-3").get(0);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(terminated(pod, "main").getExitCode()).isEqualTo(3);
        assertThat(terminated(pod, "main").getReason()).isEqualTo("Error");
        assertThat(terminated(pod, "worker").getExitCode()).isEqualTo(4);
        assertThat(terminated(pod, "sidecar").getExitCode()).isZero();
        assertThat(terminated(pod, "sidecar").getReason()).isEqualTo("Completed");
    }

    @Test
    void activeDeadlineKillsAPodThatIsStillRunning() {
        // The alias, as a TrainingRun would pass it through spec.env with maxRuntime: 6s.
        create(job("deadline", 6L, container("main", KwokCluster.RUN_FOR_ENV_ALIAS, "10m")));

        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () ->
                                assertThat(podsOf("deadline"))
                                        .singleElement()
                                        .satisfies(
                                                p ->
                                                        assertThat(p.getStatus().getPhase())
                                                                .isEqualTo("Running")));
        JobCondition failed = awaitCondition("deadline", "Failed", Duration.ofMinutes(1));
        assertThat(failed.getReason()).isEqualTo("DeadlineExceeded");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(podsOf("deadline"))
                                        .as("the Job controller deleted the running Pod")
                                        .isEmpty());
        Job job = client().batch().v1().jobs().inNamespace(NS).withName("deadline").get();
        assertThat(job.getStatus().getSucceeded()).isIn(null, 0);
    }

    private static Container container(String name, String... env) {
        ContainerBuilder c = new ContainerBuilder().withName(name).withImage("registry.test/x:1");
        for (int i = 0; i < env.length; i += 2) {
            c.addNewEnv().withName(env[i]).withValue(env[i + 1]).endEnv();
        }
        return c.build();
    }

    private static Job job(String name, Long activeDeadlineSeconds, Container... containers) {
        return new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(activeDeadlineSeconds)
                .withNewTemplate()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withContainers(containers)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static void create(Job job) {
        client().resource(job).create();
    }

    private static JobCondition awaitCondition(String job, String type, Duration atMost) {
        await().atMost(atMost)
                .untilAsserted(
                        () ->
                                assertThat(conditionsOf(job))
                                        .anySatisfy(
                                                c -> {
                                                    assertThat(c.getType()).isEqualTo(type);
                                                    assertThat(c.getStatus()).isEqualTo("True");
                                                }));
        return conditionsOf(job).stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElseThrow();
    }

    private static List<JobCondition> conditionsOf(String job) {
        Job j = client().batch().v1().jobs().inNamespace(NS).withName(job).get();
        return j.getStatus() == null || j.getStatus().getConditions() == null
                ? List.of()
                : j.getStatus().getConditions();
    }

    private static List<Pod> podsOf(String job) {
        return client().pods().inNamespace(NS).withLabel("job-name", job).list().getItems();
    }

    private static ContainerStateTerminated terminated(Pod pod, String container) {
        ContainerStatus status =
                pod.getStatus().getContainerStatuses().stream()
                        .filter(s -> container.equals(s.getName()))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no status for " + container));
        assertThat(status.getState().getTerminated())
                .as("container %s terminated", container)
                .isNotNull();
        return status.getState().getTerminated();
    }

    private static KubernetesClient client() {
        return CLUSTER.client();
    }
}
