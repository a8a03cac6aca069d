package io.fednode.e2e.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the product's shaded jars run as its own OS process ({@code java -jar}), the way a user
 * runs it. Every start writes stdout and stderr to a new file under the log directory, so a
 * restarted process keeps the log of its previous life.
 */
final class JarProcess implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Path jar;
    private final Map<String, String> env;
    private final Path logDir;
    private Process process;
    private Path log;
    private int starts;

    JarProcess(String name, Path jar, Map<String, String> env, Path logDir) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " does not exist: build it first (mvn -pl e2e-tests -am install)");
        }
        this.name = name;
        this.jar = jar;
        this.env = env;
        this.logDir = logDir;
    }

    /** Starts the jar with these arguments; the previous run must have been stopped. */
    void start(List<String> args) {
        if (alive()) {
            throw new IllegalStateException(name + " is already running");
        }
        starts++;
        log = logDir.resolve(name + "-" + starts + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small and single-tier: the machine is shared, and neither process is under load here.
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        command.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).directory(logDir.toFile());
        builder.environment().keySet().removeIf(JarProcess::wouldSteer);
        builder.environment().putAll(env);
        try {
            Files.createDirectories(logDir);
            Files.writeString(log, "$ " + String.join(" ", command) + "\n");
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test's own environment must not configure the product behind its back. */
    private static boolean wouldSteer(String variable) {
        return variable.startsWith("FEDNODE_")
                || variable.startsWith("KUBERNETES_")
                || variable.equals("KUBECONFIG")
                || variable.equals("POD_NAMESPACE")
                || variable.equals("JAVA_TOOL_OPTIONS");
    }

    /** Waits until the current run's log contains the text; fails at once if the process died. */
    void awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (log().contains(text)) {
                return;
            }
            if (!alive()) {
                throw new AssertionError(
                        name
                                + " exited ("
                                + process.exitValue()
                                + ") before logging '"
                                + text
                                + "'\n"
                                + tail(40));
            }
            sleep(200);
        }
        throw new AssertionError(name + " did not log '" + text + "' within " + timeout);
    }

    /** SIGTERM (the product's shutdown hooks run), then SIGKILL if it does not exit in time. */
    /** The running process's id (for a thread dump when a benchmark stalls). */
    long pid() {
        return process.pid();
    }

    void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    String name() {
        return name;
    }

    /**
     * The current (or last) run's log, as text to search: a JSON line ({@code
     * FEDNODE_LOG_FORMAT=json}) stands there as its message, so the same text is found in either
     * format (the JSON encoder writes {@code /} as {@code \/}).
     */
    String log() {
        String raw;
        try {
            raw = log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
        StringBuilder out = new StringBuilder();
        raw.lines()
                .forEach(
                        line -> {
                            JsonNode json = LogSecretScan.parse(line);
                            out.append(
                                            json != null && json.has("formattedMessage")
                                                    ? json.path("formattedMessage").asText()
                                                    : line)
                                    .append('\n');
                        });
        return out.toString();
    }

    /** The log files of every run so far, as written. */
    List<Path> logFiles() {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= starts; i++) {
            files.add(logDir.resolve(name + "-" + i + ".log"));
        }
        return files;
    }

    /** The last lines of every run's log, for a failure report. */
    String tail(int lines) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            Path file = logFiles().get(i - 1);
            out.append("----- ")
                    .append(file.toAbsolutePath())
                    .append(" (last ")
                    .append(lines)
                    .append(" lines)")
                    .append(alive() && i == starts ? ", running" : "")
                    .append(" -----\n");
            try {
                List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                all.subList(Math.max(0, all.size() - lines), all.size())
                        .forEach(l -> out.append(l).append('\n'));
            } catch (IOException e) {
                out.append("(cannot read: ").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
