package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;

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
        return new AnonymisationRun(
                        new AnonymisationRun.Settings(
                                in, out, q, new PseudonymKey(new byte[32]), Set.of(), 2, null))
                .run();
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
}
