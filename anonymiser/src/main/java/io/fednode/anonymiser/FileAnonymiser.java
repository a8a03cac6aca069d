package io.fednode.anonymiser;

import static io.fednode.anonymiser.Values.addTokens;
import static io.fednode.anonymiser.Values.dummy;
import static io.fednode.anonymiser.Values.holdsIdentifyingWord;
import static io.fednode.anonymiser.Values.mapUids;
import static io.fednode.anonymiser.Values.shiftDates;
import static io.fednode.anonymiser.Values.text;
import static io.fednode.anonymiser.Values.uidBytes;

import io.fednode.anonymiser.dicom.BufferedSink;
import io.fednode.anonymiser.dicom.DataDictionary;
import io.fednode.anonymiser.dicom.DatasetReader;
import io.fednode.anonymiser.dicom.DicomFile;
import io.fednode.anonymiser.dicom.DicomFormatException;
import io.fednode.anonymiser.dicom.DicomInput;
import io.fednode.anonymiser.dicom.DicomOutput;
import io.fednode.anonymiser.dicom.ElementHeader;
import io.fednode.anonymiser.dicom.Tags;
import io.fednode.anonymiser.dicom.TransferSyntax;
import io.fednode.anonymiser.dicom.Vr;
import io.fednode.anonymiser.profile.Action;
import io.fednode.anonymiser.profile.ConfidentialityProfile;
import io.fednode.anonymiser.profile.PrivateBlocks;
import io.fednode.anonymiser.profile.ProfileOption;
import io.fednode.anonymiser.profile.SafePrivateTable;
import io.fednode.anonymiser.pseudonym.Pseudonymiser;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * De-identifies one DICOM file in two streaming passes. The first pass reads only the top-level
 * values decisions depend on and skips everything else; the second rewrites the header attributes
 * and copies pixel data and other kept large values through a bounded buffer. The output keeps the
 * input's transfer syntax; sequences and items are written with undefined length, so no value is
 * ever buffered to compute a length.
 */
public final class FileAnonymiser {
    /** Largest value read into memory to be rewritten; larger ones make the file quarantined. */
    static final int MAX_REWRITTEN_VALUE = 1 << 20;

    /**
     * Bytes of safe private attributes a file may hold in memory until their group ends (only then
     * is it known which creators to write before them); a file needing more is quarantined.
     */
    static final int MAX_HELD_PRIVATE = 16 << 20;

    private static final int MAX_SCANNED_VALUE = 64 * 1024;
    private static final String IMPLEMENTATION_VERSION_NAME = "FEDNODE_ANON_01";
    private static final byte[] PREAMBLE = new byte[128];

    private final ConfidentialityProfile profile;
    private final Pseudonymiser pseudonymiser;
    private final DataDictionary dictionary;
    private final String implementationClassUid;
    private final String deidentificationMethod;

    public FileAnonymiser(ConfidentialityProfile profile, Pseudonymiser pseudonymiser) {
        this.profile = profile;
        this.pseudonymiser = pseudonymiser;
        this.dictionary = profile.dictionary();
        // A fixed UID for this implementation, derived the standard way (2.25 + 128-bit value).
        this.implementationClassUid =
                "2.25."
                        + new java.math.BigInteger(
                                1,
                                java.util.Arrays.copyOf(
                                        sha256("io.fednode.anonymiser implementation"), 16));
        String edition = profile.table().source().replaceAll("^.*edition (\\S+?);.*$", "$1");
        this.deidentificationMethod = "fednode PS3.15 " + edition + " Basic Profile";
    }

    /** Result of a successful de-identification: where the output belongs and its UIDs. */
    public record Plan(FileFacts facts, Path relativeOutput) {}

    /** First pass: reads the facts and decides whether and where the file may be written. */
    public Plan plan(Path input) throws IOException, DicomFormatException, QuarantineException {
        try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ)) {
            return plan(in);
        }
    }

    /** First pass over an open file (read from position 0; the position is left anywhere). */
    public Plan plan(FileChannel input)
            throws IOException, DicomFormatException, QuarantineException {
        input.position(0);
        FileFacts facts = scan(new DicomInput(input));
        if (facts.burnedInAnnotation() != null
                && !facts.burnedInAnnotation().equalsIgnoreCase("NO")) {
            throw new QuarantineException(
                    QuarantineException.BURNED_IN_ANNOTATION,
                    "Burned In Annotation is '" + facts.burnedInAnnotation() + "'");
        }
        if (empty(facts.sopClassUid())
                || empty(facts.sopInstanceUid())
                || empty(facts.studyInstanceUid())
                || empty(facts.seriesInstanceUid())) {
            throw new QuarantineException(
                    QuarantineException.MISSING_UID,
                    "SOP Class, SOP Instance, Study Instance and Series Instance UID are required");
        }
        Path rel =
                Path.of(
                        pathUid("Study Instance UID", facts.studyInstanceUid()),
                        pathUid("Series Instance UID", facts.seriesInstanceUid()),
                        pathUid("SOP Instance UID", facts.sopInstanceUid()) + ".dcm");
        return new Plan(facts, rel);
    }

    /** Second pass: writes the de-identified file to {@code out}. */
    public void write(Path input, Plan plan, OutputStream out)
            throws IOException, DicomFormatException {
        try (InputStream raw = new FileInputStream(input.toFile())) {
            new Rewrite(plan.facts())
                    .run(new DicomInput(raw, Files.size(input)), new DicomOutput(out));
        }
    }

    /**
     * Second pass into a file: large values (pixel data) are copied file to file inside the kernel.
     */
    public void write(Path input, Plan plan, Path output) throws IOException, DicomFormatException {
        try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ)) {
            write(in, plan, output);
        }
    }

    /** Second pass over an open file (read from position 0) into {@code output}. */
    public void write(FileChannel in, Plan plan, Path output)
            throws IOException, DicomFormatException {
        in.position(0);
        try (FileChannel out =
                        FileChannel.open(
                                output,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING,
                                StandardOpenOption.WRITE);
                OutputStream buffered =
                        new BufferedSink(Channels.newOutputStream(out), 64 * 1024)) {
            new Rewrite(plan.facts()).run(new DicomInput(in), new DicomOutput(buffered, out));
            // On disk before the caller renames it into place: after a power loss a renamed
            // output is complete, never empty or short.
            buffered.flush();
            out.force(true);
        }
    }

    /**
     * The output UID that names a folder or file. With {@code retain-uids} it is the file's own
     * value, so it must be a UID (PS3.5 9.1: digits and dots, at most 64 characters) before it
     * becomes a path name; a value such as {@code /etc/x} or {@code ../..} quarantines the file.
     */
    private String pathUid(String name, String original) throws QuarantineException {
        String uid = uid(original);
        if (!Uids.valid(uid)) {
            throw new QuarantineException(
                    QuarantineException.INVALID_UID,
                    name + " is not a UID (digits and dots, at most 64 characters)");
        }
        return uid;
    }

    private String uid(String original) {
        return profile.has(ProfileOption.RETAIN_UIDS) ? original : pseudonymiser.uid(original);
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    // ---------------------------------------------------------------- pass 1

    FileFacts scan(DicomInput source) throws IOException, DicomFormatException {
        DicomFile file = DicomFile.open(source, dictionary);
        DatasetReader r = file.reader();
        String sopClass = null;
        String sopInstance = null;
        String study = null;
        String series = null;
        String patientId = null;
        String patientName = null;
        String burnedIn = null;
        Set<String> tokens = new HashSet<>();
        while (!r.atEnd()) {
            ElementHeader h = r.readHeader();
            if (Tags.group(h.tag()) == 0xFFFE) {
                throw new DicomFormatException(
                        DicomFormatException.MALFORMED, "unexpected " + h + " at top level");
            }
            boolean interesting =
                    r.kindOf(h) == DatasetReader.Kind.VALUE
                            && h.length() <= MAX_SCANNED_VALUE
                            && !Tags.isPrivate(h.tag())
                            && (isFact(h.tag()) || identifying(h));
            if (!interesting) {
                r.skipValue(h, 0);
                continue;
            }
            String v = DicomFile.trimmed(r.input().readBytes(h.length(), MAX_SCANNED_VALUE));
            switch (h.tag()) {
                case Tags.SOP_CLASS_UID -> sopClass = v;
                case Tags.SOP_INSTANCE_UID -> sopInstance = v;
                case Tags.STUDY_INSTANCE_UID -> study = v;
                case Tags.SERIES_INSTANCE_UID -> series = v;
                case Tags.PATIENT_ID -> patientId = v;
                case Tags.PATIENT_NAME -> patientName = v;
                case Tags.BURNED_IN_ANNOTATION -> burnedIn = v;
                default -> {}
            }
            if (identifying(h)) {
                addTokens(tokens, v);
            }
        }
        if (sopClass == null) {
            byte[] m = file.meta().get(Tags.MEDIA_STORAGE_SOP_CLASS_UID);
            sopClass = m == null ? null : DicomFile.trimmed(m);
        }
        return new FileFacts(
                file.transferSyntax(),
                sopClass,
                sopInstance,
                study,
                series,
                patientId,
                patientName,
                burnedIn,
                tokens);
    }

    private static boolean isFact(int tag) {
        return switch (tag) {
            case Tags.SOP_CLASS_UID,
                    Tags.SOP_INSTANCE_UID,
                    Tags.STUDY_INSTANCE_UID,
                    Tags.SERIES_INSTANCE_UID,
                    Tags.PATIENT_ID,
                    Tags.PATIENT_NAME,
                    Tags.BURNED_IN_ANNOTATION ->
                    true;
            default -> false;
        };
    }

    /** Values whose words must not survive in text kept by a "clean" action. */
    private static boolean identifying(ElementHeader h) {
        if ("PN".equals(h.vr())) {
            return true;
        }
        return switch (h.tag()) {
            case Tags.PATIENT_ID,
                    Tags.OTHER_PATIENT_IDS,
                    Tags.ACCESSION_NUMBER,
                    Tags.PATIENT_BIRTH_DATE,
                    Tags.INSTITUTION_NAME,
                    Tags.INSTITUTION_ADDRESS,
                    Tags.PATIENT_ADDRESS,
                    Tags.STUDY_ID ->
                    true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- pass 2

    /** The rewrite of one file; holds the per-file state. */
    private final class Rewrite {
        private final FileFacts facts;
        private final String patientPseudonym;
        private final int dateShiftDays;
        private final TreeMap<Integer, byte[]> pendingTopLevel = new TreeMap<>();
        private DatasetReader r;
        private DicomInput in;
        private DicomOutput o;

        /** The current data set's private group, held with Retain Safe Private, else null. */
        private PrivateGroup privateGroup =
                profile.safePrivate() == null ? null : new PrivateGroup();

        private long heldPrivateBytes;

        Rewrite(FileFacts facts) {
            this.facts = facts;
            this.patientPseudonym = pseudonymiser.patient(facts.patientKey());
            this.dateShiftDays = pseudonymiser.dateShiftDays(facts.patientKey());
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
            writeMeta(ts);
            Deflater deflater = null;
            DeflaterOutputStream deflating = null;
            if (ts.deflated()) {
                deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                deflating = new DeflaterOutputStream(raw, deflater, 64 * 1024);
                o.stream(deflating);
            }
            o.encoding(ts.explicitVr(), ts.bigEndian());
            prepareTopLevelInsertions();
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

        private void writeMeta(TransferSyntax ts) throws IOException {
            DicomOutput m = new DicomOutput(new ByteArrayOutputStream());
            m.encoding(true, false);
            m.writeElement(Tags.FILE_META_VERSION, "OB", new byte[] {0, 1});
            m.writeElement(Tags.MEDIA_STORAGE_SOP_CLASS_UID, "UI", uidBytes(facts.sopClassUid()));
            m.writeElement(
                    Tags.MEDIA_STORAGE_SOP_INSTANCE_UID,
                    "UI",
                    uidBytes(uid(facts.sopInstanceUid())));
            m.writeElement(Tags.TRANSFER_SYNTAX_UID, "UI", uidBytes(ts.uid()));
            m.writeElement(Tags.IMPLEMENTATION_CLASS_UID, "UI", uidBytes(implementationClassUid));
            m.writeElement(
                    Tags.IMPLEMENTATION_VERSION_NAME, "SH", text(IMPLEMENTATION_VERSION_NAME));
            byte[] body = ((ByteArrayOutputStream) m.stream()).toByteArray();
            o.encoding(true, false);
            o.writeHeader(Tags.FILE_META_GROUP_LENGTH, "UL", 4);
            o.writeU32(body.length);
            o.write(body);
        }

        private void prepareTopLevelInsertions() throws IOException {
            pendingTopLevel.put(
                    Tags.PATIENT_IDENTITY_REMOVED,
                    element(Tags.PATIENT_IDENTITY_REMOVED, "CS", text("YES")));
            pendingTopLevel.put(
                    Tags.DEIDENTIFICATION_METHOD,
                    element(Tags.DEIDENTIFICATION_METHOD, "LO", text(deidentificationMethod)));
            pendingTopLevel.put(Tags.DEIDENTIFICATION_METHOD_CODE_SEQUENCE, methodCodeSequence());
            String temporal =
                    profile.has(ProfileOption.RETAIN_LONGITUDINAL_FULL_DATES)
                            ? "UNMODIFIED"
                            : profile.has(ProfileOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)
                                    ? "MODIFIED"
                                    : "REMOVED";
            pendingTopLevel.put(
                    Tags.LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED,
                    element(Tags.LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED, "CS", text(temporal)));
            // Patient's Name and Patient ID always carry the pseudonym, also when absent.
            pendingTopLevel.put(
                    Tags.PATIENT_NAME, element(Tags.PATIENT_NAME, "PN", text(patientPseudonym)));
            pendingTopLevel.put(
                    Tags.PATIENT_ID, element(Tags.PATIENT_ID, "LO", text(patientPseudonym)));
        }

        /** Encodes a complete element in the data set's encoding. */
        private byte[] element(int tag, String vr, byte[] value) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DicomOutput e = new DicomOutput(b);
            e.encoding(o.explicitVr(), o.bigEndian());
            e.writeElement(tag, vr, value);
            return b.toByteArray();
        }

        private byte[] methodCodeSequence() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DicomOutput e = new DicomOutput(b);
            e.encoding(o.explicitVr(), o.bigEndian());
            e.writeHeader(
                    Tags.DEIDENTIFICATION_METHOD_CODE_SEQUENCE,
                    Vr.SQ,
                    ElementHeader.UNDEFINED_LENGTH);
            List<String[]> codes = new ArrayList<>();
            codes.add(
                    new String[] {
                        ProfileOption.BASIC_PROFILE_CODE, ProfileOption.BASIC_PROFILE_MEANING
                    });
            for (ProfileOption opt : profile.options()) {
                codes.add(new String[] {opt.code(), opt.meaning()});
            }
            for (String[] c : codes) {
                e.writeHeader(Tags.ITEM, null, ElementHeader.UNDEFINED_LENGTH);
                e.writeElement(Tags.CODE_VALUE, "SH", text(c[0]));
                e.writeElement(Tags.CODING_SCHEME_DESIGNATOR, "SH", text("DCM"));
                e.writeElement(Tags.CODE_MEANING, "LO", text(c[1]));
                e.writeHeader(Tags.ITEM_DELIMITATION, null, 0);
            }
            e.writeHeader(Tags.SEQUENCE_DELIMITATION, null, 0);
            return b.toByteArray();
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
            int group = Tags.group(tag);
            if (Tags.element(tag) == 0
                    || group == 0x0000
                    || group == 0x0002
                    || group == 0xFFFC
                    || tag == Tags.PATIENT_IDENTITY_REMOVED
                    || tag == Tags.DEIDENTIFICATION_METHOD
                    || tag == Tags.DEIDENTIFICATION_METHOD_CODE_SEQUENCE
                    || tag == Tags.LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED) {
                // Group lengths would be wrong after rewriting; command, meta and padding
                // elements do not belong in a stored data set; de-identification markers are
                // ours to write.
                r.skipValue(h, depth);
                return;
            }
            DatasetReader.Kind kind = r.kindOf(h);
            if (privateGroup != null && Tags.isPrivate(tag)) {
                rewriteSafePrivate(h, kind, depth);
                return;
            }
            Action action = profile.actionFor(tag);
            // Values stored as UN are judged by the VR the dictionary gives their tag.
            String vr =
                    Vr.UN.equals(h.vr()) && kind == DatasetReader.Kind.VALUE
                            ? dictionary.vrOf(tag)
                            : h.vr();
            boolean sequence =
                    kind == DatasetReader.Kind.SEQUENCE
                            || kind == DatasetReader.Kind.SEQUENCE_IMPLICIT_LE;
            if (kind == DatasetReader.Kind.VALUE && dictionarySaysSequence(h)) {
                // A sequence stored as an opaque value (e.g. UN of defined length): its items
                // cannot be processed, so it cannot be kept.
                action = action == Action.REMOVE ? Action.REMOVE : Action.ZERO;
            }
            switch (action) {
                case REMOVE -> r.skipValue(h, depth);
                case ZERO -> {
                    r.skipValue(h, depth);
                    o.writeHeader(tag, h.vr(), 0);
                }
                case DUMMY -> {
                    if (sequence || kind == DatasetReader.Kind.FRAGMENTS) {
                        r.skipValue(h, depth);
                        o.writeHeader(tag, h.vr(), 0);
                    } else if (Vr.UI.equals(vr)) {
                        writeValue(h, mapUids(readValue(h), false, FileAnonymiser.this::uid));
                    } else {
                        r.skipValue(h, depth);
                        writeValue(h, dummy(vr));
                    }
                }
                case KEEP, CLEAN, REPLACE_UID -> {
                    if (sequence) {
                        rewriteSequence(h, kind, depth);
                    } else if (kind == DatasetReader.Kind.FRAGMENTS) {
                        copyFragments(h);
                    } else if (action == Action.REPLACE_UID) {
                        writeValue(h, mapUids(readValue(h), false, FileAnonymiser.this::uid));
                    } else if (action == Action.CLEAN
                            || (isFreeText(vr) && profile.table().lookup(tag) == null)) {
                        // Free text the table does not list (e.g. Code Meaning) is kept only
                        // when it holds none of the file's identifying words, like cleaned text.
                        clean(h, vr);
                    } else if (Vr.UI.equals(vr) && !profile.has(ProfileOption.RETAIN_UIDS)) {
                        writeValue(h, mapKeptUids(tag, readValue(h)));
                    } else {
                        copyValue(h);
                    }
                }
            }
        }

        private boolean isFreeText(String vr) {
            return switch (vr) {
                case "LO", "LT", "PN", "SH", "ST", "UC", "UT" -> true;
                default -> false;
            };
        }

        private boolean dictionarySaysSequence(ElementHeader h) {
            return !Vr.SQ.equals(h.vr()) && Vr.SQ.equals(dictionary.vrOf(h.tag()));
        }

        private void rewriteSequence(ElementHeader h, DatasetReader.Kind kind, int depth)
                throws IOException, DicomFormatException {
            if (depth + 1 >= DatasetReader.MAX_DEPTH) {
                throw new DicomFormatException(
                        DicomFormatException.NESTING_TOO_DEEP,
                        "more than " + DatasetReader.MAX_DEPTH + " levels");
            }
            o.writeHeader(h.tag(), h.vr(), ElementHeader.UNDEFINED_LENGTH);
            boolean explicit = r.explicitVr();
            boolean bigEndian = r.bigEndian();
            if (kind == DatasetReader.Kind.SEQUENCE_IMPLICIT_LE) {
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
            PrivateGroup outerPrivateGroup = privateGroup;
            if (outerPrivateGroup != null) {
                privateGroup = new PrivateGroup(); // each item is a data set of its own
            }
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
            endPrivateGroup();
            privateGroup = outerPrivateGroup;
            o.writeHeader(Tags.ITEM_DELIMITATION, null, 0);
        }

        // ------------------------------------------------ Retain Safe Private

        /** Safe private elements of one private group of one data set, held until it ends. */
        private final class PrivateGroup {
            final PrivateBlocks blocks = new PrivateBlocks(profile.safePrivate());
            final HeldBytes kept = new HeldBytes();
        }

        /** A buffer counted against {@link #MAX_HELD_PRIVATE}. */
        private final class HeldBytes extends ByteArrayOutputStream {
            @Override
            public synchronized void write(int b) {
                hold(1);
                super.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                hold(len);
                super.write(b, off, len);
            }
        }

        private void hold(int bytes) {
            heldPrivateBytes += bytes;
            if (heldPrivateBytes > MAX_HELD_PRIVATE) {
                throw new HeldPrivateOverflow();
            }
        }

        /** Writes the held private group when {@code tag} no longer belongs to it. */
        private void endPrivateGroupBefore(int tag) throws IOException {
            if (privateGroup != null && privateGroup.blocks.endedBefore(tag)) {
                endPrivateGroup();
            }
        }

        /** Writes the creators of the blocks that kept something, then the kept elements. */
        private void endPrivateGroup() throws IOException {
            if (privateGroup == null || privateGroup.blocks.group() < 0) {
                return;
            }
            PrivateBlocks blocks = privateGroup.blocks;
            for (int block : blocks.keptBlocks()) {
                o.writeElement(
                        (blocks.group() << 16) | block,
                        blocks.creatorVr(block),
                        blocks.creatorValue(block));
            }
            privateGroup.kept.writeTo(o.stream());
            privateGroup.kept.reset();
            blocks.clear();
        }

        /**
         * A private element with Retain Safe Private: creators are held; an element is kept only
         * when its block's creator and element byte are on the safe list and its value is plausible
         * for the listed VR. UIDs are still replaced, text holding one of the file's identifying
         * words is removed, and sequences are processed with the same rules.
         */
        private void rewriteSafePrivate(ElementHeader h, DatasetReader.Kind kind, int depth)
                throws IOException, DicomFormatException {
            int tag = h.tag();
            PrivateGroup group = privateGroup;
            if (PrivateBlocks.isCreator(tag)) {
                if (kind == DatasetReader.Kind.VALUE && h.length() <= 64) {
                    group.blocks.creator(tag, h.vr(), readValue(h));
                } else {
                    r.skipValue(h, depth); // not a creator value (LO, at most 64 characters)
                }
                return;
            }
            SafePrivateTable.Entry entry = group.blocks.safeEntry(tag);
            String vr = entry == null ? null : entry.judgedVr(h.vr());
            if (vr == null) {
                r.skipValue(h, depth);
                return;
            }
            DicomOutput target = o;
            HeldBytes element = new HeldBytes();
            o = new DicomOutput(element);
            o.encoding(target.explicitVr(), target.bigEndian());
            try {
                if (writeSafePrivate(h, kind, vr, entry, depth)) {
                    group.blocks.kept(tag);
                    element.writeTo(group.kept);
                }
            } catch (HeldPrivateOverflow e) {
                throw new DicomFormatException(
                        DicomFormatException.VALUE_TOO_LARGE,
                        "safe private attributes need more than " + MAX_HELD_PRIVATE + " bytes");
            } finally {
                o = target;
            }
        }

        /** Writes a safe private element to {@code o}; false when its value is not kept. */
        private boolean writeSafePrivate(
                ElementHeader h,
                DatasetReader.Kind kind,
                String vr,
                SafePrivateTable.Entry entry,
                int depth)
                throws IOException, DicomFormatException {
            boolean sequence =
                    kind == DatasetReader.Kind.SEQUENCE
                            || kind == DatasetReader.Kind.SEQUENCE_IMPLICIT_LE;
            if (Vr.SQ.equals(vr) && sequence) {
                rewriteSequence(h, kind, depth);
                return true;
            }
            if (Vr.SQ.equals(vr)
                    || kind != DatasetReader.Kind.VALUE
                    || h.length() > MAX_REWRITTEN_VALUE) {
                // A sequence stored as opaque bytes cannot be processed; items, fragments or huge
                // values where the table lists a plain value are not what the table describes.
                r.skipValue(h, depth);
                return false;
            }
            byte[] value = readValue(h);
            if (!entry.accepts(vr, value)) {
                return false;
            }
            if (Vr.UI.equals(vr)) {
                if (!profile.has(ProfileOption.RETAIN_UIDS)) {
                    value = mapUids(value, true, FileAnonymiser.this::uid);
                }
            } else if (Vr.isText(vr)
                    && !"DS".equals(vr)
                    && !"IS".equals(vr)
                    && holdsIdentifyingWord(value, facts.identifyingTokens())) {
                return false;
            }
            writeValue(h, value);
            return true;
        }

        private void checkNotDelimiter(ElementHeader h) throws DicomFormatException {
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

        private void clean(ElementHeader h, String vr) throws IOException, DicomFormatException {
            if ("DA".equals(vr) || "DT".equals(vr)) {
                byte[] v = readValue(h);
                if (profile.has(ProfileOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)) {
                    writeValue(h, shiftDates(vr, v, dateShiftDays));
                } else {
                    writeValue(h, new byte[0]);
                }
            } else if (Vr.UI.equals(vr)) {
                writeValue(h, mapUids(readValue(h), false, FileAnonymiser.this::uid));
            } else if (Vr.isText(vr) && !"TM".equals(vr)) {
                byte[] v = readValue(h);
                writeValue(h, holdsIdentifyingWord(v, facts.identifyingTokens()) ? new byte[0] : v);
            } else {
                // Times, numbers and binary values (graphics) carry no text to clean.
                copyValue(h);
            }
        }

        private byte[] mapKeptUids(int tag, byte[] value) {
            // Safety net for UIDs outside Table E.1-1: keep standard UIDs (1.2.840.10008...) and
            // SOP/class UIDs, replace everything else as if the table said U.
            DataDictionary.Entry e = dictionary.lookup(tag);
            if (e != null && e.keyword().endsWith("ClassUID")) {
                return value;
            }
            return mapUids(value, true, FileAnonymiser.this::uid);
        }
    }

    /** The held safe private attributes of a file outgrew {@link #MAX_HELD_PRIVATE}. */
    private static final class HeldPrivateOverflow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HeldPrivateOverflow() {
            super(null, null, false, false);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
