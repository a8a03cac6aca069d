package io.fednode.e2e.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunSpec;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import io.fednode.fixtures.FederationNodes;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.operator.training.TrainingJob;
import io.fednode.operator.training.TrainingNetworkPolicy;
import io.fednode.operator.training.TrainingRunReconciler;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.RealApiServer;
import io.fednode.testing.ServiceAccountClients;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Benchmark, not a test of the build (no {@code IT} suffix; {@code bench/training.sh} runs it): N
 * TrainingRuns across M nodes on one real kube-apiserver → the time until the operator has admitted
 * every run and either started it (Job + NetworkPolicy) or queued it, next to the raw time to
 * create the same runs, and to make the same writes the operator makes, on the same server. Then
 * the steady state: no run may be written again while nothing changes.
 */
class TrainingRunBenchmark {
    private static final int RUNS = intEnv("BENCH_RUNS", 500);
    private static final int NODES = intEnv("BENCH_NODES", 10);
    private static final int SLOTS = intEnv("BENCH_SLOTS_PER_NODE", 5);
    private static final int CLIENT_THREADS = intEnv("BENCH_CLIENT_THREADS", 16);
    private static final Duration STEADY = Duration.ofSeconds(intEnv("BENCH_STEADY_SECONDS", 40));
    private static final String DIGEST = "0123456789abcdef".repeat(4);

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    @Test
    void admitAndQueueAgainstRawCreates() throws Exception {
        KubernetesClient admin = API.client();
        List<String> opNamespaces = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            opNamespaces.add("op-" + i);
        }
        OperatorManifests.applyAllButDeployment(admin, opNamespaces);
        // 1. Raw: the same TrainingRuns created directly, no operator running.
        List<String> rawNs = namespaces(admin, "raw");
        List<TrainingRun> rawRuns = runs(rawNs);
        long rawCreate = timed(() -> parallel(rawRuns, r -> admin.resource(r).create()));
        // 2. Raw: the writes the operator makes for them, made directly with the operator's own
        // objects: a status on each run and an Event for its transition; for each started run its
        // NetworkPolicy (server-side apply, as the operator applies it) and its Job.
        List<String> rawWritesNs = namespaces(admin, "rawwrites");
        List<TrainingRun> rawWritesRuns = runs(rawWritesNs);
        EventRecorder events = new EventRecorder();
        long rawWrites =
                timed(
                        () -> {
                            List<TrainingRun> created = new ArrayList<>(rawWritesRuns.size());
                            parallel(
                                    rawWritesRuns,
                                    r -> {
                                        TrainingRun c = admin.resource(r).create();
                                        synchronized (created) {
                                            created.add(c);
                                        }
                                    });
                            created.sort(
                                    java.util.Comparator.comparing(c -> c.getMetadata().getName()));
                            parallel(
                                    created,
                                    r -> {
                                        admin.resource(withStatus(r)).updateStatus();
                                        events.record(
                                                admin,
                                                r,
                                                EventRecorder.NORMAL,
                                                "Bench",
                                                "raw write");
                                    });
                            List<TrainingRun> started = startedSubset(created);
                            parallel(
                                    started,
                                    r -> {
                                        FederationNode node =
                                                nodeObject(r.getMetadata().getNamespace());
                                        admin.resource(TrainingNetworkPolicy.desired(r, node))
                                                .fieldManager(OperatorIdentity.NAME)
                                                .forceConflicts()
                                                .serverSideApply();
                                        admin.resource(TrainingJob.desired(r, node, Map.of()))
                                                .create();
                                    });
                        });

        // 3. The operator (as its ServiceAccount) with Ready nodes; the runs created as in 1.
        List<String> opNs = opNamespaces;
        for (String ns : opNs) {
            readyNode(admin, ns);
        }
        KubernetesClient operatorClient =
                ServiceAccountClients.clientAs(
                        admin, API.kubeConfigYaml(), "fednode-system", "fednode-operator");
        Operator operator = new Operator(o -> o.withKubernetesClient(operatorClient));
        operator.register(
                new TrainingRunReconciler(),
                c -> c.settingNamespaces(java.util.Set.copyOf(opNamespaces)));
        operator.start();
        try {
            List<TrainingRun> runs = runs(opNs);
            long start = System.nanoTime();
            parallel(runs, r -> admin.resource(r).create());
            long created = System.nanoTime() - start;
            Map<String, Integer> counts = Map.of();
            while (System.nanoTime() - start < TimeUnit.MINUTES.toNanos(10)) {
                counts = settled(admin);
                if (counts.get("admitted") == RUNS) {
                    break;
                }
                Thread.sleep(100);
            }
            long operatorTime = System.nanoTime() - start;
            assertThat(counts.get("admitted")).as("runs admitted").isEqualTo(RUNS);
            assertThat(counts.get("started")).as("runs started").isEqualTo(NODES * SLOTS);
            assertThat(counts.get("queued")).as("runs queued").isEqualTo(RUNS - NODES * SLOTS);
            int jobs =
                    (int)
                            admin.batch().v1().jobs().inAnyNamespace().list().getItems().stream()
                                    .filter(j -> j.getMetadata().getNamespace().startsWith("op-"))
                                    .count();
            assertThat(jobs).isEqualTo(NODES * SLOTS);

            // Steady state: nothing changes, so no run is written again (queued runs are
            // re-checked every 30 s).
            Map<String, String> versions = resourceVersions(admin);
            Thread.sleep(STEADY.toMillis());
            Map<String, String> later = resourceVersions(admin);
            long rewritten =
                    versions.entrySet().stream()
                            .filter(e -> !e.getValue().equals(later.get(e.getKey())))
                            .count();

            report(rawCreate, rawWrites, created, operatorTime, jobs, rewritten);
            assertThat(rewritten).as("runs written again in steady state").isZero();
        } finally {
            operator.stop();
            operatorClient.close();
        }
    }

    private static void report(
            long rawCreate,
            long rawWrites,
            long created,
            long operatorTime,
            int jobs,
            long rewritten)
            throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "BENCH training: %d TrainingRuns across %d nodes (maxConcurrentRuns %d each),"
                                + " %d client threads, kube-apiserver %s",
                        RUNS,
                        NODES,
                        SLOTS,
                        CLIENT_THREADS,
                        io.fednode.testing.KubernetesBinaries.VERSION));
        lines.add(line("raw create of the runs", rawCreate, RUNS));
        lines.add(
                line(
                        "raw same writes (runs, statuses, events, "
                                + jobs
                                + " NP + "
                                + jobs
                                + " Jobs)",
                        rawWrites,
                        RUNS));
        lines.add(line("operator: runs created (operator running)", created, RUNS));
        lines.add(
                line(
                        "operator: all admitted, " + jobs + " started, rest queued",
                        operatorTime,
                        RUNS));
        lines.add(
                String.format(
                        Locale.ROOT,
                        "BENCH ratio operator/raw-create %.2f, operator/raw-same-writes %.2f",
                        (double) operatorTime / rawCreate,
                        (double) operatorTime / rawWrites));
        lines.add(
                String.format(
                        Locale.ROOT,
                        "BENCH steady state: runs written again in %ds: %d",
                        STEADY.toSeconds(),
                        rewritten));
        lines.forEach(System.out::println);
        Path out = Path.of("target/training-bench.txt");
        Files.write(out, lines);
    }

    private static String line(String what, long nanos, int runs) {
        double seconds = nanos / 1e9;
        return String.format(
                Locale.ROOT, "BENCH %-55s %8.2f s  %8.1f runs/s", what, seconds, runs / seconds);
    }

    private static Map<String, Integer> settled(KubernetesClient admin) {
        int admitted = 0;
        int started = 0;
        int queued = 0;
        for (TrainingRun r :
                admin.resources(TrainingRun.class).inAnyNamespace().list().getItems()) {
            if (!r.getMetadata().getNamespace().startsWith("op-")) {
                continue;
            }
            TrainingRunStatus s = r.getStatus();
            if (s == null || s.getConditions() == null) {
                continue;
            }
            boolean admittedTrue = is(s, "Admitted", "True");
            boolean queuedTrue = is(s, "Queued", "True");
            boolean startedTrue = s.getStartTime() != null;
            if (admittedTrue && (queuedTrue || startedTrue)) {
                admitted++;
                if (startedTrue) {
                    started++;
                } else {
                    queued++;
                }
            }
        }
        return Map.of("admitted", admitted, "started", started, "queued", queued);
    }

    private static boolean is(TrainingRunStatus s, String type, String status) {
        return s.getConditions().stream()
                .anyMatch(c -> type.equals(c.getType()) && status.equals(c.getStatus()));
    }

    private static Map<String, String> resourceVersions(KubernetesClient admin) {
        Map<String, String> versions = new HashMap<>();
        for (TrainingRun r :
                admin.resources(TrainingRun.class).inAnyNamespace().list().getItems()) {
            if (r.getMetadata().getNamespace().startsWith("op-")) {
                versions.put(
                        r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
                        r.getMetadata().getResourceVersion());
            }
        }
        return versions;
    }

    private static List<String> namespaces(KubernetesClient admin, String prefix) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            String ns = prefix + "-" + i;
            admin.resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                    .create();
            names.add(ns);
        }
        return names;
    }

    /** RUNS runs, spread round-robin over the namespaces (one node each). */
    private static List<TrainingRun> runs(List<String> namespaces) {
        List<TrainingRun> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            String ns = namespaces.get(i % namespaces.size());
            TrainingRun run = new TrainingRun();
            run.setMetadata(
                    new ObjectMetaBuilder()
                            .withName("run-%04d".formatted(i))
                            .withNamespace(ns)
                            .build());
            TrainingRunSpec spec = new TrainingRunSpec();
            spec.setNodeRef("node");
            spec.setImage("registry.example.org/fl/trainer@sha256:" + DIGEST);
            spec.setGpus(1);
            spec.setAggregator(new AggregatorSpec("https://203.0.113.10:9092"));
            run.setSpec(spec);
            runs.add(run);
        }
        return runs;
    }

    /** The runs the operator starts: the first {@code SLOTS} of each node, by name. */
    private static List<TrainingRun> startedSubset(List<TrainingRun> runs) {
        Map<String, Integer> perNode = new HashMap<>();
        List<TrainingRun> started = new ArrayList<>();
        for (TrainingRun r : runs) {
            if (perNode.merge(r.getMetadata().getNamespace(), 1, Integer::sum) <= SLOTS) {
                started.add(r);
            }
        }
        return started;
    }

    private static TrainingRun withStatus(TrainingRun current) {
        TrainingRunStatus status = new TrainingRunStatus();
        status.setObservedGeneration(1L);
        List<Condition> conditions = new ArrayList<>();
        for (String type :
                List.of(
                        "Admitted",
                        "Queued",
                        "Running",
                        "Succeeded",
                        "Failed",
                        "Reconciling",
                        "Stalled")) {
            conditions.add(
                    new ConditionBuilder()
                            .withType(type)
                            .withStatus("Unknown")
                            .withReason("Bench")
                            .withMessage("raw write")
                            .withLastTransitionTime("2026-11-26T10:00:00Z")
                            .build());
        }
        status.setConditions(conditions);
        current.setStatus(status);
        return current;
    }

    private static void readyNode(KubernetesClient admin, String ns) {
        FederationNode created = admin.resource(nodeObject(ns)).create();
        FederationNodeStatus status = new FederationNodeStatus();
        status.setObservedGeneration(created.getMetadata().getGeneration());
        status.setConditions(
                List.of(
                        new ConditionBuilder()
                                .withType("Ready")
                                .withStatus("True")
                                .withReason("SetByBenchmark")
                                .withMessage("set by the benchmark")
                                .withLastTransitionTime("2026-11-26T10:00:00Z")
                                .build()));
        created.setStatus(status);
        admin.resource(created).updateStatus();
    }

    /** The benchmark's node of a namespace: compute, 4 GPUs per run, SLOTS runs at once. */
    private static FederationNode nodeObject(String ns) {
        return FederationNodes.node(ns, "node")
                .nodeId(ns)
                .role(NodeRole.COMPUTE)
                .gpus(4, SLOTS)
                .allowedImages("registry.example.org/fl/")
                .requireDigest()
                .egress("203.0.113.0/24")
                .build();
    }

    private static <T> void parallel(List<T> items, Consumer<T> action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> action.accept(item)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    interface Step {
        void run() throws Exception;
    }

    private static long timed(Step step) throws Exception {
        long start = System.nanoTime();
        step.run();
        return System.nanoTime() - start;
    }

    private static int intEnv(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value);
    }
}
