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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retain Safe Private on files pydicom wrote (explicit and implicit VR little endian, explicit VR
 * big endian) with safe attributes of PS3.15 Table E.3.10-1 next to unsafe ones in the same block,
 * the same element bytes under another creator, a private UID holding an original UID, private
 * blocks inside a standard sequence's item and a safe private sequence. Output read back with
 * pydicom and dcmtk's dcmdump.
 */
class SafePrivateIT {
    private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    private static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    private static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    private static final String ITEM = "top/(0008,2218)[0]";
    private static final String HOLOGIC_ITEM = "top/(7E01,xx10)[0]";

    /** Safe attributes: (where, group, creator, element byte) as describe-private.py prints. */
    private static final List<String> SAFE =
            List.of(
                    "top 0019 GEMS_ACQU_01 23",
                    "top 0019 SIEMENS MR HEADER 0C",
                    "top 0019 SIEMENS MR HEADER 0E",
                    "top 0099 NQHeader 04",
                    "top 2005 Philips MR Imaging DD 001 0E",
                    "top 2005 Philips MR Imaging DD 001 0D", // stored as UN (explicit files only)
                    ITEM + " 0019 GEMS_ACQU_01 27",
                    HOLOGIC_ITEM + " 7E01 HOLOGIC, Inc. 01");

    private static final String NQ_SERIES_UID = "top 0099 NQHeader 02";

    @TempDir static Path work;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode manifest;
    private static Map<String, List<String>> input;
    private static Map<String, List<String>> retained;
    private static Map<String, List<String>> basic;
    private static List<Path> retainedFiles;
    private static List<Path> basicFiles;

    @BeforeAll
    static void generateAndAnonymise() throws IOException {
        Path in = work.resolve("in");
        Path manifestFile = work.resolve("manifest.json");
        ExternalTools.Result gen =
                ExternalTools.pythonResource(
                        "safe-private-corpus.py", List.of(in.toString(), manifestFile.toString()));
        assertThat(gen.exitCode()).as(gen.stderr()).isZero();
        manifest = JSON.readTree(manifestFile.toFile());
        Files.write(work.resolve("key"), "the node's secret key, 32+ bytes long!".getBytes());
        assertThat(cli(in, work.resolve("retained"), "--option", "retain-safe-private")).isZero();
        assertThat(cli(in, work.resolve("basic"))).isZero();
        input = describe(files(in));
        retainedFiles = files(work.resolve("retained"));
        basicFiles = files(work.resolve("basic"));
        retained = describe(retainedFiles);
        basic = describe(basicFiles);
        assertThat(input.keySet()).containsExactlyInAnyOrder(EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE);
        assertThat(retained.keySet()).isEqualTo(input.keySet());
        assertThat(basic.keySet()).isEqualTo(input.keySet());
    }

    private static int cli(Path in, Path out, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--input", in.toString(),
                                "--output", out.toString(),
                                "--quarantine", out + "-quarantine",
                                "--key-file", work.resolve("key").toString(),
                                "--threads", "1"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code =
                AnonymiserCli.run(
                        args.toArray(String[]::new),
                        new PrintStream(stdout),
                        new PrintStream(stderr));
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("written=3 quarantined=0");
        return code;
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** describe-private.py's lines per file, keyed by the file's transfer syntax. */
    private static Map<String, List<String>> describe(List<Path> files) throws IOException {
        List<String> args = files.stream().map(Path::toString).toList();
        ExternalTools.Result r = ExternalTools.pythonResource("describe-private.py", args);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Map<String, List<String>> byTs = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("FILE ")) {
                current = new ArrayList<>();
            } else if (line.startsWith("TS ")) {
                byTs.put(line.substring(3), current);
            } else if (!line.isBlank()) {
                current.add(line);
            }
        }
        return byTs;
    }

    private static List<String> kind(List<String> lines, String kind) {
        return lines.stream().filter(l -> l.startsWith(kind + " ")).toList();
    }

    private static boolean isSafe(String elementLine) {
        return SAFE.stream().anyMatch(s -> elementLine.startsWith("E " + s + " "));
    }

    private static String value(List<String> lines, String prefix) {
        List<String> found = lines.stream().filter(l -> l.startsWith(prefix + " ")).toList();
        assertThat(found).as(prefix).hasSize(1);
        return found.get(0).substring(prefix.length() + 1);
    }

    @Test
    void safeValuesAreKeptByteForByteAndNothingElsePrivateIs() {
        for (String ts : input.keySet()) {
            List<String> expected =
                    kind(input.get(ts), "E").stream().filter(SafePrivateIT::isSafe).toList();
            // Every safe attribute of the corpus is there (the UN one in explicit files only).
            assertThat(expected).as(ts).hasSize(IMPLICIT_LE.equals(ts) ? 7 : 8);
            List<String> kept =
                    kind(retained.get(ts), "E").stream()
                            .filter(l -> !l.startsWith("E " + NQ_SERIES_UID + " "))
                            .toList();
            assertThat(kept).as(ts).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void aKeptPrivateUidIsReplacedLikeTheUidItHolds() {
        for (String ts : input.keySet()) {
            List<String> out = retained.get(ts);
            String uid =
                    new String(
                                    HexFormat.of().parseHex(value(out, "E " + NQ_SERIES_UID)),
                                    StandardCharsets.ISO_8859_1)
                            .replace("\0", "");
            assertThat(uid).as(ts).startsWith("2.25.").isEqualTo(value(out, "SERIES"));
            assertThat(value(input.get(ts), "SERIES"))
                    .isEqualTo(manifest.get("uids").get(1).asText());
        }
    }

    @Test
    void onlyTheCreatorsOfBlocksThatKeepSomethingAreKept() {
        for (String ts : input.keySet()) {
            assertThat(kind(input.get(ts), "C")).as(ts).hasSize(10);
            assertThat(kind(retained.get(ts), "C"))
                    .as(ts)
                    .containsExactlyInAnyOrder(
                            "C top (0019,0010) GEMS_ACQU_01",
                            "C top (0019,0011) SIEMENS MR HEADER",
                            "C top (0099,0010) NQHeader",
                            "C top (2005,0010) Philips MR Imaging DD 001",
                            "C top (7E01,0010) HOLOGIC, Inc.",
                            "C " + ITEM + " (0019,0010) GEMS_ACQU_01",
                            "C " + HOLOGIC_ITEM + " (7E01,0010) HOLOGIC, Inc.");
        }
    }

    @Test
    void safePrivateSequencesAreKeptOnlyWhenTheirItemsCanBeProcessed() {
        assertThat(kind(retained.get(EXPLICIT_LE), "Q"))
                .containsExactly("Q top 7E01 HOLOGIC, Inc. 10", "Q top 7E01 HOLOGIC, Inc. 11");
        assertThat(kind(retained.get(EXPLICIT_BE), "Q"))
                .containsExactly("Q top 7E01 HOLOGIC, Inc. 10", "Q top 7E01 HOLOGIC, Inc. 11");
        // Implicit VR: the defined-length one is opaque UN to a reader without the private
        // dictionary, so it is removed; the undefined-length one is parsed item by item.
        assertThat(kind(input.get(IMPLICIT_LE), "Q")).hasSize(2);
        assertThat(kind(retained.get(IMPLICIT_LE), "Q"))
                .containsExactly("Q top 7E01 HOLOGIC, Inc. 10");
    }

    @Test
    void withoutTheOptionNothingPrivateRemains() {
        for (String ts : input.keySet()) {
            List<String> out = basic.get(ts);
            assertThat(out.stream().filter(l -> l.matches("[CEQ] .*")).toList()).as(ts).isEmpty();
            assertThat(kind(out, "M")).containsExactly("M 113100");
            assertThat(kind(retained.get(ts), "M")).containsExactly("M 113100", "M 113111");
        }
        for (Path f : basicFiles) {
            assertThat(latin1(f)).doesNotContain("GEMS_ACQU_01").doesNotContain("NQHeader");
        }
    }

    @Test
    void noIdentifyingStringNorOriginalUidAnywhereInTheOutput() throws IOException {
        List<Path> all = new ArrayList<>(retainedFiles);
        all.addAll(basicFiles);
        assertThat(all).hasSize(6);
        for (Path f : all) {
            String bytes = latin1(f);
            for (JsonNode s : manifest.get("phi")) {
                assertThat(bytes).as(f + " holds " + s).doesNotContain(s.asText());
            }
            for (JsonNode u : manifest.get("uids")) {
                assertThat(bytes).as(f + " holds " + u).doesNotContain(u.asText());
            }
        }
    }

    @Test
    void dcmdumpReadsTheKeptPrivateAttributes() throws IOException {
        for (Path f : retainedFiles) {
            ExternalTools.Result r = ExternalTools.dcmdump(f);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stderr()).as(f.toString()).isBlank();
            assertThat(r.stdout())
                    .contains("(0019,0010) LO [GEMS_ACQU_01]")
                    .contains("(0019,0011) LO [SIEMENS MR HEADER ]")
                    .contains("(0019,1023) DS [12.5]")
                    .contains("(0019,1027) DS [0.8 ]") // in the Anatomic Region Sequence item
                    .contains("(7e01,1010) SQ")
                    .doesNotContain("(0019,0012)")
                    .doesNotContain("(0009,")
                    .doesNotContain("(0029,")
                    .doesNotContain("(0019,1025)")
                    .doesNotContain("(0099,1005)")
                    .doesNotContain("(2005,1010)")
                    .doesNotContain("(7e01,1003)")
                    .doesNotContain("SECRET");
        }
        for (Path f : basicFiles) {
            ExternalTools.Result r = ExternalTools.dcmdump(f);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).doesNotContainPattern("(?m)^\\s*\\([0-9a-f]{3}[13579bdf],");
        }
    }

    private static String latin1(Path f) {
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
