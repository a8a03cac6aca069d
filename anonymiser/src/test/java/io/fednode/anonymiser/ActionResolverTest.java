package io.fednode.anonymiser;

import static io.fednode.anonymiser.dicom.DatasetReader.Kind.FRAGMENTS;
import static io.fednode.anonymiser.dicom.DatasetReader.Kind.SEQUENCE;
import static io.fednode.anonymiser.dicom.DatasetReader.Kind.SEQUENCE_IMPLICIT_LE;
import static io.fednode.anonymiser.dicom.DatasetReader.Kind.VALUE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.anonymiser.profile.ConfidentialityProfile;
import io.fednode.anonymiser.profile.ProfileOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which treatment an element gets. Expected values are the codes of PS3.15 Table E.1-1 (edition
 * 2024b; the column named in each comment, the last choice of a combined code) and the fixed rules
 * of docs/anonymiser.md ("What each action does"), written out by hand.
 */
class ActionResolverTest {
    private static ActionResolver resolver(ProfileOption... options) {
        return new ActionResolver(ConfidentialityProfile.basic(Set.of(options)));
    }

    private final ActionResolver basic = resolver();

    @Test
    void basicProfileCodesBecomeTheirTreatments() {
        // Z: zero-length value.
        assertThat(basic.resolve(0x00100030, "DA", VALUE)).isEqualTo(Treatment.EMPTY); // Birth Date
        assertThat(basic.resolve(0x00080050, "SH", VALUE)).isEqualTo(Treatment.EMPTY); // Accession
        assertThat(basic.resolve(0x00080090, "PN", VALUE)).isEqualTo(Treatment.EMPTY); // Referring
        assertThat(basic.resolve(0x00080020, "DA", VALUE)).isEqualTo(Treatment.EMPTY); // Study Date
        assertThat(basic.resolve(0x00100040, "CS", VALUE)).isEqualTo(Treatment.EMPTY); // Sex
        // X: removed.
        assertThat(basic.resolve(0x00081030, "LO", VALUE))
                .isEqualTo(Treatment.DROP); // Study Descr.
        assertThat(basic.resolve(0x00101010, "AS", VALUE)).isEqualTo(Treatment.DROP); // Age
        assertThat(basic.resolve(0x00104000, "LT", VALUE)).isEqualTo(Treatment.DROP); // Comments
        assertThat(basic.resolve(0x60003000, "OW", VALUE))
                .isEqualTo(Treatment.DROP); // Overlay 60xx
        // X/Z/D and Z/D: the dummy.
        assertThat(basic.resolve(0x00080080, "LO", VALUE))
                .isEqualTo(Treatment.DUMMY); // Institution
        assertThat(basic.resolve(0x00181000, "LO", VALUE)).isEqualTo(Treatment.DUMMY); // Device S/N
        assertThat(basic.resolve(0x00081010, "SH", VALUE)).isEqualTo(Treatment.DUMMY); // Station
        assertThat(basic.resolve(0x00080023, "DA", VALUE))
                .isEqualTo(Treatment.DUMMY); // Content Date
        // U: UIDs replaced.
        assertThat(basic.resolve(0x0020000D, "UI", VALUE)).isEqualTo(Treatment.REPLACE_UIDS);
        assertThat(basic.resolve(0x00200052, "UI", VALUE)).isEqualTo(Treatment.REPLACE_UIDS);
        assertThat(basic.resolve(0x00081155, "UI", VALUE)).isEqualTo(Treatment.REPLACE_UIDS);
    }

    @Test
    void sequencesAreEmptiedRemovedOrRewrittenItemByItem() {
        // Content Sequence and Verifying Observer Sequence: D, a dummy sequence is an empty one.
        assertThat(basic.resolve(0x0040A730, "SQ", SEQUENCE)).isEqualTo(Treatment.EMPTY);
        assertThat(basic.resolve(0x0040A073, "SQ", SEQUENCE)).isEqualTo(Treatment.EMPTY);
        // Referenced Study Sequence: X/Z, so Z.
        assertThat(basic.resolve(0x00081110, "SQ", SEQUENCE)).isEqualTo(Treatment.EMPTY);
        // Referenced Image Sequence: X/Z/U*, so U*: kept, its UIDs replaced item by item.
        assertThat(basic.resolve(0x00081140, "SQ", SEQUENCE)).isEqualTo(Treatment.SEQUENCE);
        assertThat(basic.resolve(0x00081140, "UN", SEQUENCE_IMPLICIT_LE))
                .isEqualTo(Treatment.SEQUENCE);
        // The same stored as an opaque UN value cannot be processed: emptied, never copied.
        assertThat(basic.resolve(0x00081140, "UN", VALUE)).isEqualTo(Treatment.EMPTY);
        // Graphic Annotation Sequence: D; as an opaque value still emptied.
        assertThat(basic.resolve(0x00700001, "UN", VALUE)).isEqualTo(Treatment.EMPTY);
    }

    @Test
    void attributesOutsideTheTableFollowTheDictionary() {
        assertThat(basic.resolve(0x00280010, "US", VALUE)).isEqualTo(Treatment.COPY); // Rows
        assertThat(basic.resolve(0x00080060, "CS", VALUE)).isEqualTo(Treatment.COPY); // Modality
        assertThat(basic.resolve(0x7FE00010, "OW", VALUE)).isEqualTo(Treatment.COPY); // Pixel Data
        assertThat(basic.resolve(0x7FE00010, "OB", FRAGMENTS)).isEqualTo(Treatment.FRAGMENTS);
        // Retired (Data Set Type, Image Format) and unknown attributes are removed.
        assertThat(basic.resolve(0x00080040, "US", VALUE)).isEqualTo(Treatment.DROP);
        assertThat(basic.resolve(0x00280040, "CS", VALUE)).isEqualTo(Treatment.DROP);
        assertThat(basic.resolve(0x00209999, "UN", VALUE)).isEqualTo(Treatment.DROP);
        // Free text the table does not list (Code Meaning) is cleaned like descriptions.
        assertThat(basic.resolve(0x00080104, "LO", VALUE)).isEqualTo(Treatment.CLEAN_TEXT);
        assertThat(basic.resolve(0x00080104, "UN", VALUE)).isEqualTo(Treatment.CLEAN_TEXT);
        // Kept UIDs outside the table: class UIDs kept, other UIDs replaced but standard ones.
        assertThat(basic.resolve(0x00080016, "UI", VALUE)).isEqualTo(Treatment.KEEP_CLASS_UIDS);
        assertThat(basic.resolve(0x00081150, "UI", VALUE)).isEqualTo(Treatment.KEEP_CLASS_UIDS);
        assertThat(basic.resolve(0x00080062, "UI", VALUE))
                .isEqualTo(Treatment.REPLACE_NON_STANDARD_UIDS); // SOP Classes in Study
    }

    @Test
    void valuesStoredAsUnAreJudgedByTheDictionaryVr() {
        assertThat(basic.judgedVr(0x0020000D, "UN", VALUE)).isEqualTo("UI");
        assertThat(basic.resolve(0x0020000D, "UN", VALUE)).isEqualTo(Treatment.REPLACE_UIDS);
        assertThat(basic.judgedVr(0x00080104, "UN", VALUE)).isEqualTo("LO");
        assertThat(basic.judgedVr(0x00080104, "SH", VALUE)).isEqualTo("SH");
        assertThat(basic.judgedVr(0x00081140, "UN", SEQUENCE_IMPLICIT_LE)).isEqualTo("UN");
        // A dummy for a value stored as UI is a keyed UID, not the text dummy.
        assertThat(basic.resolve(0x00080080, "UI", VALUE)).isEqualTo(Treatment.REPLACE_UIDS);
    }

    @Test
    void structuralAndDeidentificationElementsAreNeverCopied() {
        assertThat(basic.resolve(0x00080000, "UL", VALUE)).isEqualTo(Treatment.DROP); // group len.
        assertThat(basic.resolve(0x00000100, "US", VALUE)).isEqualTo(Treatment.DROP); // command
        assertThat(basic.resolve(0x00020010, "UI", VALUE)).isEqualTo(Treatment.DROP); // meta
        assertThat(basic.resolve(0xFFFCFFFC, "OB", VALUE)).isEqualTo(Treatment.DROP); // padding
        assertThat(basic.resolve(0x00120062, "CS", VALUE)).isEqualTo(Treatment.DROP);
        assertThat(basic.resolve(0x00120063, "LO", VALUE)).isEqualTo(Treatment.DROP);
        assertThat(basic.resolve(0x00120064, "SQ", SEQUENCE)).isEqualTo(Treatment.DROP);
        assertThat(basic.resolve(0x00280303, "CS", VALUE)).isEqualTo(Treatment.DROP);
    }

    @Test
    void privateElementsAreRemovedUnlessSafePrivateIsRetained() {
        assertThat(basic.resolve(0x00090010, "LO", VALUE)).isEqualTo(Treatment.DROP);
        assertThat(basic.resolve(0x00091001, "UN", VALUE)).isEqualTo(Treatment.DROP);
        ActionResolver safe = resolver(ProfileOption.RETAIN_SAFE_PRIVATE);
        assertThat(safe.resolve(0x00090010, "LO", VALUE)).isEqualTo(Treatment.SAFE_PRIVATE);
        assertThat(safe.resolve(0x00091001, "SQ", SEQUENCE)).isEqualTo(Treatment.SAFE_PRIVATE);
        // Standard attributes are not affected by the option.
        assertThat(safe.resolve(0x00081030, "LO", VALUE)).isEqualTo(Treatment.DROP);
    }

    @Test
    void optionColumnsOverrideTheBasicCode() {
        ActionResolver uids = resolver(ProfileOption.RETAIN_UIDS); // K
        assertThat(uids.resolve(0x0020000D, "UI", VALUE)).isEqualTo(Treatment.COPY);
        assertThat(uids.resolve(0x00080062, "UI", VALUE)).isEqualTo(Treatment.COPY);
        assertThat(uids.resolve(0x00081140, "SQ", SEQUENCE)).isEqualTo(Treatment.SEQUENCE);

        ActionResolver modified = resolver(ProfileOption.RETAIN_LONGITUDINAL_MODIFIED_DATES); // C
        assertThat(modified.resolve(0x00080020, "DA", VALUE)).isEqualTo(Treatment.CLEAN_DATES);
        assertThat(modified.resolve(0x00080023, "DA", VALUE)).isEqualTo(Treatment.CLEAN_DATES);
        assertThat(modified.resolve(0x00080030, "TM", VALUE)) // Study Time: whole-day shift
                .isEqualTo(Treatment.COPY);

        ActionResolver full = resolver(ProfileOption.RETAIN_LONGITUDINAL_FULL_DATES); // K
        assertThat(full.resolve(0x00080020, "DA", VALUE)).isEqualTo(Treatment.COPY);

        ActionResolver patient = resolver(ProfileOption.RETAIN_PATIENT_CHARACTERISTICS); // K
        assertThat(patient.resolve(0x00100040, "CS", VALUE)).isEqualTo(Treatment.COPY);
        assertThat(patient.resolve(0x00101010, "AS", VALUE)).isEqualTo(Treatment.COPY);
        assertThat(patient.resolve(0x00101030, "DS", VALUE)).isEqualTo(Treatment.COPY);

        ActionResolver institution = resolver(ProfileOption.RETAIN_INSTITUTION_IDENTITY); // K
        // Listed in the table, so kept as it is although it is free text.
        assertThat(institution.resolve(0x00080080, "LO", VALUE)).isEqualTo(Treatment.COPY);

        ActionResolver device = resolver(ProfileOption.RETAIN_DEVICE_IDENTITY); // K
        assertThat(device.resolve(0x00181000, "LO", VALUE)).isEqualTo(Treatment.COPY);
        assertThat(device.resolve(0x00081010, "SH", VALUE)).isEqualTo(Treatment.COPY);

        ActionResolver descriptors = resolver(ProfileOption.CLEAN_DESCRIPTORS); // C
        assertThat(descriptors.resolve(0x00081030, "LO", VALUE)).isEqualTo(Treatment.CLEAN_TEXT);
        assertThat(descriptors.resolve(0x00104000, "LT", VALUE)).isEqualTo(Treatment.CLEAN_TEXT);

        ActionResolver structured = resolver(ProfileOption.CLEAN_STRUCTURED_CONTENT); // C
        assertThat(structured.resolve(0x0040A730, "SQ", SEQUENCE)).isEqualTo(Treatment.SEQUENCE);

        ActionResolver graphics = resolver(ProfileOption.CLEAN_GRAPHICS); // C
        // Binary overlay data has no text to clean: kept as it is.
        assertThat(graphics.resolve(0x60003000, "OW", VALUE)).isEqualTo(Treatment.COPY);
        assertThat(graphics.resolve(0x00700001, "SQ", SEQUENCE)).isEqualTo(Treatment.SEQUENCE);
    }
}
