package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.anonymiser.pseudonym.PseudonymKey;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run keeps nothing per file: the heap a finished run still holds does not grow with the number
 * of files. Measured with N and 4N tiny files (made by pydicom) on tmpfs, so that the fsyncs cost
 * nothing; a run that kept each output path (about 250 bytes) would hold 3N × 250 bytes more.
 */
class RunMemoryTest {
    private static final int N = Integer.getInteger("fednode.memory.files", 4000);

    /** Retained bytes allowed per extra file: far below one path. */
    private static final long MAX_BYTES_PER_FILE = 16;

    private static Path work;

    @BeforeAll
    static void corpus() throws IOException {
        Path shm = Path.of("/dev/shm");
        work =
                Files.isDirectory(shm)
                        ? Files.createTempDirectory(shm, "fednode-memory")
                        : Files.createTempDirectory("fednode-memory");
        CraftedFiles.tinyCorpus(work.resolve("small"), N, 500);
        CraftedFiles.tinyCorpus(work.resolve("large"), 4 * N, 500);
    }

    @AfterAll
    static void clean() throws IOException {
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Heap in use after a full GC while the finished run is still reachable. */
    private static long retainedAfter(String name) throws IOException {
        AnonymisationRun run =
                new AnonymisationRun(
                        new AnonymisationRun.Settings(
                                work.resolve(name),
                                work.resolve("out-" + name),
                                work.resolve("q-" + name),
                                new PseudonymKey(new byte[32]),
                                Set.of(),
                                2,
                                null,
                                AnonymisationRun.DEFAULT_MAX_FILE_SIZE));
        RunReport report = run.run();
        assertThat(report.filesQuarantined()).as(name).isZero();
        long used = usedAfterGc();
        Reference.reachabilityFence(run);
        System.out.printf(
                "memory: %s: %d files, %d bytes retained%n", name, report.filesWritten(), used);
        return used;
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            min = Math.min(min, memory.getHeapMemoryUsage().getUsed());
        }
        return min;
    }

    @Test
    void retainedHeapDoesNotGrowWithTheNumberOfFiles() throws IOException {
        retainedAfter("small"); // warm-up: classes, JIT, caches
        long small = retainedAfter("small");
        long large = retainedAfter("large");
        long perFile = (large - small) / (3L * N);
        System.out.printf(
                "memory: %d files -> %d files: %+d bytes retained, %d bytes per extra file%n",
                N, 4 * N, large - small, perFile);
        assertThat(perFile).as("bytes retained per extra file").isLessThan(MAX_BYTES_PER_FILE);
    }
}
