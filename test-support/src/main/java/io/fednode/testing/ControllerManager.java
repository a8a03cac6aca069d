package io.fednode.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real kube-controller-manager (built from source by {@code tools/build-k8s.sh}) running chosen
 * controllers against a {@link RealApiServer}, for tests whose subject is what those controllers do
 * (the StatefulSet controller making claims, the garbage collector deleting dependents). It serves
 * nothing (no secure port) and takes no lease. {@link #close()} stops it and removes its directory.
 */
public final class ControllerManager implements AutoCloseable {
    private final Path dir;
    private final Process process;

    private ControllerManager(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /**
     * Starts the controllers named as kube-controller-manager's {@code --controllers} flag names
     * them (for example {@code statefulset-controller}, {@code garbage-collector-controller}).
     */
    public static ControllerManager start(String kubeConfigYaml, String... controllers) {
        Path binary = KubernetesBinaries.binary("kube-controller-manager");
        try {
            Path dir =
                    Files.createTempDirectory(
                            "fednode-kcm-",
                            PosixFilePermissions.asFileAttribute(
                                    PosixFilePermissions.fromString("rwx------")));
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, kubeConfigYaml);
            List<String> command = new ArrayList<>();
            command.add(binary.toString());
            command.add("--kubeconfig=" + kubeconfig);
            command.add("--controllers=" + String.join(",", controllers));
            command.add("--leader-elect=false");
            command.add("--secure-port=0");
            command.add("--concurrent-statefulset-syncs=2");
            Process p =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("kube-controller-manager.log").toFile())
                            .start();
            return new ControllerManager(dir, p);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot start kube-controller-manager: " + e.getMessage(), e);
        }
    }

    /** The controller manager's log so far (for a failing test's message). */
    public String log() {
        try {
            return Files.readString(dir.resolve("kube-controller-manager.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is not worth failing a test for
        }
    }
}
