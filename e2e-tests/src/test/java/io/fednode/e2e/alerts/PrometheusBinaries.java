package io.fednode.e2e.alerts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus and promtool as {@code tools/build-prometheus.sh} builds them from the Go module proxy
 * (cached outside the work tree). A missing binary is a setup error naming the command to run.
 */
public final class PrometheusBinaries {
    /** Kept in step with PROMETHEUS_VERSION in tools/build-prometheus.sh. */
    public static final String VERSION = "3.16.0";

    private PrometheusBinaries() {}

    public static Path binDir() {
        String cache = System.getenv("FEDNODE_TOOLS_CACHE");
        Path root =
                cache != null && !cache.isBlank()
                        ? Path.of(cache)
                        : Path.of(System.getProperty("user.home"), ".cache", "fednode-tools");
        return root.resolve("prometheus-" + VERSION).resolve("bin");
    }

    public static Path binary(String name) {
        Path p = binDir().resolve(name);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(
                    name
                            + " "
                            + VERSION
                            + " not found at "
                            + p
                            + ": run tools/build-prometheus.sh (or make tools)");
        }
        return p;
    }

    /** What one run of a command printed (stdout and stderr together) and its exit code. */
    public record Run(int exit, String output) {}

    /** Runs {@code promtool ARGS} in {@code dir}, at most 2 minutes. */
    public static Run promtool(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary("promtool").toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("promtool", ".out");
            Process p =
                    new ProcessBuilder(command)
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .start();
            boolean done = p.waitFor(2, TimeUnit.MINUTES);
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            if (!done) {
                p.destroyForcibly();
                throw new AssertionError("promtool " + List.of(args) + " timed out:\n" + text);
            }
            return new Run(p.exitValue(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
