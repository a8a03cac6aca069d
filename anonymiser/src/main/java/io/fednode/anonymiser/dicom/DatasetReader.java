package io.fednode.anonymiser.dicom;

import java.io.IOException;

/**
 * Pull parser for the elements of a data set. It reads headers; the caller decides per element
 * whether to skip, copy or read the value. Structural rules (what is a sequence, what are pixel
 * data fragments) live here so every pass over a file agrees on them.
 */
public final class DatasetReader {
    /** How an element's value is laid out. */
    public enum Kind {
        /** Plain bytes of the given length. */
        VALUE,
        /** Items of elements in the current encoding. */
        SEQUENCE,
        /** UN of undefined length: items encoded implicit VR little endian (PS3.5 6.2.2). */
        SEQUENCE_IMPLICIT_LE,
        /** Encapsulated pixel data: items of raw bytes ending with a sequence delimiter. */
        FRAGMENTS
    }

    public static final int MAX_DEPTH = 32;

    private final DicomInput in;
    private final DataDictionary dictionary;
    private boolean explicitVr;

    public DatasetReader(DicomInput in, DataDictionary dictionary, boolean explicitVr) {
        this.in = in;
        this.dictionary = dictionary;
        this.explicitVr = explicitVr;
    }

    public DicomInput input() {
        return in;
    }

    public boolean explicitVr() {
        return explicitVr;
    }

    public boolean bigEndian() {
        return in.bigEndian();
    }

    public void encoding(boolean explicitVr, boolean bigEndian) {
        this.explicitVr = explicitVr;
        in.bigEndian(bigEndian);
    }

    public boolean atEnd() throws IOException, DicomFormatException {
        return in.atEnd();
    }

    public ElementHeader readHeader() throws IOException, DicomFormatException {
        int group = in.readU16();
        int element = in.readU16();
        int tag = (group << 16) | element;
        if (group == 0xFFFE) {
            if (tag != Tags.ITEM
                    && tag != Tags.ITEM_DELIMITATION
                    && tag != Tags.SEQUENCE_DELIMITATION) {
                throw new DicomFormatException(
                        DicomFormatException.MALFORMED, "unknown delimiter " + Tags.toString(tag));
            }
            return new ElementHeader(tag, null, in.readU32());
        }
        if (!explicitVr) {
            return new ElementHeader(tag, dictionary.vrOf(tag), in.readU32());
        }
        int c1 = in.readU8();
        int c2 = in.readU8();
        String vr = new String(new char[] {(char) c1, (char) c2});
        if (!Vr.isKnown(vr)) {
            throw new DicomFormatException(
                    DicomFormatException.INVALID_VR,
                    "VR bytes " + c1 + "," + c2 + " of " + Tags.toString(tag));
        }
        long length;
        if (Vr.hasLongLength(vr)) {
            in.readU16();
            length = in.readU32();
        } else {
            length = in.readU16();
        }
        return new ElementHeader(tag, vr, length);
    }

    public Kind kindOf(ElementHeader h) throws DicomFormatException {
        if (Vr.SQ.equals(h.vr())) {
            return Kind.SEQUENCE;
        }
        if (!h.undefinedLength()) {
            return Kind.VALUE;
        }
        if (h.tag() == Tags.PIXEL_DATA || "OB".equals(h.vr()) || "OW".equals(h.vr())) {
            return Kind.FRAGMENTS;
        }
        if (Vr.UN.equals(h.vr())) {
            return explicitVr ? Kind.SEQUENCE_IMPLICIT_LE : Kind.SEQUENCE;
        }
        throw new DicomFormatException(DicomFormatException.MALFORMED, "undefined length on " + h);
    }

    /** Skips the value of an element whose header was just read, nested content included. */
    public void skipValue(ElementHeader h, int depth) throws IOException, DicomFormatException {
        Kind kind = kindOf(h);
        if (!h.undefinedLength()) {
            in.skip(h.length());
            return;
        }
        if (depth >= MAX_DEPTH) {
            throw new DicomFormatException(
                    DicomFormatException.NESTING_TOO_DEEP, "more than " + MAX_DEPTH + " levels");
        }
        boolean savedExplicit = explicitVr;
        boolean savedBigEndian = in.bigEndian();
        if (kind == Kind.SEQUENCE_IMPLICIT_LE) {
            encoding(false, false);
        }
        while (true) {
            ElementHeader item = readHeader();
            if (item.tag() == Tags.SEQUENCE_DELIMITATION) {
                break;
            }
            if (item.tag() != Tags.ITEM) {
                throw new DicomFormatException(
                        DicomFormatException.MALFORMED, "expected an item, found " + item);
            }
            if (!item.undefinedLength()) {
                in.skip(item.length());
            } else if (kind == Kind.FRAGMENTS) {
                throw new DicomFormatException(
                        DicomFormatException.MALFORMED, "pixel data fragment of undefined length");
            } else {
                skipItemElements(depth + 1);
            }
        }
        encoding(savedExplicit, savedBigEndian);
    }

    private void skipItemElements(int depth) throws IOException, DicomFormatException {
        while (true) {
            ElementHeader h = readHeader();
            if (h.tag() == Tags.ITEM_DELIMITATION) {
                return;
            }
            if (Tags.group(h.tag()) == 0xFFFE) {
                throw new DicomFormatException(
                        DicomFormatException.MALFORMED, "unexpected " + h + " inside an item");
            }
            skipValue(h, depth);
        }
    }
}
