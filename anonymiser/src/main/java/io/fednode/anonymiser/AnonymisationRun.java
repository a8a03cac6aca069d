package io.fednode.anonymiser;

import io.fednode.anonymiser.dicom.DicomFormatException;
import io.fednode.anonymiser.profile.ConfidentialityProfile;
import io.fednode.anonymiser.profile.ProfileOption;
import io.fednode.anonymiser.pseudonym.PseudonymKey;
import io.fednode.anonymiser.pseudonym.Pseudonymiser;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * De-identifies every regular file under an input folder into an output folder; files that cannot
 * be handled safely are copied to a quarantine folder with their reason. The input is only read.
 * Each output is written to a temporary file next to its target and renamed into place, so a crash
 * leaves no partial {@code .dcm}; output names come only from the new UIDs, so a re-run replaces
 * files rather than duplicating them.
 */
public final class AnonymisationRun {
    /** What to run. {@code progress} may be null. */
    public record Settings(
            Path input,
            Path output,
            Path quarantine,
            PseudonymKey key,
            Set<ProfileOption> options,
            int threads,
            PrintStream progress) {}

    private static final String INTERNAL_ERROR = "internal-error";
    private static final int BATCH_SIZE = 32;
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Settings settings;
    private final ConfidentialityProfile profile;
    private final FileAnonymiser anonymiser;
    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> reasons = new ConcurrentHashMap<>();
    private final Set<Path> claimedTargets = ConcurrentHashMap.newKeySet();
    private final Set<Path> createdDirectories = ConcurrentHashMap.newKeySet();
    private final AtomicReference<IOException> fatal = new AtomicReference<>();
    private volatile long lastProgress = System.nanoTime();

    public AnonymisationRun(Settings settings) {
        this.settings = settings;
        this.profile = ConfidentialityProfile.basic(settings.options());
        this.anonymiser = new FileAnonymiser(profile, new Pseudonymiser(settings.key()));
    }

    public RunReport run() throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(settings.output());
        Files.createDirectories(settings.quarantine());
        int threads = Math.max(1, settings.threads());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Semaphore inFlight = new Semaphore(threads * 2);
        try {
            var walker =
                    new SimpleFileVisitor<Path>() {
                        // Files go to the workers in batches of one folder's files: fewer hand-offs
                        // between threads, and two workers mostly write into different folders
                        // (a folder's entries are created under one lock in the kernel).
                        private List<Path> batch = new ArrayList<>(BATCH_SIZE);
                        private List<Long> sizes = new ArrayList<>(BATCH_SIZE);

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (fatal.get() != null) {
                                return FileVisitResult.TERMINATE;
                            }
                            if (!attrs.isRegularFile()) {
                                return FileVisitResult.CONTINUE; // symlinks are not followed
                            }
                            batch.add(file);
                            sizes.add(attrs.size());
                            if (batch.size() == BATCH_SIZE) {
                                submit();
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException e)
                                throws IOException {
                            submit();
                            return super.postVisitDirectory(dir, e);
                        }

                        void submit() {
                            if (batch.isEmpty()) {
                                return;
                            }
                            List<Path> files = batch;
                            List<Long> lengths = sizes;
                            batch = new ArrayList<>(BATCH_SIZE);
                            sizes = new ArrayList<>(BATCH_SIZE);
                            inFlight.acquireUninterruptibly();
                            pool.execute(
                                    () -> {
                                        try {
                                            for (int i = 0; i < files.size(); i++) {
                                                if (fatal.get() != null) {
                                                    return;
                                                }
                                                process(files.get(i), lengths.get(i));
                                            }
                                        } catch (IOException e) {
                                            fatal.compareAndSet(null, e);
                                        } finally {
                                            inFlight.release();
                                        }
                                    });
                        }
                    };
            Files.walkFileTree(settings.input(), walker);
            walker.submit(); // an input that is a single file has no folder to close
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        if (fatal.get() != null) {
            throw fatal.get();
        }
        TreeMap<String, Long> reasonCounts = new TreeMap<>();
        reasons.forEach((k, v) -> reasonCounts.put(k, v.get()));
        List<String> options = new ArrayList<>();
        profile.options().forEach(o -> options.add(o.cliName()));
        return new RunReport(
                seen.get(),
                written.get(),
                quarantined.get(),
                bytesIn.get(),
                bytesOut.get(),
                reasonCounts,
                options,
                profile.table().source().replaceAll(";.*$", ""),
                Math.round((System.nanoTime() - start) / 1e8) / 10.0);
    }

    private void process(Path file, long size) throws IOException {
        seen.incrementAndGet();
        bytesIn.addAndGet(size);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            FileAnonymiser.Plan plan = anonymiser.plan(in);
            Path target = settings.output().resolve(plan.relativeOutput());
            if (!claimedTargets.add(target)) {
                throw new QuarantineException(
                        QuarantineException.DUPLICATE_SOP_INSTANCE,
                        "another input file has the same SOP Instance UID");
            }
            ensureDirectory(target.getParent());
            // One temp name per target: a re-run after a crash overwrites what the crash left.
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            boolean done = false;
            try {
                anonymiser.write(in, plan, tmp);
                Files.move(
                        tmp,
                        target,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                done = true;
            } finally {
                if (!done) {
                    Files.deleteIfExists(tmp);
                }
            }
            written.incrementAndGet();
            bytesOut.addAndGet(Files.size(target));
        } catch (DicomFormatException e) {
            quarantine(file, e.reason(), e.getMessage());
        } catch (QuarantineException e) {
            quarantine(file, e.reason(), e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            // A defect of ours must not stop the run nor let the file through.
            quarantine(file, INTERNAL_ERROR, e.toString());
        }
        progress();
    }

    /** Creates a series folder once per run, not once per file (a syscall and an exception). */
    private void ensureDirectory(Path dir) throws IOException {
        if (!createdDirectories.contains(dir)) {
            Files.createDirectories(dir);
            createdDirectories.add(dir);
        }
    }

    private void quarantine(Path file, String reason, String detail) throws IOException {
        quarantined.incrementAndGet();
        reasons.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
        Path relative = settings.input().relativize(file);
        String name = sha256Hex(relative.toString()).substring(0, 24);
        Path dir = settings.quarantine().resolve(reason);
        Files.createDirectories(dir);
        Path target = dir.resolve(name + ".dcm");
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(
                tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        String note = "reason: " + reason + "\ndetail: " + detail + "\ninput: " + relative + "\n";
        Path noteTmp = dir.resolve("." + name + ".txt.tmp");
        Files.write(
                noteTmp,
                note.getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        Files.move(
                noteTmp,
                dir.resolve(name + ".txt"),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private void progress() {
        PrintStream p = settings.progress();
        long now = System.nanoTime();
        if (p == null || now - lastProgress < PROGRESS_INTERVAL_NANOS) {
            return;
        }
        lastProgress = now;
        p.printf(
                "fednode-anonymiser: %d files seen, %d written, %d quarantined, %d MB read%n",
                seen.get(), written.get(), quarantined.get(), bytesIn.get() >> 20);
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
