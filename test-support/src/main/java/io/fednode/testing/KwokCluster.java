package io.fednode.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * behaviour, plus what a test steers through the Pod's own spec: {@link #RUN_FOR_ENV} and {@link
 * #EXIT_CODE_ENV} (or their aliases). {@link #withRealNode()} adds a real node where Pods really
 * run (see {@code docs/local-cluster.md}).
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

    /** Name of the real node (kubelet, containerd, kube-proxy, kube-router) in such a cluster. */
    public static final String REAL_NODE = "real-node";

    /** Label the real node carries. */
    public static final String REAL_NODE_LABEL = "fednode.io/real-node";

    /** Taint on the kwok nodes of a cluster with a real node: Pods go to the real node. */
    public static final String FAKE_NODE_TAINT = "kwok.x-k8s.io/node";

    private static KwokCluster shared;

    private final String name = "fednode-" + UUID.randomUUID().toString().substring(0, 8);
    private final boolean realNode;
    private final boolean sharedInstance;
    private boolean started;
    private Path workDir;
    private List<String> leftovers;
    private KubernetesClient client;
    private String kubeConfigYaml;

    /** A cluster of kwok nodes only: every Pod is simulated. */
    public KwokCluster() {
        this(false, false);
    }

    private KwokCluster(boolean realNode, boolean sharedInstance) {
        this.realNode = realNode;
        this.sharedInstance = sharedInstance;
    }

    /**
     * A cluster of its own with a real node ({@link #REAL_NODE}: kubelet, containerd and runc,
     * kube-proxy, kube-router enforcing NetworkPolicies, CoreDNS) next to the kwok nodes, which are
     * tainted so that Pods without a toleration run for real. fednode's images and the sample
     * trainer image ({@link ProjectImages#realNodeTars()}) are loaded into the real node's
     * containerd.
     */
    public static KwokCluster withRealNode() {
        return new KwokCluster(true, false);
    }

    /**
     * The one cluster with a real node that the test classes of this JVM share (each in its own
     * namespaces): started by the first class that registers it, deleted when the test run ends.
     */
    public static synchronized KwokCluster sharedWithRealNode() {
        if (shared == null) {
            shared = new KwokCluster(true, true);
        }
        return shared;
    }

    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        try {
            workDir = Files.createTempDirectory("fednode-kwok-");
            List<String> args = realNode ? List.of("create", "--real-node") : List.of("create");
            Path kubeconfig = Path.of(lastLine(script(Duration.ofMinutes(realNode ? 8 : 4), args)));
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
            if (realNode) {
                loadImages(ProjectImages.realNodeTars());
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // A half-made cluster (a real node's processes, network namespace, mounts) is
            // deleted at once: no test will get to close it.
            close();
            throw e;
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
                        .withNewSpec()
                        .withTaints(
                                realNode
                                        ? List.of(
                                                new TaintBuilder()
                                                        .withKey(FAKE_NODE_TAINT)
                                                        .withValue("fake")
                                                        .withEffect("NoSchedule")
                                                        .build())
                                        : List.of())
                        .endSpec()
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
            List<Node> nodes = client.nodes().withLabel("type", "kwok").list().getItems();
            boolean allReady =
                    nodes.size() == GPU_NODES + 1 && nodes.stream().allMatch(KwokCluster::isReady);
            if (realNode) {
                Node real = client.nodes().withName(REAL_NODE).get();
                allReady &= real != null && isReady(real);
            }
            if (allReady) {
                return;
            }
            sleep(500);
        }
        throw new IllegalStateException("the nodes did not become Ready within 2 minutes");
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

    public boolean hasRealNode() {
        return realNode;
    }

    /** The cluster's work directory (kwok's files, the real node's state and logs). */
    public Path workDir() {
        return workDir;
    }

    /**
     * A directory on the real node's file system (this machine) for hostPath volumes, created
     * world-writable so that the non-root Pods of the restricted Pod Security level can write into
     * it and into the sub-paths the kubelet creates with the same mode.
     */
    public Path hostDirectory(String relative) {
        if (!realNode) {
            throw new IllegalStateException("a kwok-only cluster has no real file system");
        }
        try {
            Path dir = workDir.resolve("volumes").resolve(relative);
            Files.createDirectories(dir);
            for (Path d = dir; !d.equals(workDir); d = d.getParent()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The host's address on the real node's network ({@code 10.213.X.1}, the host end of its veth;
     * docs/local-cluster.md): the one address of this machine outside the cluster that the node's
     * Pods can reach, so a server a test runs on the host for Pods (a federation's aggregator)
     * listens there.
     */
    public String hostAddress() {
        if (!realNode) {
            throw new IllegalStateException("a kwok-only cluster has no real node network");
        }
        try {
            String index = Files.readString(workDir.resolve("real-node/index")).strip();
            if (!index.matches("[0-9]{1,2}")) {
                throw new IllegalStateException("unexpected real-node index " + index);
            }
            return "10.213." + index + ".1";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Imports image tars (docker-archive or OCI) into the real node's containerd. */
    public void loadImages(List<Path> tars) {
        List<String> args = new java.util.ArrayList<>(List.of("load-image"));
        tars.forEach(t -> args.add(t.toAbsolutePath().toString()));
        script(Duration.ofMinutes(5), args);
    }

    /**
     * What {@code tools/real-node-leftovers.sh} found of this cluster when {@link #close()} had
     * deleted it: one line per process, mount, network namespace, interface, route, iptables rule,
     * ipset or cgroup left behind; empty when nothing was.
     */
    public synchronized List<String> leftoversAfterClose() {
        if (started || leftovers == null) {
            throw new IllegalStateException("the cluster has not been closed");
        }
        return leftovers;
    }

    private List<String> findLeftovers() {
        Path script = KubernetesBinaries.repoRoot().resolve("tools/real-node-leftovers.sh");
        try {
            Process p =
                    new ProcessBuilder("bash", script.toString(), name, workDir.toString())
                            .redirectErrorStream(true)
                            .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(2, TimeUnit.MINUTES);
            return out.lines().filter(l -> l.startsWith("leftover")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code tools/kwok-cluster.sh ACTION NAME WORKDIR}, the one definition of the cluster.
     */
    private String script(Duration timeout, List<String> actionAndArgs) {
        Path script = KubernetesBinaries.repoRoot().resolve("tools/kwok-cluster.sh");
        String action = actionAndArgs.get(0);
        Path log = workDir.resolve("kwok-cluster-" + action + ".log");
        List<String> command =
                new java.util.ArrayList<>(
                        List.of("bash", script.toString(), action, name, workDir.toString()));
        command.addAll(actionAndArgs.subList(1, actionAndArgs.size()));
        try {
            Process p =
                    new ProcessBuilder(command)
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

    private static String lastLine(String out) {
        List<String> lines = out.strip().lines().toList();
        return lines.get(lines.size() - 1).trim();
    }

    @Override
    public synchronized void close() {
        if (!started) {
            return;
        }
        started = false;
        if (client != null) {
            client.close();
        }
        if (workDir != null) {
            try {
                script(Duration.ofMinutes(realNode ? 3 : 1), List.of("delete"));
            } catch (RuntimeException e) {
                System.err.println("kwokctl delete cluster failed: " + e.getMessage());
            }
            leftovers = realNode ? findLeftovers() : List.of();
            if (leftovers.isEmpty()) {
                deleteRecursively(workDir);
            } else {
                System.err.println(
                        "kept " + workDir + ": the cluster left things behind: " + leftovers);
            }
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
        if (sharedInstance) {
            // Closed once, when the whole test run ends.
            context.getRoot()
                    .getStore(ExtensionContext.Namespace.create(KwokCluster.class))
                    .getOrComputeIfAbsent("shared-real-node-cluster", k -> this);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!sharedInstance) {
            close();
        }
    }
}
