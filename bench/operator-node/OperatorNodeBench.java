import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.operator.node.NodeNetworkPolicy;
import io.fednode.operator.node.PseudonymKeySecret;
import io.fednode.operator.node.VolumeClaim;
import io.fednode.operator.common.VolumeKind;
import io.fednode.operator.common.WorkloadKind;
import io.fednode.operator.node.WorkloadServiceAccount;
import io.fednode.fixtures.FederationNodes;
import io.fednode.testing.FakeVolumeController;
import io.fednode.testing.RealApiServer;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * apply→Ready of FederationNodes (1, then N in N namespaces) with the operator running as its own
 * ServiceAccount in a separate JVM (the shaded jar), against the raw time to create the same objects directly, on
 * one real kube-apiserver. A small in-process "volume controller" marks claims Bound in both runs
 * (kube-api-test runs no controllers). Prints the operator's RSS with N nodes. Args: repo N operator-jar.
 */
public class OperatorNodeBench {
    static final int THREADS = 10;

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        RealApiServer api = new RealApiServer();
        api.start();
        KubernetesClient admin = api.client();
        Process operator = null;
        try {
            // The operator has a Role only in the namespaces it watches: its nodes' below.
            List<String> watched = new ArrayList<>(List.of("op-one-0"));
            for (int i = 0; i < n; i++) {
                watched.add("op-many-" + i);
            }
            io.fednode.testing.OperatorManifests.applyAllButDeployment(admin, watched);
            SharedIndexInformer<PersistentVolumeClaim> binder = FakeVolumeController.start(admin);

            double raw1 = raw(admin, "raw-one", 1);
            Map<String, Long> writesBefore = writes(admin);
            double rawN = raw(admin, "raw-many", n);
            Map<String, Long> rawWrites = minus(writes(admin), writesBefore);

            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = Files.createTempFile("fednode-operator-", ".log");
            System.err.println("[bench] operator log: " + log);
            Path kubeconfig = Files.createTempFile("fednode-operator-", ".kubeconfig");
            Files.writeString(kubeconfig, operatorKubeconfig(admin, api.kubeConfigYaml()));
            // The chart's JVM (operator-node.sh reads its javaOptions and limit); NMT says where RSS goes.
            String javaOpts = System.getenv().getOrDefault("BENCH_JAVA_OPTS", "-Xmx358m -XX:+ExitOnOutOfMemoryError").trim();
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(List.of(javaOpts.split("\\s+")));
            command.add("-XX:NativeMemoryTracking=summary");
            // A copy: a build in the same worktree may rewrite target/ while the operator runs.
            Path jar = Files.createTempFile("fednode-operator-", ".jar");
            Files.copy(Path.of(args[2]), jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            jar.toFile().deleteOnExit();
            command.addAll(List.of("-jar", jar.toString()));
            System.err.println("[bench] operator: " + String.join(" ", command));
            ProcessBuilder pb =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile());
            pb.environment().put("KUBECONFIG", kubeconfig.toString());
            pb.environment().put("FEDNODE_HTTP_PORT", Integer.toString(port));
            pb.environment().put("FEDNODE_WATCH_NAMESPACES", String.join(",", watched));
            operator = pb.start();
            Process started = operator;
            waitUntil(() -> {
                if (!started.isAlive()) {
                    throw new IllegalStateException("the operator exited; see its log");
                }
                return healthy(port);
            });
            long rssIdle = rssKb(operator.pid());
            long heapIdle = liveHeapKb(operator.pid());

            double op1 = viaOperator(admin, "op-one", 1);
            long rss1 = rssKb(operator.pid());
            double cpuBefore = cpuSeconds(operator.pid());
            writesBefore = writes(admin);
            double opN = viaOperator(admin, "op-many", n);
            Map<String, Long> opWrites = minus(writes(admin), writesBefore);
            double cpuN = cpuSeconds(operator.pid()) - cpuBefore;
            long rssN = rssKb(operator.pid());
            Path histogram = Files.createTempFile("fednode-operator-histogram-", ".txt");
            Files.writeString(histogram, run("jcmd", Long.toString(operator.pid()), "GC.class_histogram"));
            System.err.println("[bench] operator class histogram with " + (n + 1) + " nodes: " + histogram);
            String threadsN = status(operator.pid(), "Threads:");
            String reconcilesN = reconciles(port);
            long heapN = liveHeapKb(operator.pid());
            // Idle threads of a cached pool live 60 s: what stays once the burst is over.
            Thread.sleep(70_000);
            long rssSettled = rssKb(operator.pid());
            String threadsSettled = status(operator.pid(), "Threads:");

            // Objects the operator has no business with: in namespaces it does not watch, and
            // unlabelled Secrets in the namespaces it does (its informers select its own label).
            int unrelated = Integer.parseInt(System.getenv().getOrDefault("BENCH_UNRELATED", "2000"));
            unrelated(admin, unrelated, watched.subList(1, watched.size()));
            Thread.sleep(10_000);
            long rssU = rssKb(operator.pid());
            long heapU = liveHeapKb(operator.pid());

            System.out.printf("%-44s %10s %10s %8s%n", "", "raw", "operator", "ratio");
            System.out.printf("%-44s %8.2f s %8.2f s %7.1fx%n", "1 node: apply -> Ready", raw1, op1, op1 / raw1);
            System.out.printf(
                    "%-44s %8.2f s %8.2f s %7.1fx%n",
                    n + " nodes in " + n + " namespaces: apply -> Ready", rawN, opN, opN / rawN);
            System.out.printf("operator RSS (%s): %d MiB idle, %d MiB with 1 node,"
                    + " %d MiB with %d nodes; %.2f MiB per node%n",
                    javaOpts, rssIdle / 1024, rss1 / 1024, rssN / 1024, n + 1, (rssN - rss1) / 1024.0 / n);
            System.out.printf("operator live heap after a full GC: %d MiB idle, %d MiB with %d nodes (%.2f MiB per node)%n",
                    heapIdle / 1024, heapN / 1024, n + 1, (heapN - heapIdle) / 1024.0 / (n + 1));
            System.out.printf("API writes (apiserver_request_total) for the %d nodes: raw %d (%s), operator %d (%s)%n", n,
                    total(rawWrites), rawWrites, total(opWrites), opWrites);
            System.out.printf("operator CPU while the %d nodes became Ready: %.1f s (%.0f ms per node) of %.1f s wall%n",
                    n, cpuN, cpuN * 1000 / n, opN);
            System.out.printf("operator reconciles (started, per controller) for 1 + %d nodes: %s%n", n, reconcilesN);
            System.out.printf("operator 70 s later: RSS %d MiB, threads %s (%s at %d nodes)%n",
                    rssSettled / 1024, threadsSettled, threadsN, n + 1);
            System.out.println("operator threads: " + status(operator.pid(), "Threads:")
                    + " (" + threadNames(operator.pid()) + ")"
                    + "; native memory (committed, KiB): " + nativeMemory(operator.pid()));
            System.out.printf("with %d unrelated ConfigMaps/Secrets in other namespaces and %d unlabelled Secrets in"
                    + " the watched ones: RSS %d MiB, live heap %d MiB%n",
                    unrelated, unrelated / 2, rssU / 1024, heapU / 1024);
            binder.close();
        } finally {
            if (operator != null) {
                operator.destroy();
                operator.waitFor(30, TimeUnit.SECONDS);
            }
            api.close();
        }
    }

    /** The objects one node consists of, created directly (what the operator creates). */
    static double raw(KubernetesClient admin, String prefix, int count) throws Exception {
        List<String> namespaces = namespaces(admin, prefix, count);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> work = new ArrayList<>();
        for (String ns : namespaces) {
            FederationNode node = node(ns);
            node.getMetadata().setUid("00000000-0000-0000-0000-000000000000");
            List<HasMetadata> objects = new ArrayList<>();
            for (VolumeKind kind : VolumeKind.values()) {
                objects.add(VolumeClaim.desired(kind, node, null));
            }
            for (WorkloadKind kind : WorkloadKind.values()) {
                var sa = WorkloadServiceAccount.desired(kind, node);
                sa.getMetadata().setOwnerReferences(null);
                objects.add(sa);
            }
            var secret = PseudonymKeySecret.desired(node);
            secret.setData(Map.of("key", Base64.getEncoder().encodeToString(new byte[32])));
            objects.add(secret);
            for (var policy : List.of(new NodeNetworkPolicy.DefaultDeny(), new NodeNetworkPolicy.DnsEgress(), new NodeNetworkPolicy.FederationEgress())) {
                var np = policy.desired(node);
                np.getMetadata().setOwnerReferences(null);
                objects.add(np);
            }
            for (HasMetadata o : objects) {
                work.add(pool.submit(() -> admin.resource(o).create()));
            }
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        for (String ns : namespaces) {
            waitUntil(() -> admin.persistentVolumeClaims().inNamespace(ns).list().getItems().stream()
                    .filter(c -> c.getStatus() != null && "Bound".equals(c.getStatus().getPhase())).count() == 3);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    static double viaOperator(KubernetesClient admin, String prefix, int count) throws Exception {
        List<String> namespaces = namespaces(admin, prefix, count);
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> work = new ArrayList<>();
        for (String ns : namespaces) {
            work.add(pool.submit(() -> admin.resource(node(ns)).create()));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        for (String ns : namespaces) {
            waitUntil(() -> {
                FederationNode n = admin.resources(FederationNode.class).inNamespace(ns).withName(ns).get();
                return n != null && n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
            });
        }
        return (System.nanoTime() - start) / 1e9;
    }

    static List<String> namespaces(KubernetesClient admin, String prefix, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String ns = prefix + "-" + i;
            admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
            out.add(ns);
        }
        return out;
    }

    static FederationNode node(String ns) {
        return FederationNodes.hospital(ns, ns, NodeRole.HYBRID).storage("500Gi", "500Gi", "50Gi").build();
    }

    static String operatorKubeconfig(KubernetesClient admin, String adminKubeconfig) {
        var token = admin.serviceAccounts().inNamespace("fednode-system").withName("fednode-operator")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(7200L).endSpec().build())
                .getStatus().getToken();
        Config config = Config.fromKubeconfig(adminKubeconfig);
        String ca = config.getCaCertData() != null ? config.getCaCertData()
                : Base64.getEncoder().encodeToString(readAll(config.getCaCertFile()));
        return String.join("\n",
                "apiVersion: v1", "kind: Config",
                "clusters: [{name: bench, cluster: {server: '" + config.getMasterUrl() + "', certificate-authority-data: " + ca + "}}]",
                "users: [{name: operator, user: {token: " + token + "}}]",
                "contexts: [{name: bench, context: {cluster: bench, user: operator, namespace: fednode-system}}]",
                "current-context: bench", "");
    }

    static byte[] readAll(String file) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void apply(KubernetesClient admin, Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            for (HasMetadata item : admin.load(in).items()) {
                admin.resource(item).forceConflicts().serverSideApply();
                if (item instanceof CustomResourceDefinition crd) {
                    waitUntil(() -> {
                        var c = admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get();
                        return c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                                .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True"));
                    });
                }
            }
        }
    }

    static boolean healthy(int port) {
        try {
            return java.net.http.HttpClient.newHttpClient()
                            .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString())
                            .statusCode()
                    == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * {@code count} ConfigMaps and Secrets (half each) in 10 namespaces the operator does not watch,
     * and {@code count / 2} unlabelled Secrets spread over the watched namespaces; 1 KiB each.
     */
    static void unrelated(KubernetesClient admin, int count, List<String> watched) throws Exception {
        List<String> others = namespaces(admin, "unrelated", 10);
        String kib = "x".repeat(1024);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String ns = others.get(i % others.size());
            String name = "unrelated-" + i;
            HasMetadata o = i % 2 == 0
                    ? new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName(name)
                            .withNamespace(ns).endMetadata().withData(Map.of("v", kib)).build()
                    : new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName(name)
                            .withNamespace(ns).endMetadata().withStringData(Map.of("v", kib)).build();
            work.add(pool.submit(() -> admin.resource(o).create()));
        }
        for (int i = 0; i < count / 2; i++) {
            String ns = watched.get(i % watched.size());
            HasMetadata o = new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                    .withName("unrelated-" + i).withNamespace(ns).endMetadata()
                    .withStringData(Map.of("v", kib)).build();
            work.add(pool.submit(() -> admin.resource(o).create()));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
    }

    /** Heap in use right after a full GC (jcmd GC.run, then GC.heap_info's used figure). */
    static long liveHeapKb(long pid) throws Exception {
        run("jcmd", Long.toString(pid), "GC.run");
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        var m = java.util.regex.Pattern.compile("(?m)^\\s*\\S.*(?:generation|heap)\\s+total \\d+K, used (\\d+)K").matcher(info);
        long used = 0;
        while (m.find()) {
            used += Long.parseLong(m.group(1));
        }
        return used;
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    /** The committed KiB of each NMT category of at least 4 MiB, e.g. {@code Java Heap=366592}. */
    static String nativeMemory(long pid) throws Exception {
        String out = run("jcmd", Long.toString(pid), "VM.native_memory", "summary");
        var m = java.util.regex.Pattern.compile("-\\s+([A-Za-z ]+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)").matcher(out);
        var t = java.util.regex.Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(out);
        StringBuilder sb = new StringBuilder(t.find() ? "Total=" + t.group(1) : "");
        while (m.find()) {
            if (Long.parseLong(m.group(2)) >= 4096) {
                sb.append(", ").append(m.group(1).trim()).append('=').append(m.group(2));
            }
        }
        return sb.toString();
    }

    /** Thread counts by name with the numbers left out, largest first (the eight largest). */
    static String threadNames(long pid) throws Exception {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        String dump = run("jcmd", Long.toString(pid), "Thread.print");
        Path file = Files.createTempFile("fednode-operator-threads-", ".txt");
        Files.writeString(file, dump);
        System.err.println("[bench] operator thread dump: " + file);
        var m = java.util.regex.Pattern.compile("(?m)^\"([^\"]*)\"").matcher(dump);
        while (m.find()) {
            counts.merge(m.group(1).replaceAll("\\d+$", "N"), 1, Integer::sum);
        }
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(8)
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }

    /** JOSDK's reconciliations-started counters from the operator's /metrics, per primary kind. */
    static String reconciles(int port) throws Exception {
        String body = java.net.http.HttpClient.newHttpClient()
                .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        var m = java.util.regex.Pattern.compile("(?m)^operator_sdk_reconciliations_started_total\\{([^}]*)\\} (\\S+)$").matcher(body);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            var c = java.util.regex.Pattern.compile("kind=\"([^\"]*)\"").matcher(m.group(1));
            sb.append(sb.isEmpty() ? "" : ", ").append(c.find() ? c.group(1) : m.group(1)).append('=')
                    .append((long) Double.parseDouble(m.group(2)));
        }
        return sb.toString();
    }

    /**
     * The API server's count of write requests (POST, PUT, PATCH, DELETE) by verb and resource,
     * from its {@code apiserver_request_total} metric; the bench's own client and binder included.
     */
    static Map<String, Long> writes(KubernetesClient admin) {
        Map<String, Long> out = new java.util.TreeMap<>();
        var line = java.util.regex.Pattern.compile("(?m)^apiserver_request_total\\{([^}]*)\\} (\\S+)$").matcher(admin.raw("/metrics"));
        while (line.find()) {
            Map<String, String> labels = new java.util.HashMap<>();
            var l = java.util.regex.Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(line.group(1));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            String verb = labels.getOrDefault("verb", "");
            if (List.of("POST", "PUT", "PATCH", "APPLY", "DELETE").contains(verb)) {
                String sub = labels.getOrDefault("subresource", "");
                out.merge(verb + " " + labels.get("resource") + (sub.isEmpty() ? "" : "/" + sub),
                        (long) Double.parseDouble(line.group(2)), Long::sum);
            }
        }
        return out;
    }

    static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> out = new java.util.TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    static long total(Map<String, Long> writes) {
        return writes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** utime + stime of a process from /proc/PID/stat, in seconds (clock ticks of 10 ms). */
    static double cpuSeconds(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }

    static String status(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return line.substring(field.length()).trim();
            }
        }
        return "?";
    }

    static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out");
            }
            Thread.sleep(20);
        }
    }
}
