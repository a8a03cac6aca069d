package io.fednode.anonymiser.dicom;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A buffered output stream for one thread: {@link java.io.BufferedOutputStream} takes a lock on
 * every call, and element headers are written a byte at a time.
 */
public final class BufferedSink extends OutputStream {
    private final OutputStream out;
    private final byte[] buf;
    private int count;

    public BufferedSink(OutputStream out, int size) {
        this.out = out;
        this.buf = new byte[size];
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buf.length) {
            drain();
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len >= buf.length) {
            drain();
            out.write(b, off, len);
            return;
        }
        if (len > buf.length - count) {
            drain();
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            count = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }
}
