package io.fednode.anonymiser.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.anonymiser.CraftedFiles;
import io.fednode.anonymiser.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged terminal launcher {@code target/fednode-anonymise}, run as a process: it runs the
 * real CLI with the Dataset Job's JVM settings, makes its class-data archive on the first run and
 * uses it afterwards, and passes arguments, output and exit status through unchanged.
 */
class AnonymiserLauncherIT {
    @TempDir Path dir;

    private static String launcher() {
        String launcher =
                System.getProperty("fednode.anonymiser.launcher", "target/fednode-anonymise");
        assertThat(Path.of(launcher)).as("launcher next to the jar").isExecutable();
        return launcher;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The launcher with its archive cache in the test's folder and the given extra environment. */
    private ExternalTools.Result launch(List<String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("env", "-u", "JAVA_TOOL_OPTIONS"));
        cmd.add("FEDNODE_ANONYMISER_CACHE=" + dir.resolve("cache"));
        cmd.add("JAVA=" + java());
        cmd.addAll(env);
        cmd.add(launcher());
        cmd.addAll(List.of(args));
        return ExternalTools.run(cmd, null);
    }

    private String[] runArgs(Path in, String name, Path key) {
        return new String[] {
            "--input", in.toString(),
            "--output", dir.resolve("out " + name).toString(),
            "--quarantine", dir.resolve("quarantine " + name).toString(),
            "--key-file", key.toString(),
            "--threads", "2"
        };
    }

    private List<Path> archives() throws IOException {
        Path cache = dir.resolve("cache");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.sorted().toList();
        }
    }

    @Test
    void runsTheCliWithTheJobsSettingsAndItsOwnClassDataArchive() throws Exception {
        // Folder names with spaces: every argument must reach the CLI as one argument.
        Path in = dir.resolve("in put");
        CraftedFiles.tinyCorpus(in, 30, 10);
        Path key = dir.resolve("key file");
        Files.write(key, new byte[40]);

        ExternalTools.Result first = launch(List.of(), runArgs(in, "first", key));
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.stdout()).startsWith("seen=30 written=30 quarantined=0");
        assertThat(first.stderr()).contains("recording its class-data archive");
        List<Path> archives = archives();
        assertThat(archives).as("one archive, no temporary file").hasSize(1);
        assertThat(archives.get(0).getFileName().toString())
                .startsWith("fednode-anonymiser-")
                .endsWith(".jsa");
        assertThat(Files.size(archives.get(0))).isPositive();

        // The real CLI: the same outputs, byte for byte, as a bare java -jar of the jar.
        ExternalTools.Result bare =
                ExternalTools.run(
                        prepend(
                                List.of(java(), "-jar", AnonymiserJarIT.jar()),
                                runArgs(in, "bare", key)),
                        null);
        assertThat(bare.exitCode()).as(bare.stderr()).isZero();
        Map<String, byte[]> expected = AnonymiserJarIT.files(dir.resolve("out bare"));
        assertThat(expected).hasSize(30);
        Map<String, byte[]> launched = AnonymiserJarIT.files(dir.resolve("out first"));
        assertThat(launched.keySet()).isEqualTo(expected.keySet());
        expected.forEach((k, v) -> assertThat(launched.get(k)).as(k).isEqualTo(v));

        // The second run maps that archive (-Xshare:on: the JVM fails instead of starting
        // without it) and has the Job's flags; it makes no new archive.
        ExternalTools.Result second =
                launch(
                        List.of("JAVA_TOOL_OPTIONS=-Xshare:on -XX:+PrintCommandLineFlags"),
                        runArgs(in, "second", key));
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(second.stderr()).doesNotContain("recording");
        assertThat(second.stdout().split("\\s+"))
                .contains(
                        "-XX:SharedArchiveFile=" + archives.get(0),
                        "-XX:+RequireSharedSpaces",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-XX:MaxRAMPercentage=75.000000",
                        "-XX:+ExitOnOutOfMemoryError");
        assertThat(second.stdout()).contains("seen=30 written=30 quarantined=0");
        assertThat(archives()).isEqualTo(archives);
    }

    @Test
    void helpAndUsageErrorsPassThroughWithTheClisExitStatus() throws Exception {
        ExternalTools.Result help = launch(List.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("Usage:").contains("--key-file");

        ExternalTools.Result missing = launch(List.of(), "--input");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).contains("fednode-anonymiser: --input needs a value");

        ExternalTools.Result unknown = launch(List.of(), "--input", "x", "--no-such-option");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr())
                .contains("fednode-anonymiser: unknown argument '--no-such-option'");

        assertThat(archives()).as("no archive from runs that did no work").isEmpty();
    }

    private static List<String> prepend(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
