package io.fednode.anonymiser.dicom;

import java.util.Set;

/** Value representations (PS3.5 section 6.2) and how they are encoded. */
public final class Vr {
    private Vr() {}

    public static final String SQ = "SQ";
    public static final String UN = "UN";
    public static final String UI = "UI";

    private static final Set<String> ALL =
            Set.of(
                    "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB",
                    "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM",
                    "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV");

    /** VRs whose explicit-VR header has two reserved bytes and a 32-bit length. */
    private static final Set<String> LONG_LENGTH =
            Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

    /** VRs whose value is character data. */
    private static final Set<String> TEXT =
            Set.of(
                    "AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM",
                    "UC", "UI", "UR", "UT");

    public static boolean isKnown(String vr) {
        return ALL.contains(vr);
    }

    public static boolean hasLongLength(String vr) {
        return LONG_LENGTH.contains(vr);
    }

    public static boolean isText(String vr) {
        return TEXT.contains(vr);
    }

    /** Fixed size of one binary value, or 0 for variable-length VRs. */
    public static int binarySize(String vr) {
        switch (vr) {
            case "US":
            case "SS":
                return 2;
            case "UL":
            case "SL":
            case "FL":
            case "AT":
                return 4;
            case "FD":
            case "SV":
            case "UV":
                return 8;
            default:
                return 0;
        }
    }
}
