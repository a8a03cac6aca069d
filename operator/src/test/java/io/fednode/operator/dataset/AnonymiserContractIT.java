package io.fednode.operator.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fednode.api.v1alpha1.AnonymisationOption;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's Job and the real anonymiser cannot drift apart: the container's command, arguments
 * and environment, exactly as {@link AnonymisationJob} builds them, run the real anonymiser jar,
 * with every volume mount of the Job mapped to a temporary folder (a subPath mount to that folder
 * inside the volume's folder) holding real DICOM files (Debian's python3-pydicom test files). The
 * report is read the way the operator reads a termination message.
 */
class AnonymiserContractIT {
    static final Path PYDICOM_FILES =
            Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    /** The kubelet keeps at most this many bytes of a termination message. */
    static final int TERMINATION_MESSAGE_LIMIT = 4096;

    @TempDir Path tmp;

    private final FederationNode node = Fixtures.node("hospital", "hospital-a", NodeRole.DATA);
    private final Dataset dataset =
            Fixtures.dataset("hospital", "lung-ct", "hospital-a", "imports/2026-11/lung-ct");
    private Path anonymiserJar;

    @BeforeEach
    void prerequisites() {
        assertThat(PYDICOM_FILES)
                .as("real DICOM test files (apt-get install python3-pydicom)")
                .isDirectory();
        String jar = System.getProperty("fednode.anonymiser.jar");
        assertThat(jar).as("system property fednode.anonymiser.jar (set by the pom)").isNotBlank();
        anonymiserJar = Path.of(jar).toAbsolutePath().normalize();
        assertThat(anonymiserJar)
                .as("the anonymiser jar (mvn -pl anonymiser package)")
                .isRegularFile();
    }

    /** A container path mapped to a host path; longest container paths are matched first. */
    private final Map<String, Path> mapping = new LinkedHashMap<>();

    @Test
    void jobsCommandLineAnonymisesRealFilesAndTheOperatorReadsTheReport() throws Exception {
        dataset.getSpec()
                .setOptions(
                        List.of(
                                AnonymisationOption.CLEAN_DESCRIPTORS,
                                AnonymisationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES));
        Job job = AnonymisationJob.desired(dataset, node, 7, "unused:image");
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        mapVolumes(job, c);
        Path raw = hostPathOf(c, AnonymisationJob.RAW_MOUNT);
        int inputs = copyTestFiles(raw);
        Files.writeString(raw.resolve("notes.txt"), "not a DICOM file\n");
        inputs++;
        Map<String, String> rawBefore = hashes(raw);
        writeKey(c, 32);

        Result run = run(c);

        assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderr()).isZero();
        String message = run.terminationMessage();
        assertThat(message.getBytes(StandardCharsets.UTF_8).length)
                .as("the report fits a termination message")
                .isLessThanOrEqualTo(TERMINATION_MESSAGE_LIMIT);

        JobOutcome outcome = JobOutcome.of(completed(job), List.of(terminated(0, message)));
        assertThat(outcome).isInstanceOf(JobOutcome.Succeeded.class);
        JobOutcome.Succeeded ok = (JobOutcome.Succeeded) outcome;
        assertThat(ok.report()).as("report problem: %s", ok.reportProblem()).isPresent();
        AnonymiserReport report = ok.report().get();

        Path output = hostPathOf(c, AnonymisationJob.OUTPUT_MOUNT);
        Path quarantine = hostPathOf(c, AnonymisationJob.QUARANTINE_MOUNT);
        assertThat(report.filesSeen()).isEqualTo(inputs);
        assertThat(report.filesSeen()).isEqualTo(report.filesWritten() + report.filesQuarantined());
        assertThat(report.filesWritten())
                .as("most pydicom test files are de-identified")
                .isPositive();
        assertThat(report.filesQuarantined()).as("the text file at least").isPositive();
        assertThat(regularFiles(output, ".dcm")).hasSize((int) report.filesWritten());
        assertThat(regularFiles(quarantine, ".dcm")).hasSize((int) report.filesQuarantined());
        assertThat(report.quarantineReasons().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(report.filesQuarantined());
        assertThat(report.bytesOut())
                .isEqualTo(
                        regularFiles(output, ".dcm").stream()
                                .mapToLong(AnonymiserContractIT::size)
                                .sum());

        assertThat(output)
                .as("output is the revision's folder of the anonymised volume")
                .isEqualTo(tmp.resolve("volumes/anonymised/lung-ct/r7"));
        assertThat(quarantine).startsWith(tmp.resolve("volumes/scratch"));
        assertThat(hashes(raw)).as("the raw files are untouched").isEqualTo(rawBefore);

        // And the status a user sees from it.
        var status =
                DatasetConditionsBuilder.forRevision(
                        dataset,
                        7,
                        "d",
                        job.getMetadata().getName(),
                        outcome,
                        java.time.Instant.now());
        assertThat(status.getFiles().getWritten()).isEqualTo(report.filesWritten());
        assertThat(status.getFiles().getQuarantined()).isEqualTo(report.filesQuarantined());
        assertThat(status.getQuarantineReasons())
                .isEqualTo(new TreeMap<>(report.quarantineReasons()));
    }

    @Test
    void usageErrorsExitWithTheCodeTheJobDoesNotRetryAndExplainThemselves() throws Exception {
        Job job = AnonymisationJob.desired(dataset, node, 1, "unused:image");
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        mapVolumes(job, c);
        copyTestFiles(hostPathOf(c, AnonymisationJob.RAW_MOUNT));
        writeKey(c, 8); // too short to be a key

        Result run = run(c);

        assertThat(run.exitCode()).isEqualTo(AnonymisationJob.USAGE_ERROR_EXIT);
        // No report: the kubelet falls back to the log tail, which names the problem.
        Pod failedPod = terminated(run.exitCode(), run.stderr());
        JobOutcome outcome = JobOutcome.of(failed(job), List.of(failedPod));
        assertThat(outcome).isInstanceOf(JobOutcome.Failed.class);
        assertThat(((JobOutcome.Failed) outcome).reason()).isEqualTo("AnonymiserUsageError");
        assertThat(((JobOutcome.Failed) outcome).message()).contains("--key-file");
    }

    // --- the fake kubelet: volumes to folders, then exec exactly what the container says ---

    private void mapVolumes(Job job, Container c) throws IOException {
        Path volumes = tmp.resolve("volumes");
        for (VolumeMount m : c.getVolumeMounts()) {
            var volume =
                    job.getSpec().getTemplate().getSpec().getVolumes().stream()
                            .filter(v -> v.getName().equals(m.getName()))
                            .findFirst()
                            .orElseThrow();
            Path root = volumes.resolve(m.getName());
            Path host = m.getSubPath() == null ? root : root.resolve(m.getSubPath());
            Files.createDirectories(host); // the kubelet creates missing subPath folders
            assertThat(host.normalize()).startsWith(root);
            mapping.put(m.getMountPath(), host);
            if (volume.getSecret() != null) {
                assertThat(m.getReadOnly()).isTrue();
            }
        }
        mapping.put(AnonymisationJob.ANONYMISER_JAR, anonymiserJar);
        // Outside the image there is no class-data archive: the JVM must start without it.
        mapping.put(AnonymisationJob.CDS_ARCHIVE, tmp.resolve("no-class-data-archive.jsa"));
        mapping.put(c.getTerminationMessagePath(), tmp.resolve("termination-log"));
        Files.createFile(tmp.resolve("termination-log")); // the kubelet provides the file
    }

    private Path hostPathOf(Container c, String mountPath) {
        return mapping.get(mountPath);
    }

    private void writeKey(Container c, int bytes) throws IOException {
        byte[] key = new byte[bytes];
        new SecureRandom().nextBytes(key);
        Files.write(hostPathOf(c, AnonymisationJob.KEY_MOUNT).resolve("key"), key);
    }

    record Result(int exitCode, String stderr, String terminationMessage) {}

    private Result run(Container c) throws Exception {
        List<String> command = new ArrayList<>();
        for (String part : c.getCommand()) {
            command.add(part.equals("java") ? javaBinary() : translate(part));
        }
        for (String arg : c.getArgs()) {
            command.add(translate(arg));
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        for (EnvVar e : c.getEnv()) {
            assertThat(e.getValueFrom()).as("env %s needs no cluster lookup", e.getName()).isNull();
            pb.environment().put(e.getName(), translate(e.getValue()));
        }
        Path stderr = tmp.resolve("stderr.log");
        pb.redirectError(stderr.toFile()).redirectOutput(tmp.resolve("stdout.log").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("the anonymiser finishes").isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(stderr),
                Files.readString(tmp.resolve("termination-log")));
    }

    /**
     * Replaces container paths (as whole tokens or path prefixes) by their host folders; an
     * absolute path left unmapped fails the test, so a new path in the Job needs a mount here.
     */
    private String translate(String value) {
        List<String> paths = new ArrayList<>(mapping.keySet());
        paths.sort((a, b) -> b.length() - a.length());
        // One pass, so a host path that was just put in is never translated again.
        Pattern token =
                Pattern.compile(
                        "(^|[\\s=])("
                                + String.join("|", paths.stream().map(Pattern::quote).toList())
                                + ")(?=$|[\\s/])");
        String out =
                token.matcher(value)
                        .replaceAll(
                                m ->
                                        Matcher.quoteReplacement(
                                                m.group(1) + mapping.get(m.group(2)).toString()));
        for (String word : out.split("[\\s=]")) {
            if (word.startsWith("/") && !word.equals(anonymiserJar.toString())) {
                assertThat(word)
                        .as("container path %s in '%s' has no mount", word, value)
                        .startsWith(tmp.toString());
            }
        }
        return out;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int copyTestFiles(Path target) throws IOException {
        int n = 0;
        try (Stream<Path> files = Files.list(PYDICOM_FILES)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
                n++;
            }
        }
        assertThat(n).as("pydicom test files").isGreaterThan(20);
        return n;
    }

    private static List<Path> regularFiles(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(suffix))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .toList();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> h = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                h.put(
                        dir.relativize(p).toString(),
                        HexFormat.of()
                                .formatHex(
                                        MessageDigest.getInstance("SHA-256")
                                                .digest(Files.readAllBytes(p))));
            }
        }
        return h;
    }

    private static Job completed(Job job) {
        return new JobBuilder(job)
                .withNewStatus()
                .addNewCondition()
                .withType("Complete")
                .withStatus("True")
                .endCondition()
                .withSucceeded(1)
                .endStatus()
                .build();
    }

    private static Job failed(Job job) {
        return new JobBuilder(job)
                .withNewStatus()
                .addNewCondition()
                .withType("Failed")
                .withStatus("True")
                .withReason("PodFailurePolicy")
                .endCondition()
                .withFailed(1)
                .endStatus()
                .build();
    }

    /** What the kubelet reports: the message truncated as a termination message is. */
    private static Pod terminated(int exitCode, String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        String kept =
                bytes.length <= TERMINATION_MESSAGE_LIMIT
                        ? message
                        : new String(
                                bytes,
                                bytes.length - TERMINATION_MESSAGE_LIMIT,
                                TERMINATION_MESSAGE_LIMIT,
                                StandardCharsets.UTF_8);
        return new PodBuilder()
                .withNewStatus()
                .addNewContainerStatus()
                .withName(AnonymisationJob.CONTAINER)
                .withNewState()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withMessage(kept)
                .withFinishedAt("2026-11-26T10:00:00Z")
                .endTerminated()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
    }
}
