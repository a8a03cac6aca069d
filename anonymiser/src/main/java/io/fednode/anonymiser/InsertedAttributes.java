package io.fednode.anonymiser;

import static io.fednode.anonymiser.Values.text;
import static io.fednode.anonymiser.Values.uidBytes;

import io.fednode.anonymiser.dicom.DicomOutput;
import io.fednode.anonymiser.dicom.ElementHeader;
import io.fednode.anonymiser.dicom.Tags;
import io.fednode.anonymiser.dicom.TransferSyntax;
import io.fednode.anonymiser.dicom.Vr;
import io.fednode.anonymiser.profile.ConfidentialityProfile;
import io.fednode.anonymiser.profile.ProfileOption;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What fednode writes of its own instead of taking it from the input: the File Meta Information,
 * and at the top level of the data set the de-identification attributes (Patient Identity Removed,
 * De-identification Method and its Code Sequence, Longitudinal Temporal Information Modified) and
 * the patient pseudonym as Patient's Name and Patient ID.
 */
final class InsertedAttributes {
    private static final String IMPLEMENTATION_VERSION_NAME = "FEDNODE_ANON_01";

    private final ConfidentialityProfile profile;
    private final String implementationClassUid;
    private final String deidentificationMethod;

    InsertedAttributes(ConfidentialityProfile profile) {
        this.profile = profile;
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

    /**
     * Writes the File Meta Information group (explicit VR little endian, as PS3.10 requires) and
     * leaves {@code o} in that encoding.
     *
     * @param sopInstanceUid the output's SOP Instance UID (already pseudonymised)
     */
    void writeMeta(DicomOutput o, String sopClassUid, String sopInstanceUid, TransferSyntax ts)
            throws IOException {
        DicomOutput m = new DicomOutput(new ByteArrayOutputStream());
        m.encoding(true, false);
        m.writeElement(Tags.FILE_META_VERSION, "OB", new byte[] {0, 1});
        m.writeElement(Tags.MEDIA_STORAGE_SOP_CLASS_UID, "UI", uidBytes(sopClassUid));
        m.writeElement(Tags.MEDIA_STORAGE_SOP_INSTANCE_UID, "UI", uidBytes(sopInstanceUid));
        m.writeElement(Tags.TRANSFER_SYNTAX_UID, "UI", uidBytes(ts.uid()));
        m.writeElement(Tags.IMPLEMENTATION_CLASS_UID, "UI", uidBytes(implementationClassUid));
        m.writeElement(Tags.IMPLEMENTATION_VERSION_NAME, "SH", text(IMPLEMENTATION_VERSION_NAME));
        byte[] body = ((ByteArrayOutputStream) m.stream()).toByteArray();
        o.encoding(true, false);
        o.writeHeader(Tags.FILE_META_GROUP_LENGTH, "UL", 4);
        o.writeU32(body.length);
        o.write(body);
    }

    /**
     * The top-level elements fednode inserts, each encoded complete in {@code o}'s encoding, by tag
     * (the rewrite writes each before the first input element with a higher tag).
     */
    TreeMap<Integer, byte[]> topLevel(String patientPseudonym, DicomOutput o) throws IOException {
        TreeMap<Integer, byte[]> elements = new TreeMap<>();
        elements.put(
                Tags.PATIENT_IDENTITY_REMOVED,
                element(o, Tags.PATIENT_IDENTITY_REMOVED, "CS", text("YES")));
        elements.put(
                Tags.DEIDENTIFICATION_METHOD,
                element(o, Tags.DEIDENTIFICATION_METHOD, "LO", text(deidentificationMethod)));
        elements.put(Tags.DEIDENTIFICATION_METHOD_CODE_SEQUENCE, methodCodeSequence(o));
        String temporal =
                profile.has(ProfileOption.RETAIN_LONGITUDINAL_FULL_DATES)
                        ? "UNMODIFIED"
                        : profile.has(ProfileOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)
                                ? "MODIFIED"
                                : "REMOVED";
        elements.put(
                Tags.LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED,
                element(o, Tags.LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED, "CS", text(temporal)));
        // Patient's Name and Patient ID always carry the pseudonym, also when absent.
        elements.put(
                Tags.PATIENT_NAME, element(o, Tags.PATIENT_NAME, "PN", text(patientPseudonym)));
        elements.put(Tags.PATIENT_ID, element(o, Tags.PATIENT_ID, "LO", text(patientPseudonym)));
        return elements;
    }

    /** Encodes a complete element in {@code like}'s encoding. */
    private static byte[] element(DicomOutput like, int tag, String vr, byte[] value)
            throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DicomOutput e = new DicomOutput(b);
        e.encoding(like.explicitVr(), like.bigEndian());
        e.writeElement(tag, vr, value);
        return b.toByteArray();
    }

    /** 113100 (Basic Application Confidentiality Profile) plus the code of each option used. */
    private byte[] methodCodeSequence(DicomOutput like) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DicomOutput e = new DicomOutput(b);
        e.encoding(like.explicitVr(), like.bigEndian());
        e.writeHeader(
                Tags.DEIDENTIFICATION_METHOD_CODE_SEQUENCE, Vr.SQ, ElementHeader.UNDEFINED_LENGTH);
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

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
