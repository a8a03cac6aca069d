package io.fednode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command line (a real tool: helm, kubectl, a script) and keeps what it printed. */
public final class Commands {
    private Commands() {}

    /** What one run printed (stdout and stderr together) and its exit code. */
    public record Run(int exit, String output) {}

    /**
     * Runs {@code command}, waits at most {@code timeout} (then kills it and fails with its output
     * so far) and returns its exit code and output.
     */
    public static Run run(Duration timeout, List<String> command) {
        try {
            Path out = Files.createTempFile("command", ".out");
            try {
                Process p =
                        new ProcessBuilder(command)
                                .redirectErrorStream(true)
                                .redirectOutput(out.toFile())
                                .start();
                boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!done) {
                    p.destroyForcibly().waitFor();
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                if (!done) {
                    throw new AssertionError(
                            command + " timed out after " + timeout + ":\n" + text);
                }
                return new Run(p.exitValue(), text);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
