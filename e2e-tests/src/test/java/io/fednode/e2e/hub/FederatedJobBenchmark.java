package io.fednode.e2e.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Manifests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Benchmark, not a test of the build (no {@code IT} suffix; {@code bench/federated-jobs.sh} runs
 * it): the time from a FederatedJob created at the hub to the TrainingRuns of all its nodes
 * created, for 10 and for {@code BENCH_NODES} (default 100) nodes, next to the heartbeat interval —
 * the floor of a pull protocol: a node learns of a job only from the answer to its next heartbeat.
 *
 * <p>The hub and one operator run as processes (the shaded jars). The nodes are real
 * FederationNodes with role compute, each in its own namespace (all watched by the one operator),
 * each enrolled with the hub under its own key and heartbeating every {@code BENCH_HEARTBEAT}
 * seconds; their runs' Pods go to kwok's simulated nodes (nothing trains; kwok completes them at
 * once). Each size is measured {@code BENCH_REPEATS} times; the job and its runs are deleted in
 * between.
 */
class FederatedJobBenchmark {
    private static final int NODES = intEnv("BENCH_NODES", 100);
    private static final int HEARTBEAT = intEnv("BENCH_HEARTBEAT", 5);
    private static final int REPEATS = intEnv("BENCH_REPEATS", 3);
    private static final String LOST_AFTER =
            System.getenv().getOrDefault("BENCH_LOST_AFTER", "90s");
    private static final String HUB_NS = "bench-hub";
    private static final String NODE_NS = "bench-unused";
    private static final String IMAGE =
            "registry.example.org/fl/trainer@sha256:" + "0123456789abcdef".repeat(4);
    private static final ResourceDefinitionContext JOBS =
            new ResourceDefinitionContext.Builder()
                    .withGroup("fednode.io")
                    .withVersion("v1alpha1")
                    .withKind("FederatedJob")
                    .withPlural("federatedjobs")
                    .withNamespaced(true)
                    .build();

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.withRealNode();
    @RegisterExtension static final ProcessLogTails LOGS = new ProcessLogTails();

    private static FederationProcesses processes;

    /** The hub and the operator stop also when a measurement fails. */
    @AfterAll
    static void stopProcesses() {
        if (processes != null) {
            processes.stopAll();
        }
    }

    @Test
    void jobToTrainingRunsForTenAndManyNodes() throws Exception {
        KubernetesClient k = CLUSTER.client();
        Path tmp = CLUSTER.workDir().resolve("fjob-bench");
        Files.createDirectories(tmp);
        // One namespace per node, as hospitals have (a job's run is named after the job, so two
        // nodes in one namespace would share it); one operator watches them all.
        List<String> nodeNamespaces = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            nodeNamespaces.add("bench-" + i);
        }
        FederationProcesses p =
                processes =
                        FederationProcesses.install(
                                CLUSTER,
                                LOGS,
                                tmp,
                                tmp.resolve("logs"),
                                HUB_NS,
                                NODE_NS,
                                nodeNamespaces,
                                "fednode-system",
                                "bench-unused");
        Manifests.apply(
                k, KubernetesBinaries.repoRoot().resolve("crds/federatedjobs.fednode.io-v1.yml"));
        p.startHub(
                "24h",
                3,
                List.of(
                        "--enrol-attempts-per-minute=100000",
                        "--max-concurrent-enrolments=64",
                        "--max-connections-per-address=100000",
                        "--max-connections=100000",
                        // One operator drives every simulated node on the shared 2 cores: when
                        // all accept at once, their heartbeats come late for a few seconds. A
                        // hospital's own operator does not share its node's link with 99 others,
                        // so the benchmark gives nodes the grace of a 30 s interval (3 missed).
                        "--job-lost-after=" + LOST_AFTER));
        String aggregator = CLUSTER.hostAddress();
        long enrolStart = System.nanoTime();
        for (int i = 0; i < NODES; i++) {
            String node = "bench-" + i;
            p.createMember(node, node, Map.of("fednode.io/bench", "fjob"));
        }
        for (int i = 0; i < NODES; i++) {
            String node = "bench-" + i;
            Secret token =
                    await().atMost(Duration.ofMinutes(1))
                            .until(() -> p.joinTokenSecret(node), s -> s != null);
            k.resource(
                            new SecretBuilder()
                                    .withNewMetadata()
                                    .withName("join-" + node)
                                    .withNamespace(node)
                                    .endMetadata()
                                    .addToData("token", token.getData().get("token"))
                                    .addToData("ca.crt", token.getData().get("ca.crt"))
                                    .build())
                    .create();
            k.resource(
                            Serialization.unmarshal(
                                    """
                                    apiVersion: fednode.io/v1alpha1
                                    kind: FederationNode
                                    metadata: {name: %1$s, namespace: %2$s}
                                    spec:
                                      nodeId: %1$s
                                      role: compute
                                      hub:
                                        endpoint: https://127.0.0.1:%3$d
                                        caBundleSecretRef: {name: join-%1$s, key: ca.crt}
                                        joinTokenSecretRef: {name: join-%1$s, key: token}
                                      compute:
                                        maxGpusPerRun: 1
                                        maxConcurrentRuns: 1
                                        nodeSelector: {type: kwok}
                                        tolerations:
                                          - {key: %4$s, operator: Exists, effect: NoSchedule}
                                        allowedImages: ["registry.example.org/fl/"]
                                        maxRuntime: 1h
                                      connectivity:
                                        heartbeatInterval: %5$ds
                                        egressCIDRs: ["%6$s/32"]
                                      federatedJobs: {accept: Automatic}
                                    """
                                            .formatted(
                                                    node,
                                                    node,
                                                    p.hubPort,
                                                    KwokCluster.FAKE_NODE_TAINT,
                                                    HEARTBEAT,
                                                    aggregator),
                                    GenericKubernetesResource.class))
                    .create();
        }
        p.startOperator(List.of("--http-port=-1"));
        await().atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () ->
                                assertThat(
                                                k
                                                        .resources(FederationMember.class)
                                                        .inNamespace(HUB_NS)
                                                        .list()
                                                        .getItems()
                                                        .stream()
                                                        .filter(FederatedJobBenchmark::available)
                                                        .count())
                                        .isEqualTo(NODES));
        double enrolSeconds = (System.nanoTime() - enrolStart) / 1e9;

        StringBuilder report = new StringBuilder();
        report.append(
                String.format(
                        Locale.ROOT,
                        "federated jobs: %d nodes enrolled and Available in %.1f s; heartbeat"
                                + " interval %d s; %d cores%n",
                        NODES,
                        enrolSeconds,
                        HEARTBEAT,
                        Runtime.getRuntime().availableProcessors()));
        int seq = 0;
        for (int size : List.of(10, NODES)) {
            List<Double> totals = new ArrayList<>();
            for (int r = 0; r < REPEATS; r++) {
                String name = "bench-" + size + "-" + r;
                List<String> nodes = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    nodes.add("bench-" + ((i + seq) % NODES));
                }
                seq += size;
                long start = System.nanoTime();
                String uid = createJob(k, name, nodes, "https://" + aggregator + ":9092");
                List<Double> firstSeen = new ArrayList<>();
                Map<String, Boolean> seen = new LinkedHashMap<>();
                long deadline = start + Duration.ofMinutes(5).toNanos();
                while (seen.size() < size && System.nanoTime() < deadline) {
                    for (TrainingRun run :
                            k.resources(TrainingRun.class)
                                    .inAnyNamespace()
                                    .withLabel("fednode.io/federated-job-uid", uid)
                                    .list()
                                    .getItems()) {
                        if (seen.putIfAbsent(run.getMetadata().getNamespace(), true) == null) {
                            firstSeen.add((System.nanoTime() - start) / 1e9);
                        }
                    }
                    Thread.sleep(100);
                }
                if (seen.size() < size) {
                    diagnose(k, p, name, nodes, seen.keySet());
                }
                assertThat(seen).as("TrainingRuns of " + name).hasSize(size);
                double total = firstSeen.get(firstSeen.size() - 1);
                totals.add(total);
                report.append(
                        String.format(
                                Locale.ROOT,
                                "  %3d nodes, run %d: all TrainingRuns in %5.2f s (first %.2f s,"
                                        + " median %.2f s) = %.2f x the heartbeat interval%n",
                                size,
                                r + 1,
                                total,
                                firstSeen.get(0),
                                firstSeen.get(firstSeen.size() / 2),
                                total / HEARTBEAT));
                write(report);
                // The runs finish at once on kwok's nodes; a finished run stays (the nodes stop
                // only
                // unfinished ones when a job goes away), so the next job's runs are counted by uid.
                k.genericKubernetesResources(JOBS).inNamespace(HUB_NS).withName(name).delete();
                k.resources(TrainingRun.class)
                        .inAnyNamespace()
                        .withLabel("fednode.io/federated-job-uid", uid)
                        .delete();
            }
            totals.sort(Double::compare);
            report.append(
                    String.format(
                            Locale.ROOT,
                            "%3d nodes: median %.2f s over %d runs (heartbeat %d s)%n",
                            size,
                            totals.get(totals.size() / 2),
                            REPEATS,
                            HEARTBEAT));
        }
        p.stopAll();
        System.out.print(report);
        write(report);
    }

    /**
     * What a stalled measurement leaves for a person: the job's entries and the members' conditions
     * of the nodes without a run, and a thread dump of the operator
     * (e2e-tests/target/federated-jobs-stall.txt).
     */
    private static void diagnose(
            KubernetesClient k,
            FederationProcesses p,
            String job,
            List<String> nodes,
            java.util.Set<String> withRun)
            throws Exception {
        StringBuilder out = new StringBuilder("job " + job + ": no run on ");
        List<String> missing = nodes.stream().filter(n -> !withRun.contains(n)).toList();
        out.append(missing).append("\n");
        GenericKubernetesResource fj =
                k.genericKubernetesResources(JOBS).inNamespace(HUB_NS).withName(job).get();
        out.append("job status: ")
                .append(fj == null ? "gone" : Serialization.asJson(fj.get("status")))
                .append("\n");
        for (String n : missing) {
            FederationMember m =
                    k.resources(FederationMember.class).inNamespace(HUB_NS).withName(n).get();
            out.append("member ")
                    .append(n)
                    .append(": ")
                    .append(m == null ? "gone" : Serialization.asJson(m.getStatus()))
                    .append("\n");
            var node =
                    k.genericKubernetesResources("fednode.io/v1alpha1", "FederationNode")
                            .inNamespace(n)
                            .withName(n)
                            .get();
            out.append("node ")
                    .append(n)
                    .append(": ")
                    .append(node == null ? "gone" : Serialization.asJson(node.get("status")))
                    .append("\n");
        }
        Process jcmd =
                new ProcessBuilder("jcmd", Long.toString(p.operator.pid()), "Thread.print")
                        .redirectErrorStream(true)
                        .start();
        out.append(new String(jcmd.getInputStream().readAllBytes()));
        jcmd.waitFor();
        Path file =
                KubernetesBinaries.repoRoot().resolve("e2e-tests/target/federated-jobs-stall.txt");
        Files.writeString(file, out.toString());
    }

    /** The report so far (written after every measurement: a later failure keeps it). */
    private static void write(StringBuilder report) throws java.io.IOException {
        Path out =
                KubernetesBinaries.repoRoot().resolve("e2e-tests/target/federated-jobs-bench.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
    }

    private static boolean available(FederationMember m) {
        return m.getStatus() != null
                && m.getStatus().getConditions() != null
                && m.getStatus().getConditions().stream()
                        .anyMatch(
                                c ->
                                        "Available".equals(c.getType())
                                                && "True".equals(c.getStatus()));
    }

    private static String createJob(
            KubernetesClient k, String name, List<String> nodes, String aggregator) {
        GenericKubernetesResource job = new GenericKubernetesResource();
        job.setApiVersion("fednode.io/v1alpha1");
        job.setKind("FederatedJob");
        job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(HUB_NS).build());
        job.setAdditionalProperty(
                "spec",
                Map.of(
                        "type",
                        "Train",
                        "submitter",
                        "researcher@example.org",
                        "image",
                        IMAGE,
                        "command",
                        List.of("python3", "train.py"),
                        "placement",
                        Map.of("nodes", nodes, "minNodes", nodes.size()),
                        "aggregator",
                        Map.of("endpoint", aggregator)));
        return k.genericKubernetesResources(JOBS)
                .inNamespace(HUB_NS)
                .resource(job)
                .create()
                .getMetadata()
                .getUid();
    }

    private static int intEnv(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v);
    }
}
