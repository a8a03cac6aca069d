package io.fednode.e2e.realnode;

import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.ReleaseHistory;
import com.marcnuri.helm.UpgradeCommand;
import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.KwokCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Helm against a test cluster, the way a site's automation drives it: install, upgrade, uninstall
 * and history with helm-java (Helm as a library, in this JVM), and the helm CLI that {@code
 * tools/build-k8s.sh} built for what helm-java 0.0.21 has no command for ({@code rollback}, {@code
 * get manifest}).
 */
public final class Helm {
    private final Path kubeconfig;

    /** How long helm-java waits for a release's resources to be ready (its --wait). */
    public static final int WAIT_SECONDS = 300;

    public Helm(KwokCluster cluster) {
        try {
            kubeconfig = cluster.workDir().resolve("helm.kubeconfig");
            Files.writeString(kubeconfig, cluster.kubeConfigYaml());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * helm-java's {@code install NAME CHART --namespace NS --set K=V... --wait --timeout 5m}, the
     * values in {@code values} set in order. Unlike the CLI's {@code --set}, helm-java joins the
     * values with commas before Helm parses them, so a list is set by index ({@code
     * watchNamespaces[0]=hospital-a}), never as {@code {a,b}}, and no value may hold a comma.
     */
    public Release install(String name, Path chart, String namespace, Map<String, String> values) {
        InstallCommand install =
                new com.marcnuri.helm.Helm(chart)
                        .install()
                        .withName(name)
                        .withNamespace(namespace)
                        .withKubeConfig(kubeconfig)
                        .waitReady()
                        .withTimeout(WAIT_SECONDS);
        values.forEach(install::set);
        return install.call();
    }

    /**
     * helm-java's {@code upgrade NAME CHART --namespace NS --set K=V...}, with the options {@code
     * options} adds (reuse values, wait and timeout…).
     */
    public Release upgrade(
            String name,
            Path chart,
            String namespace,
            Map<String, String> values,
            UnaryOperator<UpgradeCommand> options) {
        UpgradeCommand upgrade =
                new com.marcnuri.helm.Helm(chart)
                        .upgrade()
                        .withName(name)
                        .withNamespace(namespace)
                        .withKubeConfig(kubeconfig);
        values.forEach(upgrade::set);
        return options.apply(upgrade).call();
    }

    /** An upgrade that must fail; returns Helm's error message. */
    public String upgradeExpectingFailure(
            String name,
            Path chart,
            String namespace,
            Map<String, String> values,
            UnaryOperator<UpgradeCommand> options) {
        try {
            Release r = upgrade(name, chart, namespace, values, options);
            throw new AssertionError(
                    "helm upgrade "
                            + name
                            + " succeeded (revision "
                            + r.getRevision()
                            + "), expected a failure");
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    /** helm-java's {@code uninstall NAME --namespace NS}; returns Helm's message. */
    public String uninstall(String name, String namespace) {
        return com.marcnuri.helm.Helm.uninstall(name)
                .withNamespace(namespace)
                .withKubeConfig(kubeconfig)
                .call();
    }

    /** helm-java's {@code history NAME --namespace NS}, oldest revision first. */
    public List<ReleaseHistory> history(String name, String namespace) {
        List<ReleaseHistory> rows =
                new ArrayList<>(
                        com.marcnuri.helm.Helm.history(name)
                                .withNamespace(namespace)
                                .withKubeConfig(kubeconfig)
                                .call());
        rows.sort(java.util.Comparator.comparingInt(ReleaseHistory::getRevision));
        return rows;
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
