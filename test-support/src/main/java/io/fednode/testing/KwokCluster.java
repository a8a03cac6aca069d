package io.fednode.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A kwokctl cluster on 127.0.0.1 from the binaries built by {@code tools/build-k8s.sh}: etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler and the kwok controller, which simulates
 * the kubelets of fake nodes (Pods are scheduled, become Ready, and Job Pods complete).
 *
 * <p>The kwok controller follows the Stages of {@code tools/kwok-stages.yaml}: kwok's default
 * behaviour, plus what a test steers through the Pod's own spec: {@link #RUN_FOR_ENV}, {@link
 * #EXIT_CODE_ENV} (or their aliases), and the anonymiser Pods of the Datasets {@link
 * #REPORTED_DATASET} and {@link #FAILING_DATASET}.
 *
 * <p>It registers {@link #GPU_NODES} nodes with {@value #GPUS_PER_NODE} {@code nvidia.com/gpu} each
 * and one CPU-only node. Each cluster has its own kwok work directory and is deleted after.
 */
public final class KwokCluster implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    public static final String GPU_RESOURCE = "nvidia.com/gpu";
    public static final int GPU_NODES = 2;
    public static final int GPUS_PER_NODE = 4;
    public static final String GPU_NODE_LABEL = "fednode.io/test-gpu";

    /**
     * Container environment variable: a Job's Pod stays Running (and Ready) for this Go duration
     * ({@code "90s"}, {@code "10m"}) before it completes, or fails with {@link #EXIT_CODE_ENV}.
     * Without it, Job Pods finish as soon as they run. A shorter {@code activeDeadlineSeconds}
     * makes the Job controller kill the still-Running Pod ({@code DeadlineExceeded}).
     */
    public static final String RUN_FOR_ENV = "FEDNODE_E2E_RUN_FOR";

    /**
     * Container environment variable, {@code 1..255}: a Job's Pod fails (phase {@code Failed}); the
     * containers holding it terminate with that exit code (reason {@code Error}), the others with
     * 0.
     */
    public static final String EXIT_CODE_ENV = "FEDNODE_E2E_EXIT_CODE";

    /**
     * Same as {@link #RUN_FOR_ENV}, under a name a TrainingRun's {@code spec.env} may carry (its
     * CRD reserves names starting with {@code FEDNODE_} for the operator).
     */
    public static final String RUN_FOR_ENV_ALIAS = "E2E_RUN_FOR";

    /** Same as {@link #EXIT_CODE_ENV}, under a name a TrainingRun's {@code spec.env} may carry. */
    public static final String EXIT_CODE_ENV_ALIAS = "E2E_EXIT_CODE";

    /**
     * Dataset name whose anonymiser Pods complete with a fixed anonymiser report as their
     * termination message (240 files seen, 236 written, 4 quarantined: 3 not-dicom, 1 truncated;
     * 125829120 bytes in, 123207680 out), as the kubelet would deliver the real one.
     */
    public static final String REPORTED_DATASET = "e2e-reported";

    /**
     * Dataset name whose anonymiser Pods always fail with exit code 1, the log tail ({@code
     * fednode-anonymiser: fatal: … No space left on device}) as their termination message.
     */
    public static final String FAILING_DATASET = "e2e-failing";

    private final String name = "fednode-" + UUID.randomUUID().toString().substring(0, 8);
    private Path workDir;
    private KubernetesClient client;
    private String kubeConfigYaml;

    public void start() {
        try {
            workDir = Files.createTempDirectory("fednode-kwok-");
            Path kubeconfig = Path.of(script(Duration.ofMinutes(4), "create").trim());
            kubeConfigYaml = Files.readString(kubeconfig);
            client =
                    new KubernetesClientBuilder()
                            .withConfig(Config.fromKubeconfig(kubeConfigYaml))
                            .build();
            for (int i = 0; i < GPU_NODES; i++) {
                addNode("gpu-node-" + i, GPUS_PER_NODE);
            }
            addNode("cpu-node-0", 0);
            waitForNodesReady();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Registers a fake node the kwok controller keeps Ready; {@code gpus > 0} adds GPU capacity.
     */
    public Node addNode(String nodeName, int gpus) {
        Map<String, Quantity> capacity =
                new HashMap<>(
                        Map.of(
                                "cpu", new Quantity("32"),
                                "memory", new Quantity("256Gi"),
                                "pods", new Quantity("110"),
                                "ephemeral-storage", new Quantity("1Ti")));
        if (gpus > 0) {
            capacity.put(GPU_RESOURCE, new Quantity(Integer.toString(gpus)));
        }
        Node node =
                new NodeBuilder()
                        .withNewMetadata()
                        .withName(nodeName)
                        .addToAnnotations("kwok.x-k8s.io/node", "fake")
                        .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                        .addToLabels("type", "kwok")
                        .addToLabels("kubernetes.io/hostname", nodeName)
                        .addToLabels("kubernetes.io/os", "linux")
                        .addToLabels("kubernetes.io/arch", "amd64")
                        .addToLabels(GPU_NODE_LABEL, Boolean.toString(gpus > 0))
                        .endMetadata()
                        .withNewStatus()
                        .withCapacity(capacity)
                        .withAllocatable(capacity)
                        .endStatus()
                        .build();
        return client.resource(node).create();
    }

    private void waitForNodesReady() {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            List<Node> nodes = client.nodes().list().getItems();
            boolean allReady =
                    nodes.size() == GPU_NODES + 1 && nodes.stream().allMatch(KwokCluster::isReady);
            if (allReady) {
                return;
            }
            sleep(500);
        }
        throw new IllegalStateException("kwok nodes did not become Ready within 2 minutes");
    }

    private static boolean isReady(Node node) {
        return node.getStatus() != null
                && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    public KubernetesClient client() {
        return client;
    }

    public String kubeConfigYaml() {
        return kubeConfigYaml;
    }

    public String name() {
        return name;
    }

    /**
     * Runs {@code tools/kwok-cluster.sh ACTION NAME WORKDIR}, the one definition of the cluster.
     */
    private String script(Duration timeout, String action) {
        Path script = KubernetesBinaries.repoRoot().resolve("tools/kwok-cluster.sh");
        Path log = workDir.resolve("kwok-cluster-" + action + ".log");
        try {
            Process p =
                    new ProcessBuilder("bash", script.toString(), action, name, workDir.toString())
                            .redirectError(log.toFile())
                            .redirectOutput(ProcessBuilder.Redirect.PIPE)
                            .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "kwok-cluster.sh " + action + " timed out; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        "kwok-cluster.sh "
                                + action
                                + " failed ("
                                + p.exitValue()
                                + "):\n"
                                + Files.readString(log));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (workDir != null) {
            try {
                script(Duration.ofMinutes(1), "delete");
            } catch (RuntimeException e) {
                System.err.println("kwokctl delete cluster failed: " + e.getMessage());
            }
            deleteRecursively(workDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
