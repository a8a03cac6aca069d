package io.fednode.e2e.realnode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fednode.testing.KubernetesBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Synthetic DICOM files full of planted identifying values, written by pydicom (Debian's
 * python3-pydicom, independent of fednode's writer) with the anonymiser tests' generator {@code
 * phi-corpus.py}: 16 files of 2 patients in four transfer syntaxes, PHI in names, IDs, dates,
 * addresses, descriptions, sequences, private attributes and the file names. And the independent
 * checks of what the anonymiser wrote: the raw bytes and dcmtk's {@code dcmdump} of every output
 * file must hold none of the planted values or original UIDs, and pydicom must read it strictly.
 */
public final class PhiCorpus {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path DCMDUMP = Path.of("/usr/bin/dcmdump");
    static final Path GENERATOR =
            Path.of("anonymiser/src/test/resources/io/fednode/anonymiser/phi-corpus.py");

    private final List<String> phi;
    private final List<String> uids;
    private final List<Path> files;

    private PhiCorpus(List<String> phi, List<String> uids, List<Path> files) {
        this.phi = phi;
        this.uids = uids;
        this.files = files;
    }

    /** Writes the corpus into {@code folder} (created) and reads back its manifest. */
    public static PhiCorpus write(Path folder) {
        try {
            Files.createDirectories(folder);
            Path manifest = Files.createTempFile("phi-corpus", ".json");
            run(
                    List.of(
                            PYTHON.toString(),
                            KubernetesBinaries.repoRoot().resolve(GENERATOR).toString(),
                            folder.toString(),
                            manifest.toString()));
            JsonNode m = new ObjectMapper().readTree(manifest.toFile());
            Files.delete(manifest);
            List<String> phi = new ArrayList<>();
            m.path("phi").forEach(n -> phi.add(n.asText()));
            List<String> uids = new ArrayList<>();
            m.path("uids").forEach(n -> uids.add(n.asText()));
            List<Path> files = new ArrayList<>();
            m.path("files").forEach(n -> files.add(Path.of(n.path("path").asText())));
            return new PhiCorpus(phi, uids, files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Path> files() {
        return files;
    }

    /** The PHI values planted in the files (names, IDs, addresses, dates...). */
    public List<String> phi() {
        return phi;
    }

    /** Bytes of the input files. */
    public long bytes() {
        return files.stream().mapToLong(PhiCorpus::size).sum();
    }

    /**
     * Checks every regular file under {@code output}: no planted value or original UID in its path,
     * its bytes or its dcmdump; pydicom reads it without {@code force} and finds Patient Identity
     * Removed = YES. Returns the files checked.
     */
    public List<Path> assertAnonymised(Path output) {
        List<Path> outputs = regularFiles(output);
        for (Path f : outputs) {
            String relative = output.relativize(f).toString();
            String bytes = readLatin1(f);
            String dump = run(List.of(DCMDUMP.toString(), "+U8", f.toString()));
            for (String value : phi) {
                assertThat(relative).as("output path").doesNotContain(value);
                assertThat(bytes).as("bytes of %s", relative).doesNotContain(value);
                assertThat(dump).as("dcmdump of %s", relative).doesNotContain(value);
            }
            for (String uid : uids) {
                assertThat(dump).as("dcmdump of %s", relative).doesNotContain("[" + uid + "]");
            }
        }
        String pydicom =
                run(
                        List.of(
                                PYTHON.toString(),
                                "-c",
                                "import sys, pydicom\n"
                                        + "for p in sys.argv[1:]:\n"
                                        + "    d = pydicom.dcmread(p)\n"
                                        + "    [e.value for e in d.iterall()]\n"
                                        + "    print(d.PatientIdentityRemoved)\n"),
                        outputs.stream().map(Path::toString).toList());
        assertThat(pydicom.lines().toList())
                .as("Patient Identity Removed of every output, read by pydicom")
                .hasSize(outputs.size())
                .containsOnly("YES");
        return outputs;
    }

    /** Regular files under a folder, sorted. */
    public static List<Path> regularFiles(Path folder) {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readLatin1(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(List<String> command) {
        return run(command, List.of());
    }

    private static String run(List<String> command, List<String> more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(more);
        try {
            Path out = Files.createTempFile("fednode-tool", ".out");
            Process p =
                    new ProcessBuilder(all)
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + all.get(0));
            }
            String text = Files.readString(out, StandardCharsets.ISO_8859_1);
            Files.delete(out);
            assertThat(p.exitValue()).as("%s exit code; output:%n%s", all.get(0), text).isZero();
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
