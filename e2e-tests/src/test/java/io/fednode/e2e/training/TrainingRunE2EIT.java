package io.fednode.e2e.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingEnvVar;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import io.fednode.testing.KwokCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TrainingRuns end to end on a kwokctl cluster (real scheduler and Job controller, simulated GPU
 * nodes), in namespaces that enforce the restricted Pod Security Standard.
 */
class TrainingRunE2EIT {
    @RegisterExtension static final KwokCluster CLUSTER = new KwokCluster();

    private static TrainingInstall install;

    @BeforeAll
    static void start() {
        install =
                TrainingInstall.start(
                        CLUSTER,
                        List.of(
                                "train-gpu",
                                "train-refused",
                                "train-queue",
                                "train-deadline",
                                "train-fails",
                                "train-delete"));
    }

    @AfterAll
    static void stop() {
        if (install != null) {
            install.close();
        }
    }

    @Test
    void gpuRunIsScheduledOntoAGpuNodeAndSucceeds() {
        String ns = "train-gpu";
        install.namespace(ns);
        install.ready(install.node(ns, "hospital-a", 4, 2));
        client().resource(TrainingInstall.run(ns, "two-gpus", "hospital-a", 2)).create();

        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            TrainingRunStatus status = status(ns, "two-gpus");
                            assertThat(condition(status, "Succeeded"))
                                    .extracting(Condition::getStatus, Condition::getReason)
                                    .containsExactly("True", "Completed");
                            assertThat(condition(status, "Failed").getStatus()).isEqualTo("False");
                            assertThat(condition(status, "Running").getStatus()).isEqualTo("False");
                            assertThat(status.getPodNodeName()).isNotBlank();
                            assertThat(status.getStartTime()).isNotBlank();
                            assertThat(status.getCompletionTime()).isNotBlank();
                        });
        String podNode = status(ns, "two-gpus").getPodNodeName();
        Node node = client().nodes().withName(podNode).get();
        assertThat(node.getMetadata().getLabels())
                .containsEntry(KwokCluster.GPU_NODE_LABEL, "true");
        assertThat(node.getStatus().getAllocatable()).containsKey(KwokCluster.GPU_RESOURCE);
        Job job = client().batch().v1().jobs().inNamespace(ns).withName("two-gpus").get();
        assertThat(
                        job.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getResources()
                                .getLimits())
                .containsEntry(KwokCluster.GPU_RESOURCE, new Quantity("2"));
        var podSpec = job.getSpec().getTemplate().getSpec();
        assertThat(podSpec.getNodeSelector()).containsEntry(KwokCluster.GPU_NODE_LABEL, "true");
        assertThat(podSpec.getVolumes())
                .allSatisfy(v -> assertThat(v.getPersistentVolumeClaim()).isNull());
        var egress =
                client().network()
                        .networkPolicies()
                        .inNamespace(ns)
                        .withName("two-gpus-training-egress")
                        .get()
                        .getSpec();
        assertThat(egress.getPodSelector().getMatchLabels())
                .containsEntry("fednode.io/training-run", "two-gpus");
        assertThat(egress.getPolicyTypes()).containsExactly("Ingress", "Egress");
        // An IP aggregator: its address on its port, and no DNS rule.
        assertThat(egress.getEgress()).hasSize(1);
        assertThat(egress.getEgress().get(0).getTo())
                .singleElement()
                .satisfies(p -> assertThat(p.getIpBlock().getCidr()).isEqualTo("203.0.113.10/32"));
        assertThat(egress.getEgress().get(0).getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(9092));
        List<Pod> pods =
                client().pods()
                        .inNamespace(ns)
                        .withLabel("fednode.io/training-run", "two-gpus")
                        .list()
                        .getItems();
        assertThat(pods)
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.getStatus().getPhase()).isEqualTo("Succeeded");
                            assertThat(p.getSpec().getAutomountServiceAccountToken()).isFalse();
                        });
    }

    @Test
    void policyRefusalsAreConditionsAndNoJobIsCreated() {
        String ns = "train-refused";
        install.namespace(ns);
        install.ready(install.node(ns, "hospital-a", 4, 2));
        TrainingRun greedy = TrainingInstall.run(ns, "greedy", "hospital-a", 5);
        TrainingRun foreign = TrainingInstall.run(ns, "foreign", "hospital-a", 1);
        foreign.getSpec().setImage("docker.io/someone/miner@sha256:" + TrainingInstall.DIGEST);
        TrainingRun tagged = TrainingInstall.run(ns, "tagged", "hospital-a", 1);
        tagged.getSpec().setImage("registry.example.org/fl/trainer:latest");
        for (TrainingRun run : List.of(greedy, foreign, tagged)) {
            client().resource(run).create();
        }

        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () -> {
                            assertRefused(
                                    ns,
                                    "greedy",
                                    "TooManyGpus",
                                    "spec.gpus 5 exceeds the node's compute.maxGpusPerRun 4");
                            assertRefused(
                                    ns,
                                    "foreign",
                                    "ImageNotAllowed",
                                    "is not inside any of the node's compute.allowedImages");
                            assertRefused(
                                    ns,
                                    "tagged",
                                    "DigestRequired",
                                    "is not pinned by digest; node hospital-a requires"
                                            + " image@sha256:<digest>");
                        });
        assertThat(client().batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client().pods().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void fiveRunsOnTwoSlotsNeverRunMoreThanTwoAtOnceAndStartInCreationOrder() throws Exception {
        String ns = "train-queue";
        install.namespace(ns);
        FederationNode node = install.node(ns, "hospital-a", 4, 2);
        JobWatch watch = new JobWatch();
        List<String> names = List.of("run-1", "run-2", "run-3", "run-4", "run-5");
        try (Watch w = client().batch().v1().jobs().inNamespace(ns).watch(watch)) {
            // Created while the node is not Ready, so all five are decided together when it is.
            for (String name : names) {
                TrainingRun run = TrainingInstall.run(ns, name, "hospital-a", 1);
                run.getSpec()
                        .setEnv(List.of(new TrainingEnvVar(KwokCluster.RUN_FOR_ENV_ALIAS, "2s")));
                client().resource(run).create();
            }
            await().untilAsserted(
                            () ->
                                    names.forEach(
                                            n ->
                                                    assertThat(
                                                                    condition(
                                                                                    status(ns, n),
                                                                                    "Admitted")
                                                                            .getReason())
                                                            .isEqualTo("NodeNotReady")));
            install.ready(node);

            await().atMost(Duration.ofMinutes(3))
                    .untilAsserted(
                            () ->
                                    names.forEach(
                                            n ->
                                                    assertThat(
                                                                    condition(
                                                                                    status(ns, n),
                                                                                    "Succeeded")
                                                                            .getStatus())
                                                            .as(n)
                                                            .isEqualTo("True")));
        }
        // Each Pod runs for 2 s, so both slots are in use at once, and never more.
        assertThat(watch.maxActive()).as("Jobs running at once").isEqualTo(2);
        // Creation order: a run never starts while as many runs created before it as there are
        // slots still wait (run-1 and run-2 take the two free slots together, in either order;
        // after that each start waits for a finish).
        List<String> started = watch.started();
        assertThat(started).containsExactlyInAnyOrderElementsOf(names);
        for (int i = 0; i < started.size(); i++) {
            int created = names.indexOf(started.get(i));
            List<String> before = started.subList(0, i);
            long earlierStillWaiting =
                    names.subList(0, created).stream().filter(n -> !before.contains(n)).count();
            assertThat(earlierStillWaiting)
                    .as(
                            "runs created before %s still queued when it started (%s)",
                            started.get(i), started)
                    .isLessThan(2);
        }
        List<Integer> finishedBefore = watch.finishedWhenStarted();
        for (int i = 0; i < started.size(); i++) {
            assertThat(finishedBefore.get(i))
                    .as("runs finished when the %d-th run started", i + 1)
                    .isGreaterThanOrEqualTo(Math.max(0, i - 1));
        }
    }

    @Test
    void maxRuntimeStopsARunningPodWithDeadlineExceeded() {
        String ns = "train-deadline";
        install.namespace(ns);
        install.ready(install.node(ns, "hospital-a", 4, 2));
        TrainingRun run = TrainingInstall.run(ns, "too-slow", "hospital-a", 1);
        // The simulated trainer would run for ten minutes; the run may take five seconds.
        run.getSpec().setEnv(List.of(new TrainingEnvVar(KwokCluster.RUN_FOR_ENV_ALIAS, "10m")));
        run.getSpec().setMaxRuntime("5s");
        client().resource(run).create();

        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(
                        () ->
                                assertThat(condition(status(ns, "too-slow"), "Running"))
                                        .extracting(Condition::getStatus, Condition::getReason)
                                        .containsExactly("True", "PodRunning"));
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () -> {
                            TrainingRunStatus status = status(ns, "too-slow");
                            assertThat(status.getActiveDeadlineSeconds()).isEqualTo(5L);
                            assertThat(condition(status, "Failed"))
                                    .extracting(
                                            Condition::getStatus,
                                            Condition::getReason,
                                            Condition::getMessage)
                                    .containsExactly(
                                            "True",
                                            "DeadlineExceeded",
                                            "Job too-slow ran longer than its maxRuntime (5s) and"
                                                    + " was stopped");
                            assertThat(condition(status, "Succeeded").getStatus())
                                    .isEqualTo("False");
                            assertThat(condition(status, "Running").getStatus()).isEqualTo("False");
                            assertThat(status.getPodNodeName()).isNotBlank();
                            assertThat(status.getCompletionTime()).isNotBlank();
                        });
        Job job = client().batch().v1().jobs().inNamespace(ns).withName("too-slow").get();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(5L);
        assertThat(job.getStatus().getConditions())
                .anySatisfy(
                        c -> {
                            assertThat(c.getType()).isEqualTo("Failed");
                            assertThat(c.getReason()).isEqualTo("DeadlineExceeded");
                        });
    }

    @Test
    void failingTrainerFailsTheRunOnceWithTheJobsReason() {
        String ns = "train-fails";
        install.namespace(ns);
        install.ready(install.node(ns, "hospital-a", 4, 2));
        TrainingRun run = TrainingInstall.run(ns, "crashes", "hospital-a", 1);
        run.getSpec().setEnv(List.of(new TrainingEnvVar(KwokCluster.EXIT_CODE_ENV_ALIAS, "3")));
        client().resource(run).create();

        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () -> {
                            Condition failed = condition(status(ns, "crashes"), "Failed");
                            assertThat(failed.getStatus()).isEqualTo("True");
                            assertThat(failed.getReason()).isEqualTo("JobFailed");
                            assertThat(failed.getMessage())
                                    .startsWith("Job crashes failed (BackoffLimitExceeded)");
                        });
        // backoffLimit 0: one attempt, no retry.
        assertThat(
                        client().pods()
                                .inNamespace(ns)
                                .withLabel("fednode.io/training-run", "crashes")
                                .list()
                                .getItems())
                .singleElement()
                .satisfies(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Failed"));
    }

    @Test
    void deletingARunningRunStopsIt() {
        String ns = "train-delete";
        install.namespace(ns);
        install.ready(install.node(ns, "hospital-a", 4, 2));
        TrainingRun run = TrainingInstall.run(ns, "stopped", "hospital-a", 1);
        run.getSpec().setEnv(List.of(new TrainingEnvVar(KwokCluster.RUN_FOR_ENV_ALIAS, "10m")));
        client().resource(run).create();
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () ->
                                assertThat(condition(status(ns, "stopped"), "Running").getStatus())
                                        .isEqualTo("True"));
        assertThat(
                        client().pods()
                                .inNamespace(ns)
                                .withLabel("fednode.io/training-run", "stopped")
                                .list()
                                .getItems())
                .isNotEmpty();

        client().resources(TrainingRun.class).inNamespace(ns).withName("stopped").delete();

        // The garbage collector removes what the run owns: Job, Pod, NetworkPolicy.
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () -> {
                            assertThat(
                                            client().batch()
                                                    .v1()
                                                    .jobs()
                                                    .inNamespace(ns)
                                                    .list()
                                                    .getItems())
                                    .isEmpty();
                            assertThat(
                                            client().pods()
                                                    .inNamespace(ns)
                                                    .withLabel("fednode.io/training-run", "stopped")
                                                    .list()
                                                    .getItems())
                                    .isEmpty();
                            assertThat(
                                            client().network()
                                                    .networkPolicies()
                                                    .inNamespace(ns)
                                                    .list()
                                                    .getItems())
                                    .isEmpty();
                        });
    }

    /** Jobs seen through a watch: how many were unfinished at once, and the order they started. */
    static final class JobWatch implements Watcher<Job> {
        private final Set<String> active = new HashSet<>();
        private final Set<String> finished = new HashSet<>();
        private final List<String> started = new ArrayList<>();
        private final List<Integer> finishedWhenStarted = new ArrayList<>();
        private int maxActive;

        @Override
        public synchronized void eventReceived(Action action, Job job) {
            String name = job.getMetadata().getName();
            if (action == Action.DELETED || isFinished(job)) {
                if (active.remove(name) || action != Action.DELETED) {
                    finished.add(name);
                }
                return;
            }
            if (!finished.contains(name) && active.add(name)) {
                started.add(name);
                finishedWhenStarted.add(finished.size());
                maxActive = Math.max(maxActive, active.size());
            }
        }

        private static boolean isFinished(Job job) {
            return job.getStatus() != null
                    && job.getStatus().getConditions() != null
                    && job.getStatus().getConditions().stream()
                            .anyMatch(
                                    c ->
                                            ("Complete".equals(c.getType())
                                                            || "Failed".equals(c.getType()))
                                                    && "True".equals(c.getStatus()));
        }

        synchronized int maxActive() {
            return maxActive;
        }

        synchronized List<String> started() {
            return List.copyOf(started);
        }

        synchronized List<Integer> finishedWhenStarted() {
            return List.copyOf(finishedWhenStarted);
        }

        @Override
        public void onClose(WatcherException cause) {
            if (cause != null) {
                throw new IllegalStateException("Job watch closed", cause);
            }
        }
    }

    private static void assertRefused(String ns, String name, String reason, String message) {
        TrainingRunStatus status = status(ns, name);
        assertThat(condition(status, "Admitted"))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("False", reason);
        assertThat(condition(status, "Admitted").getMessage()).contains(message);
        assertThat(condition(status, "Failed"))
                .extracting(Condition::getStatus, Condition::getReason)
                .containsExactly("True", reason);
    }

    private static TrainingRunStatus status(String ns, String name) {
        TrainingRun run =
                client().resources(TrainingRun.class).inNamespace(ns).withName(name).get();
        assertThat(run.getStatus()).as("status of %s", name).isNotNull();
        return run.getStatus();
    }

    private static Condition condition(TrainingRunStatus status, String type) {
        return status.getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    private static KubernetesClient client() {
        return CLUSTER.client();
    }
}
