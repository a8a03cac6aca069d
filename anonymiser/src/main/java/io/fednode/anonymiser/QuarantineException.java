package io.fednode.anonymiser;

/** A file must not be written to the output; {@link #reason()} is the quarantine reason code. */
public final class QuarantineException extends Exception {
    private static final long serialVersionUID = 1L;

    static final String BURNED_IN_ANNOTATION = "burned-in-annotation";
    static final String MISSING_UID = "missing-uid";
    static final String DUPLICATE_SOP_INSTANCE = "duplicate-sop-instance-uid";
    static final String INVALID_UID = "invalid-uid";
    static final String FILE_TOO_LARGE = "file-too-large";
    static final String NOT_A_REGULAR_FILE = "not-a-regular-file";

    private final String reason;

    QuarantineException(String reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
