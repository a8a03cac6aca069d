package io.fednode.anonymiser;

import io.fednode.anonymiser.dicom.DicomFile;
import io.fednode.anonymiser.dicom.Vr;
import io.fednode.anonymiser.pseudonym.Pseudonymiser;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The value transforms of the de-identification, as pure functions of a value's bytes: dates
 * shifted, UIDs mapped, dummy values, identifying words found. No I/O and no per-file state.
 */
final class Values {
    static final String DUMMY_TEXT = "ANONYMISED";
    private static final Pattern TOKEN_SEPARATORS = Pattern.compile("[\\\\^=\\s,.;:/()\\-]+");

    private Values() {}

    /** Character value padded to even length with a space. */
    static byte[] text(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length % 2 == 0) {
            return b;
        }
        byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
        p[b.length] = ' ';
        return p;
    }

    /** UID value padded to even length with NUL. */
    static byte[] uidBytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return b.length % 2 == 0 ? b : java.util.Arrays.copyOf(b, b.length + 1);
    }

    /**
     * Every date of a DA or DT value (each of its values) moved back {@code days}; the time part of
     * a DT is kept. Values that are not dates, shorter than a full date, or shifted before year 0
     * are dropped, never kept unshifted.
     */
    static byte[] shiftDates(String vr, byte[] value, int days) {
        return text(
                eachValue(
                        value,
                        p -> {
                            if (p.length() < 8) {
                                return ""; // empty, or too imprecise to shift: dropped
                            }
                            try {
                                LocalDate d =
                                        LocalDate.parse(
                                                p.substring(0, 8),
                                                DateTimeFormatter.BASIC_ISO_DATE);
                                return Pseudonymiser.shift(d, days)
                                                .format(DateTimeFormatter.BASIC_ISO_DATE)
                                        + ("DT".equals(vr) ? p.substring(8) : "");
                            } catch (DateTimeException e) {
                                // not a valid date, or shifted before year 0 (which the format
                                // cannot print)
                                return "";
                            }
                        }));
    }

    /**
     * Each UID of a UI value replaced by {@code uid}; standard UIDs (1.2.840.10008...) kept when
     * {@code keepStandardUids}; empty values dropped.
     */
    static byte[] mapUids(byte[] value, boolean keepStandardUids, UnaryOperator<String> uid) {
        return uidBytes(
                eachValue(
                        value,
                        p ->
                                p.isEmpty() || keepStandardUids && p.startsWith("1.2.840.10008.")
                                        ? p
                                        : uid.apply(p)));
    }

    /** {@code f} applied to each (trimmed) value of a multi-valued string, joined again. */
    private static String eachValue(byte[] value, UnaryOperator<String> f) {
        String[] parts = DicomFile.trimmed(value).split("\\\\", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('\\');
            }
            sb.append(f.apply(parts[i].trim()));
        }
        return sb.toString();
    }

    /** The dummy value (action D) for a VR: valid for the VR, identifying nothing. */
    static byte[] dummy(String vr) {
        int binary = Vr.binarySize(vr);
        if (binary > 0) {
            return new byte[binary];
        }
        return switch (vr) {
            case "DA" -> text("19000101");
            case "TM" -> text("000000");
            case "DT" -> text("19000101000000");
            case "AS" -> text("000Y");
            case "DS", "IS" -> text("0");
            case "AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UT" -> text(DUMMY_TEXT);
            default -> new byte[0]; // opaque (OB, OW, UN ...) and URIs: empty
        };
    }

    /** True when the value contains one of the (upper-case) identifying words, in any case. */
    static boolean holdsIdentifyingWord(byte[] value, Set<String> tokens) {
        String upper = new String(value, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
        return tokens.stream().anyMatch(upper::contains);
    }

    /** Adds an identifying value and its words of 3 or more characters, upper case. */
    static void addTokens(Set<String> tokens, String value) {
        String v = value.toUpperCase(Locale.ROOT);
        if (v.length() >= 3) {
            tokens.add(v);
        }
        for (String t : TOKEN_SEPARATORS.split(v)) {
            if (t.length() >= 3) {
                tokens.add(t);
            }
        }
    }
}
