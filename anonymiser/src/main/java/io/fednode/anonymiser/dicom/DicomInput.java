package io.fednode.anonymiser.dicom;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.zip.ZipException;

/**
 * Buffered, position-tracking input for DICOM streams. Every read is bounded by {@link #limit()}
 * (the file size when known): a length that points past the end is reported as a {@link
 * DicomFormatException}, never as an attempt to read or allocate it. Values are copied through a
 * fixed-size buffer, so memory does not grow with the size of pixel data.
 */
public final class DicomInput {
    private static final int BUFFER_SIZE = 64 * 1024;

    private static final long TRANSFER_THRESHOLD = 128 * 1024;

    private final InputStream in;
    private final FileChannel channel;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private int pos;
    private int count;
    private long consumedBeforeBuffer;
    private final long limit;
    private boolean bigEndian;

    /**
     * @param limit total number of bytes the stream can deliver, or {@code Long.MAX_VALUE} when
     *     unknown (deflated data)
     */
    public DicomInput(InputStream in, long limit) {
        this.in = in;
        this.channel = null;
        this.limit = limit;
    }

    /**
     * Reads a file through its channel (at position 0), so that large values can be copied to an
     * output file inside the kernel ({@link FileChannel#transferTo}).
     */
    public DicomInput(FileChannel channel) throws IOException {
        this.in = Channels.newInputStream(channel);
        this.channel = channel;
        this.limit = channel.size();
    }

    public long position() {
        return consumedBeforeBuffer + pos;
    }

    public long limit() {
        return limit;
    }

    public long remaining() {
        return limit - position();
    }

    public boolean bigEndian() {
        return bigEndian;
    }

    public void bigEndian(boolean bigEndian) {
        this.bigEndian = bigEndian;
    }

    /** Fills the buffer so that at least {@code n} bytes are available; false at end of stream. */
    private boolean ensure(int n) throws IOException, DicomFormatException {
        if (count - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, count - pos);
            consumedBeforeBuffer += pos;
            count -= pos;
            pos = 0;
        }
        while (count < n) {
            int r;
            try {
                r = in.read(buf, count, buf.length - count);
            } catch (ZipException e) {
                throw new DicomFormatException(DicomFormatException.DEFLATE_ERROR, e.getMessage());
            } catch (EOFException e) {
                throw new DicomFormatException(
                        DicomFormatException.TRUNCATED, "unexpected end of compressed data");
            }
            if (r < 0) {
                return false;
            }
            count += r;
        }
        return true;
    }

    private long underlyingSkip(long n) throws IOException, DicomFormatException {
        if (channel != null) {
            // A seek; the length was checked against the file size.
            channel.position(channel.position() + n);
            return n;
        }
        try {
            return in.skip(n);
        } catch (ZipException e) {
            throw new DicomFormatException(DicomFormatException.DEFLATE_ERROR, e.getMessage());
        } catch (EOFException e) {
            throw new DicomFormatException(
                    DicomFormatException.TRUNCATED, "unexpected end of compressed data");
        }
    }

    /** True when no byte is left. */
    public boolean atEnd() throws IOException, DicomFormatException {
        return position() >= limit || !ensure(1);
    }

    /**
     * Returns the next {@code n} (at most 128) bytes without consuming them, or null at the end.
     */
    public byte[] peek(int n) throws IOException, DicomFormatException {
        if (!ensure(n)) {
            return null;
        }
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        return b;
    }

    private void require(int n) throws IOException, DicomFormatException {
        if (n > remaining() || !ensure(n)) {
            throw new DicomFormatException(
                    DicomFormatException.TRUNCATED, "file ends at byte " + position());
        }
    }

    public int readU8() throws IOException, DicomFormatException {
        require(1);
        return buf[pos++] & 0xff;
    }

    public int readU16() throws IOException, DicomFormatException {
        require(2);
        int a = buf[pos] & 0xff;
        int b = buf[pos + 1] & 0xff;
        pos += 2;
        return bigEndian ? (a << 8) | b : (b << 8) | a;
    }

    public long readU32() throws IOException, DicomFormatException {
        require(4);
        long a = buf[pos] & 0xff;
        long b = buf[pos + 1] & 0xff;
        long c = buf[pos + 2] & 0xff;
        long d = buf[pos + 3] & 0xff;
        pos += 4;
        return bigEndian
                ? (a << 24) | (b << 16) | (c << 8) | d
                : (d << 24) | (c << 16) | (b << 8) | a;
    }

    /** Reads a value into memory; callers only do this for values they must rewrite. */
    public byte[] readBytes(long n, int maxLength) throws IOException, DicomFormatException {
        checkLength(n);
        if (n > maxLength) {
            throw new DicomFormatException(
                    DicomFormatException.VALUE_TOO_LARGE,
                    n + " bytes at " + position() + " exceed " + maxLength);
        }
        byte[] out = new byte[(int) n];
        int done = 0;
        while (done < n) {
            int chunk = (int) Math.min(BUFFER_SIZE, n - done);
            require(chunk);
            System.arraycopy(buf, pos, out, done, chunk);
            pos += chunk;
            done += chunk;
        }
        return out;
    }

    /** Fails when a value of {@code n} bytes cannot fit in what is left of the stream. */
    public void checkLength(long n) throws DicomFormatException {
        if (n < 0 || n > remaining()) {
            throw new DicomFormatException(
                    DicomFormatException.LENGTH_PAST_END,
                    "value of " + n + " bytes at " + position() + " runs past the end");
        }
    }

    public void skip(long n) throws IOException, DicomFormatException {
        checkLength(n);
        long left = n;
        while (left > 0) {
            if (pos < count) {
                int take = (int) Math.min(left, count - pos);
                pos += take;
                left -= take;
                continue;
            }
            // Buffer is empty: skip in the underlying stream (a seek for files).
            consumedBeforeBuffer += count;
            pos = 0;
            count = 0;
            long s = underlyingSkip(left);
            if (s > 0) {
                consumedBeforeBuffer += s;
                left -= s;
            } else if (!ensure(1)) {
                throw new DicomFormatException(
                        DicomFormatException.TRUNCATED, "file ends at byte " + position());
            }
        }
    }

    /** Copies {@code n} bytes to {@code out} through the fixed buffer. */
    public void copyTo(OutputStream out, long n) throws IOException, DicomFormatException {
        checkLength(n);
        long left = n;
        while (left > 0) {
            if (pos == count && !ensure(1)) {
                throw new DicomFormatException(
                        DicomFormatException.TRUNCATED, "file ends at byte " + position());
            }
            int take = (int) Math.min(left, count - pos);
            out.write(buf, pos, take);
            pos += take;
            left -= take;
        }
    }

    /**
     * Copies {@code n} bytes to the output: through the kernel when both sides are plain files (no
     * user-space copy of pixel data), else through the fixed buffer.
     */
    public void copyTo(DicomOutput out, long n) throws IOException, DicomFormatException {
        checkLength(n);
        FileChannel target = out.rawChannel();
        if (channel == null || target == null || n < TRANSFER_THRESHOLD) {
            copyTo(out.stream(), n);
            return;
        }
        int take = (int) Math.min(n, count - pos);
        out.stream().write(buf, pos, take);
        pos += take;
        long left = n - take;
        out.stream().flush();
        // The buffer is drained: the channel's position is where reading continues.
        consumedBeforeBuffer += count;
        pos = 0;
        count = 0;
        long src = consumedBeforeBuffer;
        while (left > 0) {
            long t = channel.transferTo(src, left, target);
            if (t <= 0) {
                throw new DicomFormatException(
                        DicomFormatException.TRUNCATED, "file ends at byte " + src);
            }
            src += t;
            left -= t;
        }
        consumedBeforeBuffer = src;
        channel.position(src);
    }

    /**
     * Hands over the unread rest of this stream (buffered bytes first); used to switch to inflating
     * the deflated data set after the file meta information.
     */
    public InputStream rest() {
        byte[] pending = java.util.Arrays.copyOfRange(buf, pos, count);
        consumedBeforeBuffer += count;
        pos = 0;
        count = 0;
        return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(pending), in);
    }
}
