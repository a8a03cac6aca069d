package io.fednode.anonymiser;

/** The UID syntax of DICOM PS3.5 9.1, as far as output paths depend on it. */
final class Uids {
    /** PS3.5 9.1: a UID is at most 64 characters. */
    static final int MAX_LENGTH = 64;

    private Uids() {}

    /**
     * True for one or more components of digits separated by single dots, at most 64 characters:
     * never empty, never {@code .} or {@code ..}, no separator, so always a plain file name.
     * Leading zeros in a component (which PS3.5 forbids but old devices write) are accepted: they
     * do not change the path.
     */
    static boolean valid(String uid) {
        if (uid == null || uid.isEmpty() || uid.length() > MAX_LENGTH) {
            return false;
        }
        boolean digitBefore = false;
        for (int i = 0; i < uid.length(); i++) {
            char c = uid.charAt(i);
            if (c >= '0' && c <= '9') {
                digitBefore = true;
            } else if (c == '.' && digitBefore) {
                digitBefore = false;
            } else {
                return false;
            }
        }
        return digitBefore;
    }
}
