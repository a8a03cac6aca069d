package io.fednode.anonymiser;

import io.fednode.anonymiser.dicom.DataDictionary;
import io.fednode.anonymiser.dicom.DatasetReader.Kind;
import io.fednode.anonymiser.dicom.Tags;
import io.fednode.anonymiser.dicom.Vr;
import io.fednode.anonymiser.profile.Action;
import io.fednode.anonymiser.profile.ConfidentialityProfile;
import io.fednode.anonymiser.profile.ProfileOption;

/**
 * Decides what happens to an element: a pure function of its tag, the VR it is stored with and its
 * layout, under one {@link ConfidentialityProfile}. The PS3.15 action comes from the profile (Table
 * E.1-1 with the options, else the data dictionary); this class adds fednode's fixed rules on top
 * (docs/anonymiser.md, "What each action does") and picks the one {@link Treatment} that carries
 * the action out for that VR and layout. It reads no value and holds no per-file state.
 */
final class ActionResolver {
    private final ConfidentialityProfile profile;
    private final DataDictionary dictionary;
    private final boolean retainSafePrivate;
    private final boolean retainUids;

    ActionResolver(ConfidentialityProfile profile) {
        this.profile = profile;
        this.dictionary = profile.dictionary();
        this.retainSafePrivate = profile.safePrivate() != null;
        this.retainUids = profile.has(ProfileOption.RETAIN_UIDS);
    }

    /**
     * The treatment of element {@code tag} stored with {@code storedVr} and laid out as {@code
     * kind}.
     */
    Treatment resolve(int tag, String storedVr, Kind kind) {
        if (structural(tag)) {
            return Treatment.DROP;
        }
        if (retainSafePrivate && Tags.isPrivate(tag)) {
            return Treatment.SAFE_PRIVATE;
        }
        Action action = profile.actionFor(tag);
        if (kind == Kind.VALUE && !Vr.SQ.equals(storedVr) && Vr.SQ.equals(dictionary.vrOf(tag))) {
            // A sequence stored as an opaque value (e.g. UN of defined length): its items
            // cannot be processed, so it cannot be kept.
            action = action == Action.REMOVE ? Action.REMOVE : Action.ZERO;
        }
        String vr = judgedVr(tag, storedVr, kind);
        boolean sequence = kind == Kind.SEQUENCE || kind == Kind.SEQUENCE_IMPLICIT_LE;
        return switch (action) {
            case REMOVE -> Treatment.DROP;
            case ZERO -> Treatment.EMPTY;
            case DUMMY -> {
                if (sequence || kind == Kind.FRAGMENTS) {
                    yield Treatment.EMPTY;
                }
                yield Vr.UI.equals(vr) ? Treatment.REPLACE_UIDS : Treatment.DUMMY;
            }
            case KEEP, CLEAN, REPLACE_UID -> {
                if (sequence) {
                    yield Treatment.SEQUENCE;
                }
                if (kind == Kind.FRAGMENTS) {
                    yield Treatment.FRAGMENTS;
                }
                if (action == Action.REPLACE_UID) {
                    yield Treatment.REPLACE_UIDS;
                }
                if (action == Action.CLEAN
                        || (isFreeText(vr) && profile.table().lookup(tag) == null)) {
                    // Free text the table does not list (e.g. Code Meaning) is kept only when it
                    // holds none of the file's identifying words, like cleaned text.
                    yield clean(vr);
                }
                if (Vr.UI.equals(vr) && !retainUids) {
                    yield keptUids(tag);
                }
                yield Treatment.COPY;
            }
        };
    }

    /** The VR a value is judged by: values stored as UN by the VR the dictionary gives the tag. */
    String judgedVr(int tag, String storedVr, Kind kind) {
        return Vr.UN.equals(storedVr) && kind == Kind.VALUE ? dictionary.vrOf(tag) : storedVr;
    }

    /**
     * Elements never copied: group lengths (wrong after rewriting), command, meta and padding
     * elements (they do not belong in a stored data set), and the de-identification markers
     * (fednode writes its own).
     */
    private static boolean structural(int tag) {
        int group = Tags.group(tag);
        return Tags.element(tag) == 0
                || group == 0x0000
                || group == 0x0002
                || group == 0xFFFC
                || tag == Tags.PATIENT_IDENTITY_REMOVED
                || tag == Tags.DEIDENTIFICATION_METHOD
                || tag == Tags.DEIDENTIFICATION_METHOD_CODE_SEQUENCE
                || tag == Tags.LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED;
    }

    private static boolean isFreeText(String vr) {
        return switch (vr) {
            case "LO", "LT", "PN", "SH", "ST", "UC", "UT" -> true;
            default -> false;
        };
    }

    /** Action C by VR: dates, UIDs and text are cleaned; times, numbers and binary values kept. */
    private static Treatment clean(String vr) {
        if ("DA".equals(vr) || "DT".equals(vr)) {
            return Treatment.CLEAN_DATES;
        }
        if (Vr.UI.equals(vr)) {
            return Treatment.REPLACE_UIDS;
        }
        if (Vr.isText(vr) && !"TM".equals(vr)) {
            return Treatment.CLEAN_TEXT;
        }
        // Times (the shift is in whole days), numbers and binary values (graphics) carry no text.
        return Treatment.COPY;
    }

    /**
     * Safety net for UIDs outside Table E.1-1: SOP/class UIDs are kept, other UIDs replaced as if
     * the table said U, except standard UIDs (1.2.840.10008...).
     */
    private Treatment keptUids(int tag) {
        DataDictionary.Entry e = dictionary.lookup(tag);
        return e != null && e.keyword().endsWith("ClassUID")
                ? Treatment.KEEP_CLASS_UIDS
                : Treatment.REPLACE_NON_STANDARD_UIDS;
    }
}
