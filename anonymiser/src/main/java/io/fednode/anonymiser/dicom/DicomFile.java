package io.fednode.anonymiser.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Opens a DICOM stream: preamble and file meta information if present (also without preamble),
 * otherwise the encoding guessed from the first element; deflated data sets are inflated on the
 * fly. The result is a {@link DatasetReader} positioned at the first data set element.
 */
public final class DicomFile {
    private static final int MAX_META_VALUE = 64 * 1024;

    private final Map<Integer, byte[]> meta;
    private final TransferSyntax transferSyntax;
    private final DatasetReader reader;

    private DicomFile(Map<Integer, byte[]> meta, TransferSyntax ts, DatasetReader reader) {
        this.meta = meta;
        this.transferSyntax = ts;
        this.reader = reader;
    }

    public TransferSyntax transferSyntax() {
        return transferSyntax;
    }

    public DatasetReader reader() {
        return reader;
    }

    /** Raw values of the file meta information elements, by tag. */
    public Map<Integer, byte[]> meta() {
        return Collections.unmodifiableMap(meta);
    }

    /**
     * @param size the number of bytes {@code raw} delivers
     */
    public static DicomFile open(InputStream raw, long size, DataDictionary dictionary)
            throws IOException, DicomFormatException {
        return open(new DicomInput(raw, size), dictionary);
    }

    public static DicomFile open(DicomInput in, DataDictionary dictionary)
            throws IOException, DicomFormatException {
        long size = in.limit();
        if (size < 8) {
            throw new DicomFormatException(
                    DicomFormatException.NOT_DICOM, "only " + size + " bytes");
        }
        byte[] head = in.peek((int) Math.min(132, size));
        boolean preamble =
                head.length == 132
                        && head[128] == 'D'
                        && head[129] == 'I'
                        && head[130] == 'C'
                        && head[131] == 'M';
        if (preamble) {
            in.skip(132);
        }
        Map<Integer, byte[]> meta = new LinkedHashMap<>();
        byte[] first = in.peek(2);
        if (first != null && first[0] == 2 && first[1] == 0) {
            readMeta(in, dictionary, meta);
        }
        // Without a meta group (also after "DICM"), the encoding is judged from the data set.
        TransferSyntax ts;
        byte[] tsValue = meta.get(Tags.TRANSFER_SYNTAX_UID);
        if (tsValue != null) {
            String uid = trimmed(tsValue);
            ts = TransferSyntax.forUid(uid);
            if (ts == null) {
                throw new DicomFormatException(
                        DicomFormatException.UNSUPPORTED_TRANSFER_SYNTAX, printable(uid));
            }
        } else {
            ts = guessEncoding(in);
        }
        DicomInput dataset = in;
        if (ts.deflated()) {
            dataset =
                    new DicomInput(
                            new InflaterInputStream(in.rest(), new Inflater(true), 64 * 1024),
                            Long.MAX_VALUE);
        }
        DatasetReader reader = new DatasetReader(dataset, dictionary, ts.explicitVr());
        reader.encoding(ts.explicitVr(), ts.bigEndian());
        return new DicomFile(meta, ts, reader);
    }

    private static void readMeta(
            DicomInput in, DataDictionary dictionary, Map<Integer, byte[]> meta)
            throws IOException, DicomFormatException {
        in.bigEndian(false);
        DatasetReader r = new DatasetReader(in, dictionary, true);
        while (true) {
            byte[] next = in.peek(2);
            if (next == null || next[0] != 2 || next[1] != 0) {
                return;
            }
            ElementHeader h = r.readHeader();
            if (h.undefinedLength()) {
                throw new DicomFormatException(
                        DicomFormatException.MALFORMED, "undefined length in file meta " + h);
            }
            meta.put(h.tag(), in.readBytes(h.length(), MAX_META_VALUE));
        }
    }

    /** Files without (usable) meta information: judge the encoding by the first element. */
    private static TransferSyntax guessEncoding(DicomInput in)
            throws IOException, DicomFormatException {
        byte[] b = in.peek(6);
        if (b == null) {
            throw new DicomFormatException(DicomFormatException.NOT_DICOM, "no data set");
        }
        int groupLe = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        int groupBe = (b[1] & 0xff) | (b[0] & 0xff) << 8;
        boolean explicit =
                Character.isUpperCase(b[4])
                        && Character.isUpperCase(b[5])
                        && Vr.isKnown(new String(new char[] {(char) b[4], (char) b[5]}));
        if (plausibleFirstGroup(groupLe)) {
            return explicit
                    ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN
                    : TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
        }
        if (plausibleFirstGroup(groupBe) && explicit) {
            return TransferSyntax.EXPLICIT_VR_BIG_ENDIAN;
        }
        throw new DicomFormatException(
                DicomFormatException.NOT_DICOM, "no preamble, meta information or data set start");
    }

    private static boolean plausibleFirstGroup(int group) {
        return group % 2 == 0 && group >= 0x0002 && group <= 0x0028;
    }

    /** Character value without trailing NUL/space padding. */
    public static String trimmed(byte[] value) {
        int end = value.length;
        while (end > 0 && (value[end - 1] == 0 || value[end - 1] == ' ')) {
            end--;
        }
        int start = 0;
        while (start < end && value[start] == ' ') {
            start++;
        }
        return new String(value, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
