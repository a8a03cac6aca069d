package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.anonymiser.profile.ProfileOption;
import io.fednode.anonymiser.pseudonym.PseudonymKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quarantine instead of leaks, an untouched input, atomic outputs and resuming after a crash. */
class SafeIoIT {
    @TempDir Path dir;

    private static final String VARIANTS =
            String.join(
                    "\n",
                    "import sys, pydicom",
                    "src, out = sys.argv[1], sys.argv[2]",
                    "ds = pydicom.dcmread(src)",
                    "ds.BurnedInAnnotation = 'YES'",
                    "ds.save_as(out + '/burned_in.dcm')",
                    "ds = pydicom.dcmread(src)",
                    "ds.file_meta.TransferSyntaxUID = '1.2.3.4.5.6'",
                    "ds.save_as(out + '/odd_syntax.dcm', write_like_original=True)",
                    "data = open(src, 'rb').read()",
                    "open(out + '/truncated.dcm', 'wb').write(data[:1200])",
                    "open(out + '/notes.txt', 'w').write('Patient John Doe, see scan')",
                    "");

    private RunReport run(Path in, Path out, Path q) throws IOException {
        return new AnonymisationRun(settings(in, out, q, 2)).run();
    }

    private static AnonymisationRun.Settings settings(Path in, Path out, Path q, int threads) {
        return new AnonymisationRun.Settings(
                in,
                out,
                q,
                new PseudonymKey(new byte[32]),
                Set.of(),
                threads,
                null,
                AnonymisationRun.DEFAULT_MAX_FILE_SIZE);
    }

    private static Map<String, byte[]> tree(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.exists(root)) {
            return files;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    @Test
    void unsafeFilesGoToQuarantineWithTheirReasonAndTheInputIsUntouched() throws IOException {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Path ct = ExternalTools.pydicomTestFiles().resolve("CT_small.dcm");
        Files.copy(ct, in.resolve("good.dcm"));
        ExternalTools.Result r =
                ExternalTools.python(VARIANTS, List.of(ct.toString(), in.toString()));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Map<String, byte[]> before = tree(in);
        assertThat(before).hasSize(5);

        RunReport report = run(in, dir.resolve("out"), dir.resolve("q"));

        assertThat(tree(in)).as("input after the run").containsExactlyEntriesOf(before);
        assertThat(report.filesSeen()).isEqualTo(5);
        assertThat(report.filesWritten()).isEqualTo(1);
        assertThat(report.quarantineReasons())
                .containsEntry("burned-in-annotation", 1L)
                .containsEntry("unsupported-transfer-syntax", 1L)
                .containsEntry("not-dicom", 1L)
                .containsKey(
                        report.quarantineReasons().containsKey("truncated")
                                ? "truncated"
                                : "length-past-end");
        // Every quarantined file is a byte-identical copy, with a note naming reason and input.
        Map<String, byte[]> q = tree(dir.resolve("q"));
        int copies = 0;
        for (Map.Entry<String, byte[]> e : q.entrySet()) {
            if (!e.getKey().endsWith(".txt")) {
                continue;
            }
            String note = new String(e.getValue(), StandardCharsets.UTF_8);
            String input = note.replaceAll("(?s).*input: ([^\\n]+)\\n.*", "$1");
            String copy = e.getKey().replace(".txt", ".dcm");
            assertThat(q.get(copy)).as(copy).isEqualTo(before.get(input));
            assertThat(e.getKey()).startsWith(note.replaceAll("(?s)^reason: ([^\\n]+)\\n.*", "$1"));
            copies++;
        }
        assertThat(copies).isEqualTo(4);
        assertThat(tree(dir.resolve("out")).keySet())
                .hasSize(1)
                .allMatch(k -> k.startsWith("2.25."));
    }

    @Test
    void rerunAfterACrashCompletesWithoutDuplicatesOrLeftovers() throws IOException {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        for (String f : List.of("CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "rtstruct.dcm")) {
            Files.copy(ExternalTools.pydicomTestFiles().resolve(f), in.resolve(f));
        }
        Path out = dir.resolve("out");
        run(in, out, dir.resolve("q"));
        Map<String, byte[]> complete = tree(out);
        assertThat(complete).hasSize(4);

        // A crash mid-run: some outputs never renamed into place, a half-written temp file left.
        String[] names = complete.keySet().toArray(String[]::new);
        Files.delete(out.resolve(names[0]));
        Path half = out.resolve(names[1]);
        Files.move(half, half.resolveSibling("." + half.getFileName() + ".tmp"));
        Files.write(half.resolveSibling("." + half.getFileName() + ".tmp"), new byte[100]);

        RunReport again = run(in, out, dir.resolve("q"));
        assertThat(again.filesWritten()).isEqualTo(4);
        Map<String, byte[]> after = tree(out);
        assertThat(after.keySet()).isEqualTo(complete.keySet());
        complete.forEach((k, v) -> assertThat(after.get(k)).as(k).isEqualTo(v));
    }

    private static RunReport run(
            Path in, Path out, Path q, Set<ProfileOption> options, long maxFileSize)
            throws IOException {
        return new AnonymisationRun(
                        new AnonymisationRun.Settings(
                                in,
                                out,
                                q,
                                new PseudonymKey(new byte[32]),
                                options,
                                2,
                                null,
                                maxFileSize))
                .run();
    }

    private static Set<String> everyFileUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !Files.isDirectory(p))
                    .map(p -> root.relativize(p).toString())
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        }
    }

    /**
     * With retain-uids the UIDs name the output's folders and file. Hostile UIDs (an absolute path,
     * ../, over 64 characters, non-digits) quarantine their file; nothing is written outside
     * --output, and the run goes on with the good file.
     */
    @Test
    void hostileUidsWithRetainUidsAreQuarantinedAndTheRunGoesOn() throws IOException {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        byte[] ct = CraftedFiles.ctSmall();
        Files.write(in.resolve("good.dcm"), ct);
        Path outside = dir.resolve("outside");
        List<String> hostile = CraftedFiles.hostileUids(outside);
        int n = 0;
        for (String uid : hostile) {
            for (int tag :
                    new int[] {
                        CraftedFiles.STUDY_INSTANCE_UID,
                        CraftedFiles.SERIES_INSTANCE_UID,
                        CraftedFiles.SOP_INSTANCE_UID
                    }) {
                Files.write(
                        in.resolve("hostile" + n++ + ".dcm"), CraftedFiles.withUid(ct, tag, uid));
            }
        }
        Path out = dir.resolve("work/out");

        RunReport report =
                run(
                        in,
                        out,
                        dir.resolve("q"),
                        Set.of(ProfileOption.RETAIN_UIDS),
                        AnonymisationRun.DEFAULT_MAX_FILE_SIZE);

        assertThat(report.filesSeen()).isEqualTo(n + 1);
        assertThat(report.filesWritten()).isEqualTo(1);
        assertThat(report.quarantineReasons()).containsExactly(Map.entry("invalid-uid", (long) n));
        assertThat(outside).doesNotExist();
        assertThat(dir.resolve("escaped")).doesNotExist();
        assertThat(everyFileUnder(dir.resolve("work")))
                .containsExactly(
                        "out/1.3.6.1.4.1.5962.1.2.1.20040119072730.12322/"
                                + "1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322/"
                                + "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322.dcm");
        assertThat(everyFileUnder(dir.resolve("q"))).hasSize(2 * n);
    }

    /**
     * A file replaced after the walk — by a symbolic link, or its folder by a link to another
     * folder — is refused: the file the link points to is neither read, written nor copied.
     */
    @Test
    void linksSwappedInAfterTheWalkAreNotFollowed() throws IOException {
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("a"));
        Files.createDirectories(in.resolve("b"));
        Path files = ExternalTools.pydicomTestFiles();
        Files.copy(files.resolve("CT_small.dcm"), in.resolve("a/one.dcm"));
        Files.copy(files.resolve("CT_small.dcm"), in.resolve("b/two.dcm"));
        Path secret = dir.resolve("secret");
        Files.createDirectories(secret);
        Files.copy(files.resolve("MR_small.dcm"), secret.resolve("two.dcm"));
        Path secretFile = dir.resolve("secret.dcm");
        Files.copy(files.resolve("rtplan.dcm"), secretFile);
        Path out = dir.resolve("out");
        Path q = dir.resolve("q");

        RunReport report =
                new AnonymisationRun(
                                settings(in, out, q, 1),
                                file -> {
                                    try {
                                        if (file.endsWith("a/one.dcm")) {
                                            Files.delete(file);
                                            Files.createSymbolicLink(file, secretFile);
                                        } else if (file.endsWith("b/two.dcm")) {
                                            Path b = file.getParent();
                                            Files.move(b, dir.resolve("b-moved"));
                                            Files.createSymbolicLink(b, secret);
                                        }
                                    } catch (IOException e) {
                                        throw new java.io.UncheckedIOException(e);
                                    }
                                })
                        .run();

        assertThat(report.filesSeen()).isEqualTo(2);
        assertThat(report.filesWritten()).as("outputs").isZero();
        assertThat(report.quarantineReasons()).containsExactly(Map.entry("not-a-regular-file", 2L));
        assertThat(tree(out)).isEmpty();
        // Notes only: no copy of what the links point to.
        assertThat(tree(q).keySet()).hasSize(2).allMatch(k -> k.endsWith(".txt"));
    }

    /** Files over --max-file-size get a note, and neither an output nor a copy. */
    @Test
    void filesOverTheSizeLimitAreRefusedUnread() throws IOException {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Path files = ExternalTools.pydicomTestFiles();
        Files.copy(files.resolve("CT_small.dcm"), in.resolve("big.dcm")); // 39206 bytes
        Files.copy(files.resolve("MR_small.dcm"), in.resolve("small.dcm")); // 9830 bytes
        Path q = dir.resolve("q");

        RunReport report = run(in, dir.resolve("out"), q, Set.of(), 20_000);

        assertThat(report.filesWritten()).isEqualTo(1);
        assertThat(report.quarantineReasons()).containsExactly(Map.entry("file-too-large", 1L));
        Map<String, byte[]> notes = tree(q);
        assertThat(notes).hasSize(1);
        String note = new String(notes.values().iterator().next(), StandardCharsets.UTF_8);
        assertThat(note)
                .contains("reason: file-too-large")
                .contains("39206 bytes, over --max-file-size 20000")
                .contains("input: big.dcm");
    }

    /** The default limit (2 GiB) applies without the option: a sparse 2 GiB + 1 file is refused. */
    @Test
    void theDefaultSizeLimitRefusesAFileOverTwoGibibytes() throws IOException {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        try (java.io.RandomAccessFile f =
                new java.io.RandomAccessFile(in.resolve("huge.dcm").toFile(), "rw")) {
            f.setLength((2L << 30) + 1); // sparse: no disk used
        }
        RunReport report = run(in, dir.resolve("out"), dir.resolve("q"));
        assertThat(report.quarantineReasons()).containsExactly(Map.entry("file-too-large", 1L));
        assertThat(tree(dir.resolve("q")).keySet()).allMatch(k -> k.endsWith(".txt"));
    }

    /**
     * Two inputs with one SOP Instance UID: one written, one quarantined, in every run; a second
     * run replaces the first run's output instead of taking it for a duplicate.
     */
    @Test
    void duplicatesAreFoundWithoutAPerFileSetAndARerunIsNoDuplicate() throws IOException {
        Path in = dir.resolve("in");
        Files.createDirectories(in.resolve("x"));
        Path ct = ExternalTools.pydicomTestFiles().resolve("CT_small.dcm");
        Files.copy(ct, in.resolve("one.dcm"));
        Files.copy(ct, in.resolve("x/copy.dcm"));
        Files.copy(ExternalTools.pydicomTestFiles().resolve("MR_small.dcm"), in.resolve("mr.dcm"));
        Path out = dir.resolve("out");
        for (int round = 0; round < 2; round++) {
            RunReport report = run(in, out, dir.resolve("q" + round));
            assertThat(report.filesWritten()).as("round " + round).isEqualTo(2);
            assertThat(report.quarantineReasons())
                    .as("round " + round)
                    .containsExactly(Map.entry("duplicate-sop-instance-uid", 1L));
            assertThat(tree(out)).hasSize(2);
        }
    }

    /**
     * A fatal error's message names the option and the reason, never the input file's path (which
     * holds a patient's name here).
     */
    @Test
    void aFatalErrorNamesNoInputPath() throws IOException {
        Path in = dir.resolve("in");
        Path patient = in.resolve("Smithereens^Johanna PID-7731");
        Files.createDirectories(patient);
        Files.copy(
                ExternalTools.pydicomTestFiles().resolve("CT_small.dcm"),
                patient.resolve("Johanna-head.dcm"));
        AnonymisationRun run =
                new AnonymisationRun(
                        settings(in, dir.resolve("out"), dir.resolve("q"), 1),
                        file -> {
                            try {
                                Files.delete(file); // gone between the walk and the open
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
        try {
            run.run();
            throw new AssertionError("the run should fail");
        } catch (RunFailure e) {
            assertThat(e.getMessage())
                    .isEqualTo(
                            "reading a file under --input: a file or folder disappeared"
                                    + " (1 files seen, 0 written, 0 quarantined)")
                    .doesNotContain("Johanna")
                    .doesNotContain(dir.toString());
        }
    }
}
