package io.fednode.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the Kubernetes binaries built from source by {@code tools/build-k8s.sh} live. Tests never
 * download anything: a missing binary is a setup error that names the command to run.
 */
public final class KubernetesBinaries {
    /** Kubernetes version the binaries were built at; the build passes it to the tests. */
    public static final String VERSION =
            System.getProperty(
                    "fednode.kubernetes.version",
                    System.getenv().getOrDefault("FEDNODE_KUBERNETES_VERSION", "1.34.4"));

    private KubernetesBinaries() {}

    /** The cache directory holding etcd, kube-*, kubectl, kwok, kwokctl and helm. */
    public static Path binDir() {
        String override = System.getenv("FEDNODE_K8S_BIN");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return toolsCache().resolve("k8s-" + VERSION).resolve("bin");
    }

    /**
     * The tools cache the build scripts share: {@code $FEDNODE_TOOLS_CACHE}, else {@code
     * ~/.cache/fednode-tools}.
     */
    public static Path toolsCache() {
        String cache = System.getenv("FEDNODE_TOOLS_CACHE");
        return cache != null && !cache.isBlank()
                ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "fednode-tools");
    }

    /** The path of one binary, failing with the command that builds it when it is missing. */
    public static Path binary(String name) {
        Path p = binDir().resolve(name);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(
                    name
                            + " "
                            + VERSION
                            + " not found at "
                            + p
                            + ": run tools/build-k8s.sh (it builds the Kubernetes binaries from"
                            + " source and caches them)");
        }
        return p;
    }

    /**
     * The repository's top directory (the one holding {@code tools/}), found from the working dir.
     */
    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("tools/build-k8s.sh"))) {
                return d;
            }
        }
        throw new IllegalStateException("no tools/build-k8s.sh above " + dir);
    }

    /** The directory fabric8 kube-api-test reads ({@code <dir>/k8s/<version>-linux-amd64}). */
    public static Path kubeApiTestDir() {
        String dir = System.getenv("KUBE_API_TEST_DIR");
        return dir != null && !dir.isBlank()
                ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".kubeapitest");
    }
}
