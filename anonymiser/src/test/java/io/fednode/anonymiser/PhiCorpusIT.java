package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fednode.anonymiser.cli.AnonymiserCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus generated with pydicom, full of identifying values (names, IDs, dates, addresses,
 * institution, descriptions, comments, nested sequences with undefined-length items, private
 * attributes, file names): none of it may reach the output.
 */
class PhiCorpusIT {
    @TempDir static Path work;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path input;
    private static JsonNode manifest;
    private static Path out1;
    private static Path out2;

    @BeforeAll
    static void generateAndAnonymise() throws IOException {
        input = work.resolve("in");
        Path manifestFile = work.resolve("manifest.json");
        ExternalTools.Result gen =
                ExternalTools.pythonResource(
                        "phi-corpus.py", List.of(input.toString(), manifestFile.toString()));
        assertThat(gen.exitCode()).as(gen.stderr()).isZero();
        manifest = JSON.readTree(manifestFile.toFile());
        Files.write(work.resolve("key"), "the node's secret key, 32+ bytes long!".getBytes());
        out1 = work.resolve("out1");
        out2 = work.resolve("out2");
        assertThat(
                        cli(
                                "--threads",
                                "2",
                                "--output",
                                out1.toString(),
                                "--report",
                                work.resolve("r1.json").toString()))
                .isZero();
        assertThat(cli("--threads", "1", "--output", out2.toString())).isZero();
    }

    private static int cli(String... extra) {
        return cli(work.resolve("key"), extra);
    }

    private static int cli(Path key, String... extra) {
        List<String> args =
                new ArrayList<>(List.of("--input", input.toString(), "--key-file", key.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--quarantine")) {
            args.addAll(List.of("--quarantine", work.resolve("q-" + args.hashCode()).toString()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                AnonymiserCli.run(
                        args.toArray(String[]::new), new PrintStream(out), new PrintStream(err));
        assertThat(err.toString(StandardCharsets.UTF_8)).as("stderr").doesNotContain("fatal");
        return code;
    }

    private static Map<String, byte[]> tree(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    /**
     * The bytes to search for identifying strings: deflated data sets are inflated first, as
     * compressed bytes would hide them.
     */
    static String searchable(byte[] file) {
        String raw = new String(file, StandardCharsets.ISO_8859_1);
        if (!raw.contains("1.2.840.10008.1.2.1.99")) {
            return raw;
        }
        // Meta group length: value of (0002,0000) UL right after preamble and "DICM".
        int groupLength =
                java.nio.ByteBuffer.wrap(file, 140, 4)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getInt();
        int start = 144 + groupLength;
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        inflater.setInput(file, start, file.length - start);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buf, 0, n);
            }
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError("output does not inflate", e);
        } finally {
            inflater.end();
        }
        assertThat(out.size()).as("inflated data set").isPositive();
        return raw.substring(0, start) + out.toString(StandardCharsets.ISO_8859_1);
    }

    private static JsonNode describe(Path dir) throws IOException {
        ExternalTools.Result r =
                ExternalTools.pythonResource("describe-outputs.py", List.of(dir.toString()));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return JSON.readTree(r.stdout());
    }

    @Test
    void everyFileIsWrittenAndTheReportSaysSo() throws IOException {
        int files = manifest.get("files").size();
        assertThat(files).isEqualTo(16);
        RunReport report = RunReport.fromJson(Files.readString(work.resolve("r1.json")));
        assertThat(report.filesSeen()).isEqualTo(files);
        assertThat(report.filesWritten()).isEqualTo(files);
        assertThat(report.filesQuarantined()).isZero();
        assertThat(tree(out1)).hasSize(files);
        assertThat(Files.readString(work.resolve("r1.json")).length()).isLessThan(4096);
    }

    @Test
    void noIdentifyingStringOrOriginalUidAppearsInOutputBytesOrPaths() throws IOException {
        List<String> forbidden = new ArrayList<>();
        manifest.get("phi").forEach(n -> forbidden.add(n.asText()));
        manifest.get("uids").forEach(n -> forbidden.add(n.asText()));
        assertThat(forbidden).hasSizeGreaterThan(50);
        Map<String, byte[]> files = tree(out1);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String content = searchable(f.getValue());
            String upper = content.toUpperCase(java.util.Locale.ROOT);
            for (String s : forbidden) {
                assertThat(f.getKey()).as("output path").doesNotContain(s);
                assertThat(content).as("bytes of " + f.getKey()).doesNotContain(s);
                assertThat(upper)
                        .as("bytes of " + f.getKey())
                        .doesNotContain(s.toUpperCase(java.util.Locale.ROOT));
            }
        }
    }

    @Test
    void secondRunGivesByteIdenticalOutput() throws IOException {
        Map<String, byte[]> a = tree(out1);
        Map<String, byte[]> b = tree(out2);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        a.forEach((k, v) -> assertThat(b.get(k)).as(k).isEqualTo(v));
    }

    @Test
    void pixelDataIsIdenticalAndStudiesAndPatientsMapConsistently() throws IOException {
        JsonNode in = describe(input);
        JsonNode out = describe(out1);
        assertThat(out.size()).isEqualTo(in.size());
        Map<Integer, JsonNode> inByInstance = new HashMap<>();
        in.forEach(n -> inByInstance.put(n.get("instance").asInt(), n));
        Map<String, Set<String>> newStudiesByOld = new HashMap<>();
        Map<String, Set<String>> pseudonymsByPatient = new HashMap<>();
        for (JsonNode o : out) {
            JsonNode i = inByInstance.get(o.get("instance").asInt());
            assertThat(o.get("pixels").asText()).isEqualTo(i.get("pixels").asText());
            assertThat(o.get("privateTags").asInt()).isZero();
            assertThat(o.get("path").asText())
                    .isEqualTo(
                            Path.of(
                                            o.get("study").asText(),
                                            o.get("series").asText(),
                                            o.get("sop").asText() + ".dcm")
                                    .toString());
            assertThat(o.get("patientName").asText()).isEqualTo(o.get("patientId").asText());
            newStudiesByOld
                    .computeIfAbsent(i.get("study").asText(), k -> new HashSet<>())
                    .add(o.get("study").asText());
            pseudonymsByPatient
                    .computeIfAbsent(i.get("patientId").asText(), k -> new HashSet<>())
                    .add(o.get("patientId").asText());
            assertThat(o.get("studyDate").asText()).isEmpty(); // basic profile removes dates
        }
        assertThat(newStudiesByOld).hasSize(4);
        newStudiesByOld.values().forEach(s -> assertThat(s).hasSize(1));
        assertThat(newStudiesByOld.values().stream().flatMap(Set::stream).distinct()).hasSize(4);
        assertThat(pseudonymsByPatient).hasSize(2);
        pseudonymsByPatient.values().forEach(s -> assertThat(s).hasSize(1));
        assertThat(pseudonymsByPatient.values().stream().flatMap(Set::stream).distinct())
                .hasSize(2);
    }

    @Test
    void anotherKeyGivesOtherPseudonyms() throws IOException {
        Path otherKey = work.resolve("other-key");
        Files.write(otherKey, "another node's key, also 32+ bytes long".getBytes());
        Path out3 = work.resolve("out3");
        assertThat(cli(otherKey, "--output", out3.toString())).isZero();
        Set<String> a = new HashSet<>();
        Set<String> b = new HashSet<>();
        describe(out1)
                .forEach(
                        n -> {
                            a.add(n.get("study").asText());
                            a.add(n.get("patientId").asText());
                        });
        describe(out3)
                .forEach(
                        n -> {
                            b.add(n.get("study").asText());
                            b.add(n.get("patientId").asText());
                        });
        assertThat(a).hasSize(6).doesNotContainAnyElementsOf(b);
    }

    @Test
    void modifiedDatesShiftEveryDateOfAPatientByTheSameOffset() throws IOException {
        Path out4 = work.resolve("out4");
        assertThat(
                        cli(
                                "--output",
                                out4.toString(),
                                "--option",
                                "retain-longitudinal-modified-dates"))
                .isZero();
        Map<Integer, JsonNode> inByInstance = new HashMap<>();
        describe(input).forEach(n -> inByInstance.put(n.get("instance").asInt(), n));
        Map<String, Set<Long>> shiftsByPatient = new HashMap<>();
        for (JsonNode o : describe(out4)) {
            JsonNode i = inByInstance.get(o.get("instance").asInt());
            LocalDate before =
                    LocalDate.parse(i.get("studyDate").asText(), DateTimeFormatter.BASIC_ISO_DATE);
            LocalDate after =
                    LocalDate.parse(o.get("studyDate").asText(), DateTimeFormatter.BASIC_ISO_DATE);
            shiftsByPatient
                    .computeIfAbsent(i.get("patientId").asText(), k -> new HashSet<>())
                    .add(ChronoUnit.DAYS.between(after, before));
        }
        assertThat(shiftsByPatient).hasSize(2);
        for (Set<Long> shifts : shiftsByPatient.values()) {
            assertThat(shifts).hasSize(1);
            assertThat(shifts.iterator().next()).isBetween(1L, 3650L);
        }
        assertThat(new HashSet<>(shiftsByPatient.values())).as("per-patient offsets").hasSize(2);
    }

    @Test
    void retainOptionsKeepWhatTheyNameAndCleanDescriptorsDropsTheFilesIdentifyingWords()
            throws IOException {
        Path out5 = work.resolve("out5");
        assertThat(
                        cli(
                                "--output", out5.toString(),
                                "--option", "retain-uids",
                                "--option", "retain-institution-identity",
                                "--option", "clean-descriptors"))
                .isZero();
        Map<String, byte[]> files = tree(out5);
        assertThat(files).hasSize(16);
        // With retain-uids the path carries the original Study UID: it tells the patient.
        Map<String, Integer> patientOfStudy = new HashMap<>();
        manifest.get("files")
                .forEach(
                        f -> patientOfStudy.put(f.get("study").asText(), f.get("patient").asInt()));
        String[][] ownWords = {
            {"Smithereens", "Johanna", "PID-7731-XQ", "Wallaby"},
            {"Quagmire", "Bartholomew", "PID-5150-ZZ", "Mockingbird"}
        };
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String content = searchable(f.getValue());
            assertThat(content)
                    .contains("St Elsewhere Hospital")
                    .contains("113110")
                    .contains("113112");
            Integer patient = patientOfStudy.get(f.getKey().substring(0, f.getKey().indexOf('/')));
            assertThat(patient).as("original study UID in the path " + f.getKey()).isNotNull();
            // Cleaned descriptions that contain the file's own patient's words are dropped.
            // (Words of another patient are not known to this file: see docs, Limitations.)
            for (String word : ownWords[patient]) {
                assertThat(content).as(f.getKey()).doesNotContain(word);
            }
        }
    }
}
