package io.fednode.anonymiser.pseudonym;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms: every replacement value is derived from HMAC-SHA-256 under the node's secret
 * key, so the same key and input always give the same output (studies stay linked across runs and
 * nodes' re-runs are idempotent), while without the key the originals cannot be recovered by a
 * dictionary attack on plain hashes. Each kind of value uses its own domain label so a UID and a
 * patient ID with the same text do not give related pseudonyms.
 */
public final class Pseudonymiser {
    /** Dates move back by 1..MAX_DATE_SHIFT_DAYS days, the same for all dates of one patient. */
    public static final int MAX_DATE_SHIFT_DAYS = 3650;

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> mac;

    /**
     * Study, series and frame-of-reference UIDs repeat in every file of a series: their mapping is
     * remembered instead of hashed again (a pure function of key and UID, so caching is safe). The
     * cache is direct-mapped: a fixed array of slots, a new UID replaces the one in its slot, so
     * its memory is the same after a thousand files and after millions.
     */
    private static final int UID_CACHE_SLOTS = 1024;

    private record Mapping(String original, String mapped) {}

    private final AtomicReferenceArray<Mapping> uids = new AtomicReferenceArray<>(UID_CACHE_SLOTS);

    public Pseudonymiser(PseudonymKey key) {
        this.key = new SecretKeySpec(key.bytes(), "HmacSHA256");
        this.mac = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private byte[] hmac(String domain, String value) {
        Mac m = mac.get();
        m.update(domain.getBytes(StandardCharsets.US_ASCII));
        m.update((byte) 0);
        return m.doFinal(value.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A UID under the 2.25 root (PS3.5 B.2): the first 128 bits of the keyed hash, in decimal. */
    public String uid(String original) {
        int slot = original.hashCode() & (UID_CACHE_SLOTS - 1);
        Mapping cached = uids.get(slot);
        if (cached != null && cached.original().equals(original)) {
            return cached.mapped();
        }
        byte[] h = Arrays.copyOf(hmac("uid", original), 16);
        String mapped = "2.25." + new BigInteger(1, h);
        uids.set(slot, new Mapping(original, mapped));
        return mapped;
    }

    /** Patient pseudonym used for both Patient ID and Patient's Name: "FN" + 16 base32 chars. */
    public String patient(String patientKey) {
        byte[] h = hmac("patient", patientKey);
        StringBuilder sb = new StringBuilder("FN");
        long bits = 0;
        int n = 0;
        for (int i = 0; i < 10; i++) {
            bits = (bits << 8) | (h[i] & 0xff);
            n += 8;
            while (n >= 5) {
                sb.append(BASE32[(int) (bits >>> (n - 5)) & 31]);
                n -= 5;
            }
        }
        return sb.toString();
    }

    /** Days every date of this patient moves back, 1..{@link #MAX_DATE_SHIFT_DAYS}. */
    public int dateShiftDays(String patientKey) {
        byte[] h = hmac("date-shift", patientKey);
        long v = new BigInteger(1, Arrays.copyOf(h, 8)).longValue() & Long.MAX_VALUE;
        return (int) (v % MAX_DATE_SHIFT_DAYS) + 1;
    }

    public static LocalDate shift(LocalDate date, int days) {
        return date.minusDays(days);
    }
}
