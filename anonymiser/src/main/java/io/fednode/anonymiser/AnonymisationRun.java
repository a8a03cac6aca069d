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
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * De-identifies every regular file under an input folder into an output folder; files that cannot
 * be handled safely are copied to a quarantine folder with their reason. The input is only read,
 * each file opened without following symbolic links. Each output is written to a temporary file
 * next to its target, flushed to disk and renamed into place, so a crash leaves no partial {@code
 * .dcm}; output names come only from the new UIDs, so a re-run replaces files rather than
 * duplicating them.
 *
 * <p>Memory does not grow with the number of files: nothing is kept per file. Duplicates (two
 * inputs for one output) are found on disk: every output of a run carries the run's own
 * modification time ({@link #stamp}), so an output already there with that time was written by this
 * run, and one with another time is a leftover of an earlier run, replaced.
 */
public final class AnonymisationRun {
    /** 2 GiB: more than any single-frame image and most multi-frame ones. */
    public static final long DEFAULT_MAX_FILE_SIZE = 2L << 30;

    /**
     * What to run. {@code progress} may be null; {@code maxFileSize} is usually {@link
     * #DEFAULT_MAX_FILE_SIZE}.
     */
    public record Settings(
            Path input,
            Path output,
            Path quarantine,
            PseudonymKey key,
            Set<ProfileOption> options,
            int threads,
            PrintStream progress,
            long maxFileSize) {}

    private static final String INTERNAL_ERROR = "internal-error";
    private static final String READING = "reading a file under --input";
    private static final String WRITING = "writing under --output";
    private static final String QUARANTINING = "writing under --quarantine";
    private static final int BATCH_SIZE = 32;
    private static final int DIRECTORY_CACHE = 1024;
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Settings settings;
    private final Consumer<Path> beforeOpen;
    private final Path output;
    private final ConfidentialityProfile profile;
    private final FileAnonymiser anonymiser;
    private final AtomicLong seen = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicLong> reasons = new ConcurrentHashMap<>();

    /** Targets being written now: at most one per worker thread. */
    private final Set<Path> inFlight = ConcurrentHashMap.newKeySet();

    /** Series folders known to exist: a bounded cache, it only saves a syscall. */
    private final Map<Path, Boolean> knownDirectories =
            Collections.synchronizedMap(
                    new LinkedHashMap<>(16, 0.75f, true) {
                        private static final long serialVersionUID = 1L;

                        @Override
                        protected boolean removeEldestEntry(Map.Entry<Path, Boolean> eldest) {
                            return size() > DIRECTORY_CACHE;
                        }
                    });

    private final AtomicReference<IOException> fatal = new AtomicReference<>();
    private volatile long lastProgress = System.nanoTime();

    /** The modification time of this run's outputs; null when the file system cannot keep it. */
    private FileTime stamp;

    public AnonymisationRun(Settings settings) {
        this(settings, file -> {});
    }

    /**
     * {@code beforeOpen} runs on a worker just before each walked file is opened: tests use it to
     * change the input between the walk and the open, as another process could.
     */
    AnonymisationRun(Settings settings, Consumer<Path> beforeOpen) {
        this.beforeOpen = beforeOpen;
        this.settings = settings;
        this.output = settings.output().toAbsolutePath().normalize();
        this.profile = ConfidentialityProfile.basic(settings.options());
        this.anonymiser = new FileAnonymiser(profile, new Pseudonymiser(settings.key()));
    }

    public RunReport run() throws IOException {
        long start = System.nanoTime();
        try {
            Files.createDirectories(output);
            stamp = runStamp(output);
        } catch (IOException e) {
            throw new RunFailure("creating --output", e);
        }
        try {
            Files.createDirectories(settings.quarantine());
        } catch (IOException e) {
            throw new RunFailure("creating --quarantine", e);
        }
        int threads = Math.max(1, settings.threads());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Semaphore inFlightBatches = new Semaphore(threads * 2);
        try {
            var walker =
                    new SimpleFileVisitor<Path>() {
                        // Files go to the workers in batches of one folder's files: fewer hand-offs
                        // between threads, and two workers mostly write into different folders
                        // (a folder's entries are created under one lock in the kernel).
                        private List<Path> batch = new ArrayList<>(BATCH_SIZE);
                        private List<Object> keys = new ArrayList<>(BATCH_SIZE);

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (fatal.get() != null) {
                                return FileVisitResult.TERMINATE;
                            }
                            if (!attrs.isRegularFile()) {
                                return FileVisitResult.CONTINUE; // symlinks are not followed
                            }
                            batch.add(file);
                            keys.add(attrs.fileKey());
                            if (batch.size() == BATCH_SIZE) {
                                submit();
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e)
                                throws IOException {
                            throw new RunFailure("walking --input", e);
                        }

                        @Override
                        public FileVisitResult postVisitDirectory(Path dir, IOException e)
                                throws IOException {
                            if (e != null) {
                                throw new RunFailure("walking --input", e);
                            }
                            submit();
                            return FileVisitResult.CONTINUE;
                        }

                        void submit() {
                            if (batch.isEmpty()) {
                                return;
                            }
                            List<Path> files = batch;
                            List<Object> fileKeys = keys;
                            batch = new ArrayList<>(BATCH_SIZE);
                            keys = new ArrayList<>(BATCH_SIZE);
                            inFlightBatches.acquireUninterruptibly();
                            pool.execute(
                                    () -> {
                                        try {
                                            processBatch(files, fileKeys);
                                        } catch (IOException | RuntimeException e) {
                                            fatal.compareAndSet(
                                                    null,
                                                    e instanceof RunFailure f
                                                            ? f
                                                            : new RunFailure(WRITING, e));
                                        } finally {
                                            inFlightBatches.release();
                                        }
                                    });
                        }
                    };
            try {
                Files.walkFileTree(settings.input(), walker);
                walker.submit(); // an input that is a single file has no folder to close
            } catch (IOException e) {
                fatal.compareAndSet(
                        null, e instanceof RunFailure f ? f : new RunFailure("walking --input", e));
            }
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
            throw ((RunFailure) fatal.get())
                    .withCounts(seen.get(), written.get(), quarantined.get());
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

    /**
     * This run's modification time: now, with random nanoseconds, so that no earlier run has it, as
     * the file system keeps it (probed on a temporary file). Null when the file system keeps no
     * sub-second times: then an earlier run within the same second could not be told apart, and
     * duplicates are not detected (the last one processed is written).
     */
    private static FileTime runStamp(Path output) throws IOException {
        long nanos = 1 + new SecureRandom().nextInt(999_999_999);
        FileTime wanted =
                FileTime.from(Instant.ofEpochSecond(Instant.now().getEpochSecond(), nanos));
        // A fixed name: a probe left by a killed run is reused, not accumulated.
        Path probe = output.resolve(".fednode-stamp.tmp");
        Files.deleteIfExists(probe);
        Files.createFile(probe);
        try {
            Files.setLastModifiedTime(probe, wanted);
            FileTime kept = Files.getLastModifiedTime(probe);
            return kept.toInstant().getNano() == 0 ? null : kept;
        } finally {
            Files.delete(probe);
        }
    }

    /** One batch; the folders it wrote into are flushed before the batch counts as done. */
    private void processBatch(List<Path> files, List<Object> keys) throws IOException {
        Set<Path> touched = new LinkedHashSet<>();
        for (int i = 0; i < files.size(); i++) {
            if (fatal.get() != null) {
                return;
            }
            process(files.get(i), keys.get(i), touched);
        }
        for (Path dir : touched) {
            Durable.syncDirectory(dir);
        }
    }

    private void process(Path file, Object walkedKey, Set<Path> touched) throws IOException {
        seen.incrementAndGet();
        beforeOpen.accept(file);
        FileChannel in;
        try {
            // O_NOFOLLOW: a symbolic link put in the file's place after the walk is not opened.
            in = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) {
                refuse(file, QuarantineException.NOT_A_REGULAR_FILE, "a symbolic link", touched);
                return;
            }
            throw new RunFailure(READING, e);
        }
        try (in) {
            BasicFileAttributes opened;
            long size;
            try {
                opened =
                        Files.readAttributes(
                                file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                size = in.size();
            } catch (IOException e) {
                throw new RunFailure(READING, e);
            }
            if (!opened.isRegularFile()
                    || (walkedKey != null && !walkedKey.equals(opened.fileKey()))) {
                refuse(
                        file,
                        QuarantineException.NOT_A_REGULAR_FILE,
                        "replaced by another file after the folder was read",
                        touched);
                return;
            }
            bytesIn.addAndGet(size);
            if (size > settings.maxFileSize()) {
                refuse(
                        file,
                        QuarantineException.FILE_TOO_LARGE,
                        size + " bytes, over --max-file-size " + settings.maxFileSize(),
                        touched);
                return;
            }
            try {
                FileAnonymiser.Plan plan = anonymiser.plan(in);
                writeOutput(in, plan, touched);
            } catch (DicomFormatException e) {
                quarantine(file, in, e.reason(), e.getMessage(), touched);
            } catch (QuarantineException e) {
                quarantine(file, in, e.reason(), e.getMessage(), touched);
            } catch (RuntimeException | StackOverflowError e) {
                // A defect of ours must not stop the run nor let the file through.
                quarantine(file, in, INTERNAL_ERROR, e.toString(), touched);
            }
        }
        progress();
    }

    private void writeOutput(FileChannel in, FileAnonymiser.Plan plan, Set<Path> touched)
            throws IOException, DicomFormatException, QuarantineException {
        Path target = output.resolve(plan.relativeOutput()).normalize();
        // The UIDs are checked already; this is the last word on where a file may go.
        if (!target.startsWith(output) || output.relativize(target).getNameCount() != 3) {
            throw new QuarantineException(
                    QuarantineException.INVALID_UID, "the output path leaves --output");
        }
        if (!inFlight.add(target) || writtenByThisRun(target)) {
            throw new QuarantineException(
                    QuarantineException.DUPLICATE_SOP_INSTANCE,
                    "another input file has the same SOP Instance UID");
        }
        try {
            ensureDirectory(target.getParent());
            // One temp name per target: a re-run after a crash overwrites what the crash left.
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            boolean done = false;
            try {
                anonymiser.write(in, plan, tmp); // flushed to disk
                if (stamp != null) {
                    Files.setLastModifiedTime(tmp, stamp);
                }
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
            touched.add(target.getParent());
            written.incrementAndGet();
            bytesOut.addAndGet(Files.size(target));
        } catch (IOException e) {
            throw new RunFailure(WRITING, e);
        } finally {
            inFlight.remove(target);
        }
    }

    /** True when {@code target} carries this run's stamp, i.e. this run wrote it. */
    private boolean writtenByThisRun(Path target) throws IOException {
        if (stamp == null) {
            return false;
        }
        try {
            return stamp.equals(
                    Files.readAttributes(
                                    target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .lastModifiedTime());
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new RunFailure(WRITING, e);
        }
    }

    /**
     * Creates a series folder once, not once per file (a syscall and an exception), and flushes the
     * folders that gained an entry.
     */
    private void ensureDirectory(Path dir) throws IOException {
        if (knownDirectories.get(dir) != null) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            for (Path p = dir.getParent(); p != null && p.startsWith(output); p = p.getParent()) {
                Durable.syncDirectory(p);
            }
        }
        knownDirectories.put(dir, Boolean.TRUE);
    }

    /** Quarantines the open file: a byte copy of what was opened, and a note with the reason. */
    private void quarantine(
            Path file, FileChannel in, String reason, String detail, Set<Path> touched)
            throws IOException {
        try {
            Path dir = quarantineDir(reason);
            String name = quarantineName(file);
            Path tmp = dir.resolve("." + name + ".tmp");
            long size = in.size();
            try (FileChannel copy =
                    FileChannel.open(
                            tmp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE)) {
                for (long at = 0; at < size; ) {
                    long n = in.transferTo(at, size - at, copy);
                    if (n <= 0) {
                        break;
                    }
                    at += n;
                }
                copy.force(true);
            }
            Files.move(
                    tmp,
                    dir.resolve(name + ".dcm"),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            note(file, dir, name, reason, detail);
            touched.add(dir);
        } catch (IOException e) {
            throw new RunFailure(QUARANTINING, e);
        }
    }

    /** Refuses a file without reading it (too large, not what was walked): a note only. */
    private void refuse(Path file, String reason, String detail, Set<Path> touched)
            throws IOException {
        try {
            Path dir = quarantineDir(reason);
            note(file, dir, quarantineName(file), reason, detail);
            touched.add(dir);
        } catch (IOException e) {
            throw new RunFailure(QUARANTINING, e);
        }
    }

    private Path quarantineDir(String reason) throws IOException {
        quarantined.incrementAndGet();
        reasons.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
        Path dir = settings.quarantine().resolve(reason);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Durable.syncDirectory(settings.quarantine());
        }
        return dir;
    }

    private String quarantineName(Path file) {
        return sha256Hex(settings.input().relativize(file).toString()).substring(0, 24);
    }

    private void note(Path file, Path dir, String name, String reason, String detail)
            throws IOException {
        Path relative = settings.input().relativize(file);
        String note = "reason: " + reason + "\ndetail: " + detail + "\ninput: " + relative + "\n";
        Path noteTmp = dir.resolve("." + name + ".txt.tmp");
        Durable.write(noteTmp, note.getBytes(StandardCharsets.UTF_8));
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
