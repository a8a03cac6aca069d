package io.fednode.anonymiser.dicom;

/** How a data set is encoded; only the transfer syntaxes the anonymiser can rewrite safely. */
public record TransferSyntax(
        String uid, boolean explicitVr, boolean bigEndian, boolean deflated, boolean encapsulated) {

    public static final TransferSyntax IMPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2", false, false, false, false);
    public static final TransferSyntax EXPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.1", true, false, false, false);
    public static final TransferSyntax EXPLICIT_VR_BIG_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.2", true, true, false, false);
    public static final TransferSyntax DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.1.99", true, false, true, false);

    /**
     * The transfer syntax for a UID, or null when unsupported. Compressed pixel data (JPEG family,
     * JPEG-LS, JPEG 2000, HTJ2K, MPEG, RLE, encapsulated uncompressed) is copied through as
     * fragments; its data set is explicit VR little endian.
     */
    public static TransferSyntax forUid(String uid) {
        switch (uid) {
            case "1.2.840.10008.1.2":
                return IMPLICIT_VR_LITTLE_ENDIAN;
            case "1.2.840.10008.1.2.1":
                return EXPLICIT_VR_LITTLE_ENDIAN;
            case "1.2.840.10008.1.2.2":
                return EXPLICIT_VR_BIG_ENDIAN;
            case "1.2.840.10008.1.2.1.99":
                return DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN;
            case "1.2.840.10008.1.2.5":
            case "1.2.840.10008.1.2.1.98":
                return new TransferSyntax(uid, true, false, false, true);
            default:
                if (uid.startsWith("1.2.840.10008.1.2.4.") && uid.length() <= 64) {
                    return new TransferSyntax(uid, true, false, false, true);
                }
                return null;
        }
    }
}
