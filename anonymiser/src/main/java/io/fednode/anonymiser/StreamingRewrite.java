package io.fednode.anonymiser;

import static io.fednode.anonymiser.Values.dummy;

import io.fednode.anonymiser.dicom.DataDictionary;
import io.fednode.anonymiser.dicom.DatasetReader;
import io.fednode.anonymiser.dicom.DatasetReader.Kind;
import io.fednode.anonymiser.dicom.DicomFile;
import io.fednode.anonymiser.dicom.DicomFormatException;
import io.fednode.anonymiser.dicom.DicomInput;
import io.fednode.anonymiser.dicom.DicomOutput;
import io.fednode.anonymiser.dicom.ElementHeader;
import io.fednode.anonymiser.dicom.Tags;
import io.fednode.anonymiser.dicom.TransferSyntax;
import io.fednode.anonymiser.dicom.Vr;
import io.fednode.anonymiser.profile.PrivateBlocks;
import io.fednode.anonymiser.profile.SafePrivateTable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * The second pass over one file: reads its elements in order and writes each as the {@link
 * ActionResolver} decides, values through {@link ValueTransforms}, private ones through {@link
 * SafePrivateRetention}, with fednode's {@link InsertedAttributes} in place. Large kept values
 * (pixel data) are copied through a bounded buffer; sequences and items are written with undefined
 * length, so no value is ever buffered to compute a length.
 */
final class StreamingRewrite {
    /** Largest value read into memory to be rewritten; larger ones make the file quarantined. */
    static final int MAX_REWRITTEN_VALUE = 1 << 20;

    private static final byte[] PREAMBLE = new byte[128];

    private final DataDictionary dictionary;
    private final ActionResolver resolver;
    private final InsertedAttributes inserted;
    private final ValueTransforms transforms;

    /** Held safe private groups with Retain Safe Private, else null (all private removed). */
    private final SafePrivateRetention retention;

    private final String sopClassUid;
    private final String sopInstanceUid;
    private final String patientPseudonym;
    private TreeMap<Integer, byte[]> pendingTopLevel;
    private DatasetReader r;
    private DicomInput in;
    private DicomOutput o;

    /**
     * @param sopClassUid the SOP Class UID for the meta information
     * @param sopInstanceUid the output's SOP Instance UID (already pseudonymised)
     * @param retention the safe private retention, or null when private attributes are removed
     */
    StreamingRewrite(
            DataDictionary dictionary,
            ActionResolver resolver,
            InsertedAttributes inserted,
            ValueTransforms transforms,
            SafePrivateRetention retention,
            String sopClassUid,
            String sopInstanceUid,
            String patientPseudonym) {
        this.dictionary = dictionary;
        this.resolver = resolver;
        this.inserted = inserted;
        this.transforms = transforms;
        this.retention = retention;
        this.sopClassUid = sopClassUid;
        this.sopInstanceUid = sopInstanceUid;
        this.patientPseudonym = patientPseudonym;
    }

    void run(DicomInput source, DicomOutput sink) throws IOException, DicomFormatException {
        DicomFile file = DicomFile.open(source, dictionary);
        TransferSyntax ts = file.transferSyntax();
        r = file.reader();
        in = r.input();
        o = sink;
        OutputStream raw = o.stream();
        o.write(PREAMBLE);
        o.write(new byte[] {'D', 'I', 'C', 'M'});
        inserted.writeMeta(o, sopClassUid, sopInstanceUid, ts);
        Deflater deflater = null;
        DeflaterOutputStream deflating = null;
        if (ts.deflated()) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            deflating = new DeflaterOutputStream(raw, deflater, 64 * 1024);
            o.stream(deflating);
        }
        o.encoding(ts.explicitVr(), ts.bigEndian());
        pendingTopLevel = inserted.topLevel(patientPseudonym, o);
        try {
            rewriteTopLevel();
            flushPending(Integer.MAX_VALUE);
            if (deflating != null) {
                deflating.finish();
            }
            raw.flush();
        } finally {
            if (deflater != null) {
                deflater.end();
            }
        }
    }

    private void flushPending(int beforeTag) throws IOException {
        while (!pendingTopLevel.isEmpty()
                && Integer.compareUnsigned(pendingTopLevel.firstKey(), beforeTag) < 0) {
            o.write(pendingTopLevel.pollFirstEntry().getValue());
        }
    }

    private void rewriteTopLevel() throws IOException, DicomFormatException {
        while (!r.atEnd()) {
            ElementHeader h = r.readHeader();
            if (Tags.group(h.tag()) == 0xFFFE) {
                throw new DicomFormatException(
                        DicomFormatException.MALFORMED, "unexpected " + h + " at top level");
            }
            endPrivateGroupBefore(h.tag());
            flushPending(h.tag());
            if (pendingTopLevel.containsKey(h.tag())
                    || h.tag() == Tags.PATIENT_NAME
                    || h.tag() == Tags.PATIENT_ID) {
                // Replaced by our own value (pseudonym, de-identification attributes).
                r.skipValue(h, 0);
                continue;
            }
            rewriteElement(h, 0);
        }
        endPrivateGroup();
    }

    private void rewriteElement(ElementHeader h, int depth)
            throws IOException, DicomFormatException {
        int tag = h.tag();
        endPrivateGroupBefore(tag);
        Kind kind = r.kindOf(h);
        Treatment treatment = resolver.resolve(tag, h.vr(), kind);
        switch (treatment) {
            case DROP -> r.skipValue(h, depth);
            case EMPTY -> {
                r.skipValue(h, depth);
                o.writeHeader(tag, h.vr(), 0);
            }
            case DUMMY -> {
                r.skipValue(h, depth);
                writeValue(h, dummy(resolver.judgedVr(tag, h.vr(), kind)));
            }
            case SEQUENCE -> rewriteSequence(h, kind, depth);
            case FRAGMENTS -> copyFragments(h);
            case COPY -> copyValue(h);
            case SAFE_PRIVATE -> rewriteSafePrivate(h, kind, depth);
            default -> {
                String vr = resolver.judgedVr(tag, h.vr(), kind);
                writeValue(h, transforms.apply(treatment, vr, readValue(h)));
            }
        }
    }

    private void rewriteSequence(ElementHeader h, Kind kind, int depth)
            throws IOException, DicomFormatException {
        if (depth + 1 >= DatasetReader.MAX_DEPTH) {
            throw new DicomFormatException(
                    DicomFormatException.NESTING_TOO_DEEP,
                    "more than " + DatasetReader.MAX_DEPTH + " levels");
        }
        o.writeHeader(h.tag(), h.vr(), ElementHeader.UNDEFINED_LENGTH);
        boolean explicit = r.explicitVr();
        boolean bigEndian = r.bigEndian();
        if (kind == Kind.SEQUENCE_IMPLICIT_LE) {
            r.encoding(false, false);
            o.encoding(false, false);
        }
        if (h.undefinedLength()) {
            while (true) {
                ElementHeader item = r.readHeader();
                if (item.tag() == Tags.SEQUENCE_DELIMITATION) {
                    break;
                }
                rewriteItem(item, depth + 1);
            }
        } else {
            in.checkLength(h.length());
            long end = in.position() + h.length();
            while (in.position() < end) {
                rewriteItem(r.readHeader(), depth + 1);
            }
            if (in.position() != end) {
                throw new DicomFormatException(
                        DicomFormatException.LENGTH_PAST_END,
                        "items overrun the sequence " + Tags.toString(h.tag()));
            }
        }
        o.writeHeader(Tags.SEQUENCE_DELIMITATION, null, 0);
        r.encoding(explicit, bigEndian);
        o.encoding(explicit, bigEndian);
    }

    private void rewriteItem(ElementHeader item, int depth)
            throws IOException, DicomFormatException {
        if (item.tag() != Tags.ITEM) {
            throw new DicomFormatException(
                    DicomFormatException.MALFORMED, "expected an item, found " + item);
        }
        o.writeHeader(Tags.ITEM, null, ElementHeader.UNDEFINED_LENGTH);
        SafePrivateRetention.HeldGroup outer = retention == null ? null : retention.enterDataSet();
        if (item.undefinedLength()) {
            while (true) {
                ElementHeader h = r.readHeader();
                if (h.tag() == Tags.ITEM_DELIMITATION) {
                    break;
                }
                checkNotDelimiter(h);
                rewriteElement(h, depth);
            }
        } else {
            in.checkLength(item.length());
            long end = in.position() + item.length();
            while (in.position() < end) {
                ElementHeader h = r.readHeader();
                checkNotDelimiter(h);
                rewriteElement(h, depth);
            }
            if (in.position() != end) {
                throw new DicomFormatException(
                        DicomFormatException.LENGTH_PAST_END, "elements overrun their item");
            }
        }
        if (retention != null) {
            retention.leaveDataSet(outer, o);
        }
        o.writeHeader(Tags.ITEM_DELIMITATION, null, 0);
    }

    private void endPrivateGroupBefore(int tag) throws IOException {
        if (retention != null) {
            retention.endBefore(tag, o);
        }
    }

    private void endPrivateGroup() throws IOException {
        if (retention != null) {
            retention.end(o);
        }
    }

    /**
     * A private element with Retain Safe Private: creators are held; a data element the retention
     * finds safe is written into a held buffer and kept there when its value is.
     */
    private void rewriteSafePrivate(ElementHeader h, Kind kind, int depth)
            throws IOException, DicomFormatException {
        int tag = h.tag();
        if (PrivateBlocks.isCreator(tag)) {
            if (kind == Kind.VALUE && h.length() <= 64) {
                retention.creator(tag, h.vr(), readValue(h));
            } else {
                r.skipValue(h, depth); // not a creator value (LO, at most 64 characters)
            }
            return;
        }
        SafePrivateTable.Entry entry = retention.entry(tag);
        String vr = entry == null ? null : entry.judgedVr(h.vr());
        if (vr == null) {
            r.skipValue(h, depth);
            return;
        }
        DicomOutput target = o;
        SafePrivateRetention.HeldElement element = retention.hold(tag, target);
        o = element.output();
        try {
            if (writeSafePrivate(h, kind, vr, entry, depth)) {
                element.keep();
            }
        } catch (SafePrivateRetention.Overflow e) {
            throw SafePrivateRetention.tooMuchHeld();
        } finally {
            o = target;
        }
    }

    /** Writes a safe private element to {@code o}; false when its value is not kept. */
    private boolean writeSafePrivate(
            ElementHeader h, Kind kind, String vr, SafePrivateTable.Entry entry, int depth)
            throws IOException, DicomFormatException {
        boolean sequence = kind == Kind.SEQUENCE || kind == Kind.SEQUENCE_IMPLICIT_LE;
        if (Vr.SQ.equals(vr) && sequence) {
            rewriteSequence(h, kind, depth);
            return true;
        }
        if (Vr.SQ.equals(vr) || kind != Kind.VALUE || h.length() > MAX_REWRITTEN_VALUE) {
            // A sequence stored as opaque bytes cannot be processed; items, fragments or huge
            // values where the table lists a plain value are not what the table describes.
            r.skipValue(h, depth);
            return false;
        }
        byte[] value = retention.retainedValue(entry, vr, readValue(h));
        if (value == null) {
            return false;
        }
        writeValue(h, value);
        return true;
    }

    private static void checkNotDelimiter(ElementHeader h) throws DicomFormatException {
        if (Tags.group(h.tag()) == 0xFFFE) {
            throw new DicomFormatException(
                    DicomFormatException.MALFORMED, "unexpected " + h + " inside an item");
        }
    }

    private void copyFragments(ElementHeader h) throws IOException, DicomFormatException {
        o.writeHeader(h.tag(), h.vr(), ElementHeader.UNDEFINED_LENGTH);
        while (true) {
            ElementHeader item = r.readHeader();
            if (item.tag() == Tags.SEQUENCE_DELIMITATION) {
                o.writeHeader(Tags.SEQUENCE_DELIMITATION, null, 0);
                return;
            }
            if (item.tag() != Tags.ITEM || item.undefinedLength()) {
                throw new DicomFormatException(
                        DicomFormatException.MALFORMED, "bad pixel data fragment " + item);
            }
            o.writeHeader(Tags.ITEM, null, item.length());
            in.copyTo(o, item.length());
        }
    }

    private void copyValue(ElementHeader h) throws IOException, DicomFormatException {
        in.checkLength(h.length());
        o.writeHeader(h.tag(), h.vr(), h.length());
        in.copyTo(o, h.length());
    }

    private byte[] readValue(ElementHeader h) throws IOException, DicomFormatException {
        return in.readBytes(h.length(), MAX_REWRITTEN_VALUE);
    }

    private void writeValue(ElementHeader h, byte[] value) throws IOException {
        o.writeHeader(h.tag(), h.vr(), value.length);
        o.write(value);
    }
}
