package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fednode.anonymiser.profile.ProfileOption;
import io.fednode.anonymiser.pseudonym.PseudonymKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file Debian's python3-pydicom ships as test data is either de-identified into output that
 * pydicom and dcmtk read, or quarantined with a reason. Each file runs on its own, because many of
 * them are the same image in different encodings (same SOP Instance UID).
 */
class PydicomTestFilesIT {
    @TempDir static Path work;

    /** Outcome per test file name (path relative to the test files folder). */
    private static final Map<String, String> outcome = new HashMap<>();

    private static final Map<String, Path> outputs = new HashMap<>();

    @BeforeAll
    static void anonymiseEachFile() throws IOException {
        Path source = ExternalTools.pydicomTestFiles();
        PseudonymKey key = new PseudonymKey("a test key that is at least 32 bytes long".getBytes());
        List<Path> files;
        try (Stream<Path> s = Files.walk(source)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(60);
        int i = 0;
        for (Path f : files) {
            Path dir = work.resolve("run" + i++);
            Path in = dir.resolve("in");
            Files.createDirectories(in);
            Files.copy(f, in.resolve("file"));
            RunReport report =
                    new AnonymisationRun(
                                    new AnonymisationRun.Settings(
                                            in,
                                            dir.resolve("out"),
                                            dir.resolve("quarantine"),
                                            key,
                                            Set.of(),
                                            1,
                                            null,
                                            AnonymisationRun.DEFAULT_MAX_FILE_SIZE))
                            .run();
            String name = source.relativize(f).toString();
            assertThat(report.filesSeen()).isEqualTo(1);
            assertThat(report.filesWritten() + report.filesQuarantined())
                    .as("seen = written + quarantined for " + name)
                    .isEqualTo(1);
            if (report.filesWritten() == 1) {
                try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
                    Path out = s.filter(Files::isRegularFile).findFirst().orElseThrow();
                    assertThat(out.getFileName().toString()).startsWith("2.25.").endsWith(".dcm");
                    outputs.put(name, out);
                }
                outcome.put(name, "written");
            } else {
                String reason = report.quarantineReasons().keySet().iterator().next();
                outcome.put(name, reason);
                try (Stream<Path> s = Files.walk(dir.resolve("quarantine").resolve(reason))) {
                    assertThat(s.filter(p -> p.toString().endsWith(".dcm")).count())
                            .as("quarantined copy of " + name)
                            .isEqualTo(1);
                }
            }
        }
    }

    @Test
    void everyEncodingTheIssueNamesIsDeidentified() {
        assertThat(outcome)
                .containsEntry("CT_small.dcm", "written")
                .containsEntry("MR_small_bigendian.dcm", "written") // explicit VR big endian
                .containsEntry("MR_small_implicit.dcm", "written") // implicit VR little endian
                .containsEntry("image_dfl.dcm", "written") // deflated
                .containsEntry("ExplVR_BigEndNoMeta.dcm", "written") // no meta header
                .containsEntry("ExplVR_LitEndNoMeta.dcm", "written")
                .containsEntry("MR_small_RLE.dcm", "written") // encapsulated RLE
                .containsEntry("JPEG-lossy.dcm", "written") // JPEG
                .containsEntry("JPEG2000.dcm", "written") // JPEG 2000
                .containsEntry("MR_small_padded.dcm", "written")
                .containsEntry("SC_rgb_small_odd.dcm", "written") // odd lengths
                .containsEntry("rtplan.dcm", "written") // nested sequences
                .containsEntry("test-SR.dcm", "written"); // deep structured content
    }

    @Test
    void brokenFilesAreQuarantinedWithTheirReason() {
        assertThat(outcome.get("MR_truncated.dcm")).isIn("truncated", "length-past-end");
        assertThat(outcome.get("rtplan_truncated.dcm")).isIn("truncated", "length-past-end");
        assertThat(outcome).containsEntry("SC_rgb_jpeg.dcm", "invalid-vr");
        assertThat(outcome).containsEntry("test1.json", "not-dicom");
        assertThat(outcome).containsEntry("README.txt", "not-dicom");
        assertThat(outcome).containsEntry("dicomdirtests/DICOMDIR", "missing-uid");
        assertThat(outcome.values()).doesNotContain("internal-error");
    }

    @Test
    void pydicomReadsEveryOutputAndPixelDataIsUnchanged() throws IOException {
        assertThat(outputs).hasSizeGreaterThan(40);
        List<Map<String, String>> pairs = new ArrayList<>();
        outputs.forEach(
                (name, out) ->
                        pairs.add(
                                Map.of(
                                        "input",
                                        ExternalTools.PYDICOM_TEST_FILES.resolve(name).toString(),
                                        "output",
                                        out.toString())));
        Path list = work.resolve("pairs.json");
        ObjectMapper json = new ObjectMapper();
        json.writeValue(list.toFile(), pairs);
        ExternalTools.Result r =
                ExternalTools.pythonResource("check-outputs.py", List.of(list.toString()));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        JsonNode results = json.readTree(r.stdout());
        assertThat(results.size()).isEqualTo(outputs.size());
        int withPixels = 0;
        for (JsonNode n : results) {
            String out = n.get("output").asText();
            assertThat(n.get("ok").asBoolean()).as(out + ": " + n.path("error").asText()).isTrue();
            assertThat(n.get("identityRemoved").asText()).as(out).isEqualTo("YES");
            assertThat(n.get("codes").get(0).asText()).as(out).isEqualTo("113100");
            assertThat(n.get("sopInstanceUID").asText())
                    .as(out)
                    .startsWith("2.25.")
                    .isEqualTo(n.get("metaSopInstanceUID").asText());
            if (n.has("pixelEqual")) {
                withPixels++;
                assertThat(n.get("pixelEqual").asBoolean()).as("pixel data of " + out).isTrue();
            }
        }
        assertThat(withPixels).isGreaterThan(30);
    }

    @Test
    void dcmtkReadsEveryOutput() throws IOException {
        for (Map.Entry<String, Path> e : outputs.entrySet()) {
            ExternalTools.Result r = ExternalTools.dcmdump(e.getValue());
            assertThat(r.exitCode()).as("dcmdump of output of " + e.getKey() + r.stderr()).isZero();
            assertThat(r.stderr()).as("dcmdump errors for " + e.getKey()).doesNotContain("E:");
            assertThat(r.stdout()).containsPattern("\\(0012,0062\\) CS \\[YES ?\\]");
        }
    }

    /** dciodvfy's "Error" lines, with UID values masked (they change by design). */
    private static Set<String> iodErrors(Path file) throws IOException {
        ExternalTools.Result r = ExternalTools.run(List.of("dciodvfy", file.toString()), null);
        return (r.stdout() + r.stderr())
                .lines()
                .filter(l -> l.startsWith("Error"))
                .map(l -> l.replaceAll("<[0-9.]+>", "<uid>"))
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void dicom3toolsFindNoNewIodErrors() throws IOException {
        // dciodvfy (dicom3tools) validates each output against its IOD: de-identification must
        // not add errors (empty values and dummies instead of removals where a Type needs them).
        List<String> checked =
                List.of(
                        "CT_small.dcm",
                        "MR_small.dcm",
                        "MR_small_bigendian.dcm",
                        "MR_small_implicit.dcm",
                        "MR_small_RLE.dcm",
                        "JPEG2000.dcm",
                        "image_dfl.dcm",
                        "ExplVR_BigEndNoMeta.dcm",
                        "liver_1frame.dcm",
                        "rtplan.dcm",
                        "rtstruct.dcm",
                        "rtdose.dcm",
                        "waveform_ecg.dcm");
        for (String name : checked) {
            assertThat(outputs).containsKey(name);
            Set<String> before = iodErrors(ExternalTools.PYDICOM_TEST_FILES.resolve(name));
            Set<String> after = new java.util.TreeSet<>(iodErrors(outputs.get(name)));
            after.removeAll(before);
            assertThat(after).as("new dciodvfy errors in the output of " + name).isEmpty();
        }
    }

    @Test
    void optionsDoNotBreakReadability() throws IOException {
        // All options together on the richest files: output must still be readable.
        PseudonymKey key = new PseudonymKey(new byte[32]);
        Path in = work.resolve("options-in");
        Files.createDirectories(in);
        for (String f :
                List.of("CT_small.dcm", "rtplan.dcm", "test-SR.dcm", "MR_small_bigendian.dcm")) {
            Files.copy(ExternalTools.PYDICOM_TEST_FILES.resolve(f), in.resolve(f));
        }
        Set<ProfileOption> all = java.util.EnumSet.allOf(ProfileOption.class);
        all.remove(ProfileOption.RETAIN_LONGITUDINAL_FULL_DATES);
        RunReport report =
                new AnonymisationRun(
                                new AnonymisationRun.Settings(
                                        in,
                                        work.resolve("options-out"),
                                        work.resolve("options-q"),
                                        key,
                                        all,
                                        2,
                                        null,
                                        AnonymisationRun.DEFAULT_MAX_FILE_SIZE))
                        .run();
        assertThat(report.filesWritten()).isEqualTo(4);
        try (Stream<Path> s = Files.walk(work.resolve("options-out"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                ExternalTools.Result r = ExternalTools.dcmdump(p);
                assertThat(r.exitCode()).isZero();
                assertThat(r.stdout()).contains("113107").contains("113105");
            }
        }
    }
}
