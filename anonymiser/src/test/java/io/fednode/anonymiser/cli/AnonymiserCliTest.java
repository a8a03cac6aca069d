package io.fednode.anonymiser.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnonymiserCliTest {
    @TempDir Path dir;
    private Path key;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("in"));
        key = dir.resolve("key");
        Files.write(key, new byte[32]);
    }

    private int run(String... args) {
        return AnonymiserCli.run(args, new PrintStream(out), new PrintStream(err));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String[] valid(String... extra) {
        List<String> a =
                new ArrayList<>(
                        List.of(
                                "--input", dir.resolve("in").toString(),
                                "--output", dir.resolve("out").toString(),
                                "--quarantine", dir.resolve("q").toString(),
                                "--key-file", key.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void helpPrintsUsageWithEveryOptionAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--input DIR")
                .contains("retain-safe-private")
                .contains("clean-graphics");
    }

    @Test
    void missingRequiredArgumentIsAUsageErrorNamingIt() {
        assertThat(run("--output", "x", "--quarantine", "y", "--key-file", key.toString()))
                .isEqualTo(2);
        assertThat(stderr()).contains("--input is required");
    }

    @Test
    void shortKeyIsAUsageError() throws IOException {
        Files.write(key, new byte[31]);
        assertThat(run(valid())).isEqualTo(2);
        assertThat(stderr()).contains("--key-file").contains("31 bytes").contains("at least 32");
    }

    @Test
    void missingKeyFileIsAUsageError() {
        assertThat(run(valid("--key-file", dir.resolve("nope").toString()))).isEqualTo(2);
        assertThat(stderr()).contains("--key-file").contains("cannot be read");
    }

    @Test
    void unknownOptionIsAUsageErrorListingTheValidOnes() {
        assertThat(run(valid("--option", "retain-everything"))).isEqualTo(2);
        assertThat(stderr()).contains("retain-everything").contains("retain-uids");
    }

    @Test
    void unknownArgumentAndBadThreadsAreUsageErrors() {
        assertThat(run(valid("--frobnicate"))).isEqualTo(2);
        assertThat(stderr()).contains("unknown argument '--frobnicate'");
        assertThat(run(valid("--threads", "zero"))).isEqualTo(2);
        assertThat(stderr()).contains("--threads");
    }

    @Test
    void exclusiveDateOptionsAreAUsageError() {
        assertThat(
                        run(
                                valid(
                                        "--option", "retain-longitudinal-full-dates",
                                        "--option", "retain-longitudinal-modified-dates")))
                .isEqualTo(2);
        assertThat(stderr()).contains("exclude each other");
    }

    @Test
    void outputInsideInputIsRefused() {
        assertThat(run(valid("--output", dir.resolve("in/out").toString()))).isEqualTo(2);
        assertThat(stderr()).contains("must not be inside --input");
    }

    @Test
    void inputThatIsNotADirectoryIsAUsageError() {
        assertThat(run(valid("--input", key.toString()))).isEqualTo(2);
        assertThat(stderr()).contains("is not a directory");
    }

    @Test
    void emptyInputCompletesWithAZeroSummaryAndAReport() throws IOException {
        Path report = dir.resolve("report.json");
        assertThat(run(valid("--report", report.toString()))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("seen=0 written=0 quarantined=0");
        assertThat(Files.readString(report)).contains("\"filesSeen\":0").contains("2024b");
    }

    @Test
    void unwritableOutputIsAFatalError() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file, not a folder");
        Files.writeString(dir.resolve("in").resolve("a.dcm"), "not dicom");
        // The output's parent is a regular file: creating the output folder fails at run time.
        assertThat(run(valid("--output", blocker.resolve("out").toString()))).isEqualTo(1);
        assertThat(stderr()).contains("fatal");
    }

    @Test
    void maxFileSizeTakesBytesWithBinarySuffixes() throws Exception {
        assertThat(AnonymiserCli.bytes("1000")).isEqualTo(1000L);
        assertThat(AnonymiserCli.bytes("64k")).isEqualTo(65_536L);
        assertThat(AnonymiserCli.bytes("2G")).isEqualTo(2_147_483_648L);
        assertThat(AnonymiserCli.bytes("3GiB")).isEqualTo(3L * 1024 * 1024 * 1024);
        assertThat(run(valid("--max-file-size", "lots"))).isEqualTo(AnonymiserCli.USAGE);
        assertThat(stderr())
                .contains("--max-file-size must be a number of bytes")
                .contains("'lots'");
        assertThat(run(valid("--max-file-size", "0"))).isEqualTo(AnonymiserCli.USAGE);
        assertThat(run(valid("--max-file-size", "3IB"))).isEqualTo(AnonymiserCli.USAGE);
        assertThat(run(valid("--max-file-size=1M"))).isZero();
    }

    /**
     * A fatal error while reading the input (here: a folder whose path is longer than the kernel
     * accepts, named after a patient) is reported with the option and the reason only: the path
     * would carry the patient's name into the Dataset's status.
     */
    @Test
    void aFatalErrorOnTheInputNamesNoPath() throws Exception {
        Path deep = Files.createTempDirectory("fednode-deep");
        try {
            // 200 levels of a 24-character name: over PATH_MAX (4096), made with relative cd's.
            Process p =
                    new ProcessBuilder(
                                    "bash",
                                    "-c",
                                    "cd \"$1\" && mkdir in && cd in && for i in $(seq 200); do"
                                            + " mkdir Smithereens^Johanna-PID7 && cd"
                                            + " Smithereens^Johanna-PID7 || exit 1; done",
                                    "bash",
                                    deep.toString())
                            .inheritIO()
                            .start();
            assertThat(p.waitFor()).isZero();
            int code =
                    run(
                            "--input", deep.resolve("in").toString(),
                            "--output", dir.resolve("out").toString(),
                            "--quarantine", dir.resolve("q").toString(),
                            "--key-file", key.toString());
            assertThat(code).isEqualTo(AnonymiserCli.FATAL);
            assertThat(stderr().strip())
                    .startsWith("fednode-anonymiser: fatal: walking --input: File name too long")
                    .doesNotContain("Smithereens")
                    .doesNotContain("Johanna")
                    .doesNotContain(deep.toString())
                    .doesNotContain("/");
        } finally {
            // JUnit's @TempDir cannot delete paths over PATH_MAX; rm works relative to each folder.
            new ProcessBuilder("rm", "-rf", deep.toString()).inheritIO().start().waitFor();
        }
    }
}
