package io.fednode.e2e.realnode;

import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.KwokCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The helm CLI that {@code tools/build-k8s.sh} built, run against a test cluster. */
public final class Helm {
    private final Path kubeconfig;

    public Helm(KwokCluster cluster) {
        try {
            kubeconfig = cluster.workDir().resolve("helm.kubeconfig");
            Files.writeString(kubeconfig, cluster.kubeConfigYaml());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code helm ARGS}; fails with helm's output unless it exits 0. Returns stdout. */
    public String run(List<String> args) {
        Result r = exec(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("helm " + args + " failed:\n" + r.output());
        }
        return r.output();
    }

    /**
     * Runs {@code helm ARGS} that must fail (a failed upgrade); fails if helm exits 0. Returns
     * helm's output, its error message included.
     */
    public String runExpectingFailure(List<String> args) {
        Result r = exec(args);
        if (r.exitCode() == 0) {
            throw new AssertionError(
                    "helm " + args + " succeeded, expected a failure:\n" + r.output());
        }
        return r.output();
    }

    private record Result(int exitCode, String output) {}

    private Result exec(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(KubernetesBinaries.binary("helm").toString());
        command.addAll(args);
        command.addAll(List.of("--kubeconfig", kubeconfig.toString()));
        try {
            Path out = Files.createTempFile("helm", ".out");
            Process p =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .start();
            boolean done = p.waitFor(6, TimeUnit.MINUTES);
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            if (!done) {
                p.destroyForcibly();
                throw new AssertionError("helm " + args + " timed out:\n" + text);
            }
            return new Result(p.exitValue(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
