package io.fednode.anonymiser.profile;

/** What happens to one attribute (PS3.15 Table E.1-1 action codes). */
public enum Action {
    /** X: remove the attribute. */
    REMOVE,
    /** Z: replace with a zero-length value. */
    ZERO,
    /** D: replace with a non-empty dummy value consistent with the VR. */
    DUMMY,
    /** K: keep (sequences are still processed item by item). */
    KEEP,
    /** C: keep a cleaned value (see the anonymiser docs for what cleaning means per VR). */
    CLEAN,
    /** U: replace UIDs with keyed ones, consistently across all files. */
    REPLACE_UID;

    /**
     * The action for a table cell. A combined code (Z/D, X/Z, X/D, X/Z/D, X/Z/U*) offers a choice
     * the standard leaves to the attribute's Type in the IOD, which a streaming de-identifier does
     * not know. Every choice removes the identity (an empty value or a dummy carries none), so
     * fednode takes the one that is valid for every Type: the last (D, Z, or U* — the sequence kept
     * with its UIDs replaced).
     */
    public static Action forCode(String code) {
        String[] choices = code.split("/");
        String chosen = choices[choices.length - 1];
        switch (chosen.charAt(0)) {
            case 'X':
                return REMOVE;
            case 'Z':
                return ZERO;
            case 'D':
                return DUMMY;
            case 'K':
                return KEEP;
            case 'C':
                return CLEAN;
            case 'U':
                return REPLACE_UID;
            default:
                throw new IllegalArgumentException("unknown Annex E action code " + code);
        }
    }
}
