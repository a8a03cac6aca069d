package io.fednode.anonymiser.dicom;

/**
 * One element header as read: tag, VR (from the stream, or the dictionary for implicit VR; null for
 * items and delimiters) and value length ({@link #UNDEFINED_LENGTH} when undefined).
 */
public record ElementHeader(int tag, String vr, long length) {
    public static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;

    public boolean undefinedLength() {
        return length == UNDEFINED_LENGTH;
    }

    @Override
    public String toString() {
        return Tags.toString(tag) + " " + vr + " " + (undefinedLength() ? "undefined" : length);
    }
}
