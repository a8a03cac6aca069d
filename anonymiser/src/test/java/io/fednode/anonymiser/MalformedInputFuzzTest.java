package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fednode.anonymiser.dicom.DicomFormatException;
import io.fednode.anonymiser.profile.ConfidentialityProfile;
import io.fednode.anonymiser.profile.ProfileOption;
import io.fednode.anonymiser.pseudonym.PseudonymKey;
import io.fednode.anonymiser.pseudonym.Pseudonymiser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer over real files (Debian pydicom's test data), bounded in time ({@code
 * -Dfednode.fuzz.seconds}, default 30): every mutant must be written or rejected with a {@link
 * DicomFormatException}/{@link QuarantineException} — no other exception, no error, no hang. Half
 * the cases run with {@code retain-uids}, where the file's own UIDs name the output, and some
 * mutants carry hostile UIDs (absolute paths, {@code ../}, over 64 characters, non-digits): every
 * planned output path must be three UID names inside the output folder. A failure prints the seed
 * and iteration that reproduce it.
 */
class MalformedInputFuzzTest {
    private static final long SEED = Long.getLong("fednode.fuzz.seed", 20260101L);
    private static final int SECONDS = Integer.getInteger("fednode.fuzz.seconds", 30);
    private static final long CASE_TIMEOUT_SECONDS = 10;
    private static final int[] INTERESTING = {
        0xFFFFFFFF,
        0xFFFFFFFE,
        0x7FFFFFFF,
        0x80000000,
        0,
        1,
        3,
        0xFFFF,
        0x10000,
        0xFFFEE000,
        0xFFFEE0DD,
        0xFFFEE00D
    };

    @TempDir static Path work;
    private static ExecutorService worker;
    private static final List<byte[]> seeds = new ArrayList<>();
    private static FileAnonymiser anonymiser;
    private static FileAnonymiser retainingUids;
    private static final java.util.regex.Pattern UID_NAME =
            java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+)*");

    @BeforeAll
    static void setUp() throws IOException {
        Path files = ExternalTools.pydicomTestFiles();
        for (String name :
                List.of(
                        "CT_small.dcm",
                        "MR_small_bigendian.dcm",
                        "MR_small_implicit.dcm",
                        "image_dfl.dcm",
                        "ExplVR_BigEndNoMeta.dcm",
                        "MR_small_RLE.dcm",
                        "rtplan.dcm",
                        "test-SR.dcm",
                        "UN_sequence.dcm",
                        "nested_priv_SQ.dcm",
                        "SC_rgb_small_odd.dcm")) {
            seeds.add(Files.readAllBytes(files.resolve(name)));
        }
        Set<ProfileOption> options = EnumSet.allOf(ProfileOption.class);
        options.remove(ProfileOption.RETAIN_LONGITUDINAL_FULL_DATES);
        options.remove(ProfileOption.RETAIN_UIDS);
        anonymiser =
                new FileAnonymiser(
                        ConfidentialityProfile.basic(options),
                        new Pseudonymiser(new PseudonymKey(new byte[32])));
        options.add(ProfileOption.RETAIN_UIDS);
        retainingUids =
                new FileAnonymiser(
                        ConfidentialityProfile.basic(options),
                        new Pseudonymiser(new PseudonymKey(new byte[32])));
        worker = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void tearDown() {
        worker.shutdownNow();
    }

    /** Outcome of one input: null when written, else the quarantine reason. */
    private static String process(Path file, FileAnonymiser anonymiser) throws Exception {
        try {
            FileAnonymiser.Plan plan = anonymiser.plan(file);
            Path out = file.resolveSibling("out").toAbsolutePath();
            Path target = out.resolve(plan.relativeOutput()).normalize();
            assertThat(target.startsWith(out)).as("%s inside %s", target, out).isTrue();
            assertThat(out.relativize(target).getNameCount()).as(target.toString()).isEqualTo(3);
            for (Path name : out.relativize(target)) {
                String uid = name.toString().replaceFirst("\\.dcm$", "");
                assertThat(uid)
                        .as(target.toString())
                        .hasSizeLessThanOrEqualTo(64)
                        .matches(UID_NAME);
            }
            // The production path: channel input (seeks, kernel copies) into a file.
            anonymiser.write(file, plan, file.resolveSibling("fuzz-output.dcm"));
            return null;
        } catch (DicomFormatException e) {
            return e.reason();
        } catch (QuarantineException e) {
            return e.reason();
        }
    }

    @Test
    void mutantsAreWrittenOrQuarantinedNeverThrownOrHung() throws Exception {
        Random random = new Random(SEED);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        Path file = work.resolve("mutant.dcm");
        int cases = 0;
        int rejected = 0;
        int hostileUids = 0;
        int invalidUids = 0;
        List<String> hostile = CraftedFiles.hostileUids(work.resolve("outside"));
        int[] uidTags = {
            CraftedFiles.STUDY_INSTANCE_UID,
            CraftedFiles.SERIES_INSTANCE_UID,
            CraftedFiles.SOP_INSTANCE_UID
        };
        while (System.nanoTime() < deadline) {
            byte[] mutant = seeds.get(random.nextInt(seeds.size()));
            boolean retain = random.nextBoolean();
            boolean crafted = false;
            if (retain && random.nextInt(4) == 0) {
                byte[] withHostileUid =
                        CraftedFiles.withUidIfPresent(
                                mutant,
                                uidTags[random.nextInt(uidTags.length)],
                                hostile.get(random.nextInt(hostile.size())));
                if (withHostileUid != null) {
                    mutant = withHostileUid;
                    crafted = true;
                    hostileUids++;
                }
            }
            if (!crafted || random.nextBoolean()) {
                mutant = mutate(mutant, random);
            }
            Files.write(file, mutant);
            FileAnonymiser a = retain ? retainingUids : anonymiser;
            Future<String> f = worker.submit(() -> process(file, a));
            String outcome;
            try {
                outcome = f.get(CASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("hang on case " + cases + " (seed " + SEED + ")", e);
            } catch (java.util.concurrent.ExecutionException e) {
                Files.write(
                        work.getParent().resolve("fuzz-failure-" + SEED + "-" + cases + ".dcm"),
                        mutant);
                throw new AssertionError(
                        "case " + cases + " (seed " + SEED + ") threw " + e.getCause(),
                        e.getCause());
            }
            if (outcome != null) {
                rejected++;
            }
            if (QuarantineException.INVALID_UID.equals(outcome)) {
                invalidUids++;
            }
            cases++;
        }
        System.out.printf(
                "fuzz: %d cases in %d s, %d rejected, %d with hostile UIDs, %d invalid-uid"
                        + " (seed %d)%n",
                cases, SECONDS, rejected, hostileUids, invalidUids, SEED);
        assertThat(invalidUids).as("hostile UIDs quarantined as invalid-uid").isPositive();
        assertThat(work.resolve("outside")).doesNotExist();
        assertThat(cases).as("fuzz cases run in " + SECONDS + " s").isGreaterThan(500);
        assertThat(rejected).as("mutants rejected").isPositive();
        assertThat(cases - rejected).as("mutants still written").isPositive();
    }

    /**
     * Found by this fuzzer: a date shifted before year 0 (here from 0000-01-01) threw instead of
     * being dropped.
     */
    @Test
    void aDateShiftedBeforeYearZeroIsDroppedNotThrown() throws Exception {
        byte[] early = CraftedFiles.withValueIfPresent(seeds.get(0), 0x00080020, "DA", "00000101");
        assertThat(early).as("CT_small has a Study Date").isNotNull();
        Path file = work.resolve("early.dcm");
        Files.write(file, early);
        assertThat(process(file, anonymiser)).as("written").isNull();
        ExternalTools.Result dump = ExternalTools.dcmdump(file.resolveSibling("fuzz-output.dcm"));
        assertThat(dump.exitCode()).as(dump.stderr()).isZero();
        assertThat(dump.stdout())
                .containsPattern("\\(0008,0020\\) DA \\(no value available\\)")
                .doesNotContain("00000101");
    }

    @Test
    void lengthPointingPastTheEndIsQuarantinedNotThrown() throws Exception {
        byte[] ct = seeds.get(0).clone();
        // CT_small.dcm: explicit VR LE; (0008,0008) ImageType CS header follows the meta group.
        int at = CraftedFiles.indexOf(ct, new byte[] {8, 0, 8, 0, 'C', 'S'}, 0);
        assertThat(at).isPositive();
        Path file = work.resolve("long.dcm");
        // A long-length VR with 0xFFFFFFF0 bytes, far beyond the file.
        byte[] patched = ct.clone();
        patched[at + 4] = 'U';
        patched[at + 5] = 'T';
        byte[] lengthAndReserved =
                ByteBuffer.allocate(6)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putShort((short) 0)
                        .putInt(0xFFFFFFF0)
                        .array();
        byte[] grown = new byte[patched.length + 4];
        System.arraycopy(patched, 0, grown, 0, at + 6);
        System.arraycopy(lengthAndReserved, 0, grown, at + 6, 6);
        System.arraycopy(patched, at + 8, grown, at + 12, patched.length - at - 8);
        Files.write(file, grown);
        assertThat(process(file, anonymiser)).isEqualTo(DicomFormatException.LENGTH_PAST_END);
        assertThatThrownBy(() -> anonymiser.plan(file)).isInstanceOf(DicomFormatException.class);
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds && b.length > 8; k++) {
            int pos = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[pos] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[pos] = (byte) r.nextInt(256);
                case 2 -> {
                    int v = INTERESTING[r.nextInt(INTERESTING.length)];
                    for (int i = 0; i < 4 && pos + i < b.length; i++) {
                        b[pos + i] = (byte) (v >>> (8 * i));
                    }
                }
                case 3 -> b = java.util.Arrays.copyOf(b, pos); // truncate
                case 4 -> {
                    // duplicate a chunk (repeats headers, items, delimiters)
                    int len = Math.min(1 + r.nextInt(64), b.length - pos);
                    byte[] g = new byte[b.length + len];
                    System.arraycopy(b, 0, g, 0, pos + len);
                    System.arraycopy(b, pos, g, pos + len, b.length - pos);
                    b = g;
                }
                default -> {
                    // 16-bit length fields: small and odd values
                    if (pos + 1 < b.length) {
                        int v = r.nextInt(8) == 0 ? 0xFFFF : r.nextInt(300);
                        b[pos] = (byte) v;
                        b[pos + 1] = (byte) (v >>> 8);
                    }
                }
            }
        }
        return b;
    }
}
