package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The independent tools tests check fednode against: Debian's python3-pydicom (its test files and
 * its reader) and dcmtk's dcmdump. CI installs them with tools/install-test-deps.sh; when they are
 * missing the tests fail rather than skip.
 */
public final class ExternalTools {
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    public static final Path PYDICOM_TEST_FILES =
            Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    private ExternalTools() {}

    /** Output of a finished process. */
    public record Result(int exitCode, String stdout, String stderr) {}

    public static Path pydicomTestFiles() {
        assertThat(PYDICOM_TEST_FILES.resolve("CT_small.dcm"))
                .as("Debian python3-pydicom test files (run tools/install-test-deps.sh)")
                .isRegularFile();
        return PYDICOM_TEST_FILES;
    }

    public static Result run(List<String> command, Path workDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Path out = Files.createTempFile("fednode-tool", ".out");
        Path err = Files.createTempFile("fednode-tool", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        Result r =
                new Result(
                        p.exitValue(),
                        Files.readString(out, StandardCharsets.ISO_8859_1),
                        Files.readString(err, StandardCharsets.ISO_8859_1));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** Runs a Python script (text) with Debian's python3, which sees python3-pydicom. */
    public static Result python(String script, List<String> args) throws IOException {
        assertThat(PYTHON).as("Debian python3").isExecutable();
        Path file = Files.createTempFile("fednode-test", ".py");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), file.toString()));
        cmd.addAll(args);
        try {
            return run(cmd, null);
        } finally {
            Files.delete(file);
        }
    }

    /** Runs a Python script from the test resources. */
    public static Result pythonResource(String name, List<String> args) throws IOException {
        try (var in = ExternalTools.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            return python(new String(in.readAllBytes(), StandardCharsets.UTF_8), args);
        }
    }

    public static Result dcmdump(Path file) throws IOException {
        return run(List.of("dcmdump", "-q", "-dc", file.toString()), null);
    }
}
