package io.fednode.e2e.realnode;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.dataset.DatasetReconciler;
import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Manifests;
import io.fednode.testing.ProjectImages;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Benchmark, not a test of the build (no {@code IT} suffix; {@code bench/dataset.sh} runs it): a
 * Dataset of N DICOM files (512 x 512 CT slices, pydicom-written) on the real node of the local
 * cluster, from the Dataset's create to its Ready condition (operator reconcile, Job, scheduling,
 * container start from the anonymiser image, the anonymisation, the report back), next to the
 * anonymiser CLI alone ({@code java -jar}, the Job's JVM settings and thread count) on the same
 * files on this machine, in the same run, alternating which goes first.
 */
class DatasetRealNodeBenchmark {
    private static final int FILES = intEnv("BENCH_FILES", 200);
    private static final int ROUNDS = intEnv("BENCH_ROUNDS", 3);
    private static final int THREADS = intEnv("BENCH_THREADS", 2);
    private static final String NS = "bench";
    private static final String NODE = "bench-node";

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.withRealNode();

    @Test
    void datasetToReadyNextToTheCliAlone() throws Exception {
        KubernetesClient k = CLUSTER.client();
        Path root = KubernetesBinaries.repoRoot();
        for (String crd : List.of("datasets.fednode.io", "federationnodes.fednode.io")) {
            Manifests.apply(k, root.resolve("crds/" + crd + "-v1.yml"));
        }
        k.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        RealNodeVolumes volumes = RealNodeVolumes.create(CLUSTER, NS, NODE);
        NodeReconcilerStandIn.claimsServiceAccountAndKey(k, NS, NODE);
        Path source = volumes.folder("raw").resolve("corpus");
        long t = System.nanoTime();
        run(
                List.of(
                        "/usr/bin/python3",
                        root.resolve("bench/dataset/make-corpus.py").toString(),
                        source.toString(),
                        Integer.toString(FILES)),
                Map.of());
        System.err.printf(
                "[bench] corpus: %d files in %.1f s%n", FILES, (System.nanoTime() - t) / 1e9);
        Path key = CLUSTER.workDir().resolve("bench.key");
        Files.write(key, new byte[32]);

        Operator operator =
                new Operator(
                        o ->
                                o.withKubernetesClient(k)
                                        .checkingCRDAndValidateLocalModel(false)
                                        .withCloseClientOnStop(false));
        operator.register(
                new DatasetReconciler(ProjectImages.anonymiser().reference()),
                o -> o.settingNamespace(NS));
        operator.start();
        readyNode(k);
        // A first Dataset warms the node (image layers in the page cache, the scheduler's cache).
        datasetToReady(k, "warm-up");

        Path jar = anonymiserJar(root);
        List<Double> dataset = new ArrayList<>();
        List<Double> cli = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            boolean cliFirst = round % 2 == 1;
            if (cliFirst) {
                cli.add(cli(jar, source, key, round));
            }
            dataset.add(datasetToReady(k, "bench-" + round));
            if (!cliFirst) {
                cli.add(cli(jar, source, key, round));
            }
            System.err.printf(
                    "[bench] round %d: dataset %.2f s, cli %.2f s%n",
                    round, dataset.get(round - 1), cli.get(round - 1));
        }
        operator.stop();
        double d = median(dataset);
        double c = median(cli);
        String report =
                String.format(
                        "Dataset of %d files (%d MB) on the real node, %d rounds, median:%n"
                                + "  kubectl apply -> Ready   %6.2f s   %s%n"
                                + "  anonymiser CLI alone     %6.2f s   %s%n"
                                + "  ratio Dataset / CLI      %6.2f%n",
                        FILES, folderBytes(source) / 1_000_000, ROUNDS, d, dataset, c, cli, d / c);
        System.out.print(report);
        Files.writeString(Path.of("target", "dataset-bench.txt"), report);
    }

    private static double datasetToReady(KubernetesClient k, String name) {
        Dataset ds =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: Dataset
                        metadata: {name: %s, namespace: %s}
                        spec: {nodeRef: %s, source: {path: corpus}}
                        """
                                .formatted(name, NS, NODE),
                        Dataset.class);
        long start = System.nanoTime();
        k.resource(ds).create();
        long deadline = start + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            Dataset now = k.resources(Dataset.class).inNamespace(NS).withName(name).get();
            if (now.getStatus() != null && now.getStatus().getConditions() != null) {
                for (Condition c : now.getStatus().getConditions()) {
                    if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                        double s = (System.nanoTime() - start) / 1e9;
                        assertThat(now.getStatus().getFiles().getWritten()).isEqualTo(FILES);
                        return s;
                    }
                    if ("Failed".equals(c.getType()) && "True".equals(c.getStatus())) {
                        throw new AssertionError("dataset failed: " + c.getMessage());
                    }
                }
            }
            sleep(50);
        }
        throw new AssertionError("dataset " + name + " not Ready within 10 minutes");
    }

    private static double cli(Path jar, Path source, Path key, int round) throws IOException {
        Path out = CLUSTER.workDir().resolve("cli-out-" + round);
        Path quarantine = CLUSTER.workDir().resolve("cli-quarantine-" + round);
        long start = System.nanoTime();
        run(
                List.of(
                        "java",
                        "-jar",
                        jar.toString(),
                        "--input",
                        source.toString(),
                        "--output",
                        out.toString(),
                        "--quarantine",
                        quarantine.toString(),
                        "--key-file",
                        key.toString(),
                        "--threads",
                        Integer.toString(THREADS)),
                // The Job's JVM settings (AnonymisationJob), without the image's class-data
                // archive.
                Map.of(
                        "JAVA_TOOL_OPTIONS",
                        "-XX:MaxRAMPercentage=75 -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"));
        double s = (System.nanoTime() - start) / 1e9;
        assertThat(PhiCorpus.regularFiles(out)).hasSize(FILES);
        return s;
    }

    /** The Dataset controller only needs the node Ready; the node reconciler is not run. */
    private static void readyNode(KubernetesClient k) {
        FederationNode node =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: FederationNode
                        metadata: {name: %s, namespace: %s}
                        spec:
                          nodeId: %s
                          role: data
                          hub: {endpoint: "https://hub.example.org:8443"}
                          storage:
                            raw: {size: 1Gi, storageClassName: %s}
                            anonymised: {size: 1Gi, storageClassName: %s}
                            scratch: {size: 1Gi, storageClassName: %s}
                          anonymisation:
                            parallelism: %d
                            # The real node has 2 cores: the default request (a core per thread)
                            # would not fit beside CoreDNS.
                            resources:
                              requests: {cpu: 1500m, memory: 512Mi}
                              limits: {memory: 1Gi}
                        """
                                .formatted(
                                        NODE,
                                        NS,
                                        NODE,
                                        RealNodeVolumes.STORAGE_CLASS,
                                        RealNodeVolumes.STORAGE_CLASS,
                                        RealNodeVolumes.STORAGE_CLASS,
                                        THREADS),
                        FederationNode.class);
        NodeReconcilerStandIn.createReady(k, node);
    }

    /** The anonymiser's runnable (shaded) jar, the one its image holds. */
    private static Path anonymiserJar(Path root) {
        Path jar = root.resolve("anonymiser/target/fednode-anonymiser.jar");
        assertThat(jar).as("the anonymiser jar (make build)").isRegularFile();
        return jar;
    }

    private static long folderBytes(Path folder) {
        return PhiCorpus.regularFiles(folder).stream().mapToLong(PhiCorpus::size).sum();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void run(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = Files.createTempFile("bench", ".log");
        Process p = pb.redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new AssertionError(
                        command.get(0)
                                + " failed:\n"
                                + Files.readString(log, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.delete(log);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int intEnv(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v);
    }
}
