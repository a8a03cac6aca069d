package io.fednode.anonymiser;

import static io.fednode.anonymiser.Values.addTokens;

import io.fednode.anonymiser.dicom.DataDictionary;
import io.fednode.anonymiser.dicom.DatasetReader;
import io.fednode.anonymiser.dicom.DicomFile;
import io.fednode.anonymiser.dicom.DicomFormatException;
import io.fednode.anonymiser.dicom.DicomInput;
import io.fednode.anonymiser.dicom.ElementHeader;
import io.fednode.anonymiser.dicom.Tags;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The first pass over a file: reads only the top-level values later decisions depend on (UIDs for
 * the output path, the patient key, Burned In Annotation, the identifying words) and skips
 * everything else.
 */
final class FactScanner {
    private static final int MAX_SCANNED_VALUE = 64 * 1024;

    private final DataDictionary dictionary;

    FactScanner(DataDictionary dictionary) {
        this.dictionary = dictionary;
    }

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
}
