package io.fednode.anonymiser.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.anonymiser.ExternalTools;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged runnable jar, run as a separate process the way a Dataset Job runs it. */
class AnonymiserJarIT {
    @TempDir Path dir;

    static String jar() {
        String jar = System.getProperty("fednode.anonymiser.jar", "target/fednode-anonymiser.jar");
        assertThat(Path.of(jar)).as("runnable jar").isRegularFile();
        return jar;
    }

    private ExternalTools.Result java(String maxHeap, String... args) throws IOException {
        return ExternalTools.run(command(maxHeap, args), null);
    }

    @Test
    void helpAndUsageErrorsFromTheJar() throws IOException {
        ExternalTools.Result help = java("64m", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("Usage:");
        ExternalTools.Result bad = java("64m", "--input");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).contains("--input needs a value");
    }

    /**
     * A 400 MB image goes through a JVM limited to 48 MB of heap: pixel data is streamed, never
     * held. The output's pixel data (the file's tail) is byte-identical to the input's.
     */
    @Test
    void largeFileStreamsThroughASmallHeap() throws Exception {
        long pixelBytes = 400L << 20;
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Path big = in.resolve("big.dcm");
        writeLargeCt(big, pixelBytes);
        Path key = dir.resolve("key");
        Files.write(key, new byte[40]);
        ExternalTools.Result r =
                java(
                        "48m",
                        "--input",
                        in.toString(),
                        "--output",
                        dir.resolve("out").toString(),
                        "--quarantine",
                        dir.resolve("q").toString(),
                        "--key-file",
                        key.toString(),
                        "--threads",
                        "1");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith("seen=1 written=1 quarantined=0");
        Path out;
        try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
            out = s.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        assertThat(tailDigest(out, pixelBytes + 12)).isEqualTo(tailDigest(big, pixelBytes + 12));
        assertThat(Files.readString(out, StandardCharsets.ISO_8859_1))
                .doesNotContain("Bigfile^Patient");
    }

    private static List<String> command(String maxHeap, String... args) {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx" + maxHeap,
                                "-jar",
                                jar()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private String[] runArgs(Path in, Path out, Path q, Path key) {
        return new String[] {
            "--input", in.toString(),
            "--output", out.toString(),
            "--quarantine", q.toString(),
            "--key-file", key.toString(),
            "--threads", "2"
        };
    }

    static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(p -> !Files.isDirectory(p)).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    /** Outputs in place, counted while a run may be renaming and deleting files. */
    private static long outputsUnder(Path root) throws IOException {
        long[] n = {0};
        if (Files.isDirectory(root)) {
            Files.walkFileTree(
                    root,
                    new java.nio.file.SimpleFileVisitor<>() {
                        @Override
                        public java.nio.file.FileVisitResult visitFile(
                                Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                            if (file.getFileName().toString().endsWith(".dcm")
                                    && !file.getFileName().toString().startsWith(".")) {
                                n[0]++;
                            }
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }

                        @Override
                        public java.nio.file.FileVisitResult visitFileFailed(
                                Path file, IOException e) {
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }
                    });
        }
        return n[0];
    }

    /**
     * The CLI killed with SIGKILL in the middle of a run (a real JVM on a real corpus) and run
     * again: the output is then exactly a clean run's — every file, byte-identical, no duplicate,
     * no temporary or partial file left.
     */
    @Test
    void killedMidRunThenRerunGivesExactlyTheCompleteOutput() throws Exception {
        int count = 3000;
        Path in = dir.resolve("in");
        io.fednode.anonymiser.CraftedFiles.tinyCorpus(in, count, 100);
        Path key = dir.resolve("key");
        Files.write(key, new byte[40]);
        Path out = dir.resolve("out");

        Process p =
                new ProcessBuilder(command("64m", runArgs(in, out, dir.resolve("q1"), key)))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("killed.log").toFile())
                        .start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
            while (outputsUnder(out) < 200 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(p.isAlive()).as("the run is still going when it is killed").isTrue();
        } finally {
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(p.exitValue()).isEqualTo(128 + 9);
        long atKill = outputsUnder(out);
        System.out.printf("killed with %d of %d outputs in place%n", atKill, count);
        assertThat(atKill).as("outputs when killed").isLessThan(count);

        ExternalTools.Result rerun =
                ExternalTools.run(command("64m", runArgs(in, out, dir.resolve("q2"), key)), null);
        assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
        assertThat(rerun.stdout())
                .startsWith("seen=" + count + " written=" + count + " quarantined=0");

        ExternalTools.Result clean =
                ExternalTools.run(
                        command("64m", runArgs(in, dir.resolve("ref"), dir.resolve("q3"), key)),
                        null);
        assertThat(clean.exitCode()).as(clean.stderr()).isZero();
        Map<String, byte[]> expected = files(dir.resolve("ref"));
        assertThat(expected).hasSize(count);
        Map<String, byte[]> after = files(out);
        assertThat(after.keySet()).isEqualTo(expected.keySet());
        expected.forEach((k, v) -> assertThat(after.get(k)).as(k).isEqualTo(v));
        assertThat(files(dir.resolve("q2"))).as("quarantine of the re-run").isEmpty();
    }

    private static byte[] tailDigest(Path file, long n) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.seek(raf.length() - n);
            byte[] buf = new byte[1 << 16];
            for (int k; (k = raf.read(buf)) > 0; ) {
                md.update(buf, 0, k);
            }
        }
        return md.digest();
    }

    /** Explicit VR little endian CT written by hand, independent of the anonymiser's writer. */
    private static void writeLargeCt(Path file, long pixelBytes) throws IOException {
        ByteBuffer ds = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer meta = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        element(meta, 0x0002, 0x0001, "OB", new byte[] {0, 1});
        element(meta, 0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.2");
        element(meta, 0x0002, 0x0003, "UI", "1.2.3.4.5.6.7.8.3");
        element(meta, 0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1");
        element(ds, 0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.2");
        element(ds, 0x0008, 0x0018, "UI", "1.2.3.4.5.6.7.8.3");
        element(ds, 0x0008, 0x0060, "CS", "CT");
        element(ds, 0x0010, 0x0010, "PN", "Bigfile^Patient");
        element(ds, 0x0010, 0x0020, "LO", "BIG-123");
        element(ds, 0x0020, 0x000D, "UI", "1.2.3.4.5.6.7.8.1");
        element(ds, 0x0020, 0x000E, "UI", "1.2.3.4.5.6.7.8.2");
        element(ds, 0x0028, 0x0010, "US", new byte[] {0, 32});
        element(ds, 0x0028, 0x0011, "US", new byte[] {0, 32});
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            o.write(new byte[128]);
            o.write("DICM".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer gl = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            gl.putShort((short) 2)
                    .putShort((short) 0)
                    .put("UL".getBytes())
                    .putShort((short) 4)
                    .putInt(meta.position());
            o.write(gl.array());
            o.write(meta.array(), 0, meta.position());
            o.write(ds.array(), 0, ds.position());
            ByteBuffer ph = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            ph.putShort((short) 0x7FE0)
                    .putShort((short) 0x0010)
                    .put("OW".getBytes())
                    .putShort((short) 0)
                    .putInt((int) pixelBytes);
            o.write(ph.array());
            Random r = new Random(7);
            byte[] chunk = new byte[1 << 20];
            for (long done = 0; done < pixelBytes; done += chunk.length) {
                r.nextBytes(chunk);
                o.write(chunk, 0, (int) Math.min(chunk.length, pixelBytes - done));
            }
        }
    }

    private static void element(ByteBuffer b, int group, int el, String vr, String text) {
        byte[] v = text.getBytes(StandardCharsets.US_ASCII);
        if (v.length % 2 == 1) {
            v = java.util.Arrays.copyOf(v, v.length + 1);
            v[v.length - 1] = (byte) (vr.equals("UI") ? 0 : ' ');
        }
        element(b, group, el, vr, v);
    }

    private static void element(ByteBuffer b, int group, int el, String vr, byte[] v) {
        b.putShort((short) group).putShort((short) el).put(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB")) {
            b.putShort((short) 0).putInt(v.length);
        } else {
            b.putShort((short) v.length);
        }
        b.put(v);
    }
}
