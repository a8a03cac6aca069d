package io.fednode.anonymiser;

import io.fednode.anonymiser.dicom.TransferSyntax;
import java.util.Set;

/**
 * What the first pass over a file learnt from its top-level data set: the values later decisions
 * depend on (patient key for pseudonym and date shift, UIDs for the output path, burned-in
 * annotation) and the identifying strings that cleaned text must not contain.
 */
record FileFacts(
        TransferSyntax transferSyntax,
        String sopClassUid,
        String sopInstanceUid,
        String studyInstanceUid,
        String seriesInstanceUid,
        String patientId,
        String patientName,
        String burnedInAnnotation,
        Set<String> identifyingTokens) {

    /** The value pseudonyms and the date shift are keyed on: Patient ID, else Patient's Name. */
    String patientKey() {
        if (patientId != null && !patientId.isEmpty()) {
            return patientId;
        }
        return patientName == null ? "" : patientName;
    }
}
