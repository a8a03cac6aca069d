package io.fednode.anonymiser;

import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The value transforms of one file: {@link Values}' pure functions bound to what the file's values
 * are rewritten with (the UID pseudonym, the patient's date shift, the file's identifying words).
 * No I/O; the same value always gives the same bytes.
 *
 * @param uid the output UID for an input UID (the input UID itself with retain-uids)
 * @param shiftDates whether cleaned dates are shifted (retain-longitudinal-modified-dates) rather
 *     than emptied
 * @param dateShiftDays how many days dates move back when they are shifted
 * @param identifyingTokens the upper-case words cleaned text must not contain
 */
record ValueTransforms(
        UnaryOperator<String> uid,
        boolean shiftDates,
        int dateShiftDays,
        Set<String> identifyingTokens) {

    private static final byte[] EMPTY = new byte[0];

    /** The value written for {@code value} of VR {@code vr} under a value-reading treatment. */
    byte[] apply(Treatment treatment, String vr, byte[] value) {
        return switch (treatment) {
            case REPLACE_UIDS -> Values.mapUids(value, false, uid);
            case REPLACE_NON_STANDARD_UIDS -> Values.mapUids(value, true, uid);
            case KEEP_CLASS_UIDS -> value;
            case CLEAN_DATES -> shiftDates ? Values.shiftDates(vr, value, dateShiftDays) : EMPTY;
            case CLEAN_TEXT -> holdsIdentifyingWord(value) ? EMPTY : value;
            default ->
                    throw new IllegalArgumentException(treatment + " does not transform a value");
        };
    }

    /** Whether the value contains one of the file's identifying words, in any case. */
    boolean holdsIdentifyingWord(byte[] value) {
        return Values.holdsIdentifyingWord(value, identifyingTokens);
    }
}
