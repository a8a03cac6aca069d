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
     * The action for a table cell. Combined codes (Z/D, X/Z, X/D, X/Z/D, X/Z/U*) take their first
     * choice: without the IOD's attribute Types, the more protective choice is the safe one.
     */
    public static Action forCode(String code) {
        switch (code.charAt(0)) {
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
