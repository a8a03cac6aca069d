package io.fednode.anonymiser.dicom;

/**
 * The input is not DICOM the anonymiser can handle safely. {@link #reason()} is a short, stable,
 * machine-readable code (it becomes a quarantine reason); the message gives detail.
 */
public final class DicomFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Reason codes shared with the quarantine report. */
    public static final String NOT_DICOM = "not-dicom";

    public static final String TRUNCATED = "truncated";
    public static final String LENGTH_PAST_END = "length-past-end";
    public static final String INVALID_VR = "invalid-vr";
    public static final String MALFORMED = "malformed";
    public static final String NESTING_TOO_DEEP = "nesting-too-deep";
    public static final String VALUE_TOO_LARGE = "value-too-large";
    public static final String DEFLATE_ERROR = "deflate-error";
    public static final String UNSUPPORTED_TRANSFER_SYNTAX = "unsupported-transfer-syntax";

    private final String reason;

    public DicomFormatException(String reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
