package io.fednode.anonymiser.dicom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;

/** Writes element headers and values in a given encoding (explicit/implicit VR, byte order). */
public final class DicomOutput {
    private OutputStream out;
    private final OutputStream raw;
    private final FileChannel channel;
    private boolean explicitVr;
    private boolean bigEndian;

    public DicomOutput(OutputStream out) {
        this(out, null);
    }

    /**
     * @param out buffered stream writing to {@code channel}
     * @param channel the output file, for kernel copies of large values; may be null
     */
    public DicomOutput(OutputStream out, FileChannel channel) {
        this.out = out;
        this.raw = out;
        this.channel = channel;
    }

    /** The output file's channel while writing straight to it (not through a deflater). */
    FileChannel rawChannel() {
        return out == raw ? channel : null;
    }

    public OutputStream stream() {
        return out;
    }

    /** Replaces the stream, e.g. with a deflater after the file meta information. */
    public void stream(OutputStream out) {
        this.out = out;
    }

    public void encoding(boolean explicitVr, boolean bigEndian) {
        this.explicitVr = explicitVr;
        this.bigEndian = bigEndian;
    }

    public boolean explicitVr() {
        return explicitVr;
    }

    public boolean bigEndian() {
        return bigEndian;
    }

    public void writeU16(int v) throws IOException {
        if (bigEndian) {
            out.write(v >>> 8);
            out.write(v);
        } else {
            out.write(v);
            out.write(v >>> 8);
        }
    }

    public void writeU32(long v) throws IOException {
        if (bigEndian) {
            writeU16((int) (v >>> 16) & 0xFFFF);
            writeU16((int) v & 0xFFFF);
        } else {
            writeU16((int) v & 0xFFFF);
            writeU16((int) (v >>> 16) & 0xFFFF);
        }
    }

    public void write(byte[] b) throws IOException {
        out.write(b);
    }

    public void writeHeader(int tag, String vr, long length) throws IOException {
        writeU16(Tags.group(tag));
        writeU16(Tags.element(tag));
        if (Tags.group(tag) == 0xFFFE || !explicitVr) {
            writeU32(length);
            return;
        }
        out.write(vr.charAt(0));
        out.write(vr.charAt(1));
        if (Vr.hasLongLength(vr)) {
            writeU16(0);
            writeU32(length);
        } else {
            if (length > 0xFFFF) {
                throw new IllegalArgumentException(
                        "value of " + length + " bytes too long for VR " + vr);
            }
            writeU16((int) length);
        }
    }

    /** Writes a complete element with the given value (already padded to even length). */
    public void writeElement(int tag, String vr, byte[] value) throws IOException {
        writeHeader(tag, vr, value.length);
        write(value);
    }
}
