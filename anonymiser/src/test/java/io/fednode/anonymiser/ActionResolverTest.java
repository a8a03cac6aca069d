package io.fednode.anonymiser;

import static io.fednode.anonymiser.dicom.DatasetReader.Kind.SEQUENCE_IMPLICIT_LE;
import static io.fednode.anonymiser.dicom.DatasetReader.Kind.VALUE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.anonymiser.dicom.DatasetReader.Kind;
import io.fednode.anonymiser.profile.ConfidentialityProfile;
import io.fednode.anonymiser.profile.ProfileOption;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which treatment an element gets. Expected values are the codes of PS3.15 Table E.1-1 (edition
 * 2024b; the column of the option, else the basic profile; the last choice of a combined code) and
 * the fixed rules of docs/anonymiser.md ("What each action does"), written out by hand.
 */
class ActionResolverTest {
    private static ActionResolver resolver(String options) {
        Set<ProfileOption> set =
                options.equals("-")
                        ? Set.of()
                        : Arrays.stream(options.split(" "))
                                .map(n -> ProfileOption.forCliName(n).orElseThrow())
                                .collect(Collectors.toSet());
        return new ActionResolver(ConfidentialityProfile.basic(set));
    }

    private final ActionResolver basic = resolver("-");

    @ParameterizedTest(name = "{5} ({0}, {1} {2} {3}): {4}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            # option                        | tag      | VR | layout               | treatment                 | attribute: code in the table or rule
            -                               | 00100030 | DA | VALUE                | EMPTY                     | Patient's Birth Date: Z
            -                               | 00080050 | SH | VALUE                | EMPTY                     | Accession Number: Z
            -                               | 00080090 | PN | VALUE                | EMPTY                     | Referring Physician's Name: Z
            -                               | 00080020 | DA | VALUE                | EMPTY                     | Study Date: Z
            -                               | 00100040 | CS | VALUE                | EMPTY                     | Patient's Sex: Z
            -                               | 00081030 | LO | VALUE                | DROP                      | Study Description: X
            -                               | 00101010 | AS | VALUE                | DROP                      | Patient's Age: X
            -                               | 00104000 | LT | VALUE                | DROP                      | Patient Comments: X
            -                               | 60003000 | OW | VALUE                | DROP                      | Overlay Data (60xx): X
            -                               | 00080080 | LO | VALUE                | DUMMY                     | Institution Name: X/Z/D
            -                               | 00181000 | LO | VALUE                | DUMMY                     | Device Serial Number: X/Z/D
            -                               | 00081010 | SH | VALUE                | DUMMY                     | Station Name: X/Z/D
            -                               | 00080023 | DA | VALUE                | DUMMY                     | Content Date: Z/D
            -                               | 00080080 | UI | VALUE                | REPLACE_UIDS              | Institution Name stored as UI: a dummy UID
            -                               | 0020000D | UI | VALUE                | REPLACE_UIDS              | Study Instance UID: U
            -                               | 00200052 | UI | VALUE                | REPLACE_UIDS              | Frame of Reference UID: U
            -                               | 00081155 | UI | VALUE                | REPLACE_UIDS              | Referenced SOP Instance UID: U
            -                               | 0020000D | UN | VALUE                | REPLACE_UIDS              | Study Instance UID stored as UN: judged as UI
            -                               | 0040A730 | SQ | SEQUENCE             | EMPTY                     | Content Sequence: D, an empty sequence
            -                               | 0040A073 | SQ | SEQUENCE             | EMPTY                     | Verifying Observer Sequence: D, an empty sequence
            -                               | 00081110 | SQ | SEQUENCE             | EMPTY                     | Referenced Study Sequence: X/Z
            -                               | 00081140 | SQ | SEQUENCE             | SEQUENCE                  | Referenced Image Sequence: X/Z/U*, items rewritten
            -                               | 00081140 | UN | SEQUENCE_IMPLICIT_LE | SEQUENCE                  | Referenced Image Sequence as UN of undefined length
            -                               | 00081140 | UN | VALUE                | EMPTY                     | Referenced Image Sequence as opaque UN: never copied
            -                               | 00700001 | UN | VALUE                | EMPTY                     | Graphic Annotation Sequence (D) as opaque UN
            -                               | 00280010 | US | VALUE                | COPY                      | Rows: not in the table, in the dictionary
            -                               | 00080060 | CS | VALUE                | COPY                      | Modality: not in the table, in the dictionary
            -                               | 7FE00010 | OW | VALUE                | COPY                      | Pixel Data, native
            -                               | 7FE00010 | OB | FRAGMENTS            | FRAGMENTS                 | Pixel Data, encapsulated
            -                               | 00080040 | US | VALUE                | DROP                      | Data Set Type: retired
            -                               | 00280040 | CS | VALUE                | DROP                      | Image Format: retired
            -                               | 00209999 | UN | VALUE                | DROP                      | not in the dictionary
            -                               | 00080104 | LO | VALUE                | CLEAN_TEXT                | Code Meaning: free text outside the table
            -                               | 00080104 | UN | VALUE                | CLEAN_TEXT                | Code Meaning stored as UN: judged as LO
            -                               | 00080016 | UI | VALUE                | KEEP_CLASS_UIDS           | SOP Class UID: a class UID outside the table
            -                               | 00081150 | UI | VALUE                | KEEP_CLASS_UIDS           | Referenced SOP Class UID: a class UID outside the table
            -                               | 00080062 | UI | VALUE                | REPLACE_NON_STANDARD_UIDS | SOP Classes in Study: other UIDs outside the table
            -                               | 00080000 | UL | VALUE                | DROP                      | a group length
            -                               | 00000100 | US | VALUE                | DROP                      | a command element
            -                               | 00020010 | UI | VALUE                | DROP                      | a meta element inside the data set
            -                               | FFFCFFFC | OB | VALUE                | DROP                      | data set trailing padding
            -                               | 00120062 | CS | VALUE                | DROP                      | Patient Identity Removed: fednode's own
            -                               | 00120063 | LO | VALUE                | DROP                      | De-identification Method: fednode's own
            -                               | 00120064 | SQ | SEQUENCE             | DROP                      | De-identification Method Code Sequence: fednode's own
            -                               | 00280303 | CS | VALUE                | DROP                      | Longitudinal Temporal Information Modified: fednode's own
            -                               | 00090010 | LO | VALUE                | DROP                      | a private creator
            -                               | 00091001 | UN | VALUE                | DROP                      | a private element
            retain-safe-private             | 00090010 | LO | VALUE                | SAFE_PRIVATE              | a private creator
            retain-safe-private             | 00091001 | SQ | SEQUENCE             | SAFE_PRIVATE              | a private sequence
            retain-safe-private             | 00081030 | LO | VALUE                | DROP                      | Study Description: X
            retain-uids                     | 0020000D | UI | VALUE                | COPY                      | Study Instance UID: K
            retain-uids                     | 00080062 | UI | VALUE                | COPY                      | SOP Classes in Study: UIDs kept
            retain-uids                     | 00081140 | SQ | SEQUENCE             | SEQUENCE                  | Referenced Image Sequence: K
            retain-longitudinal-modified-dates | 00080020 | DA | VALUE             | CLEAN_DATES               | Study Date: C
            retain-longitudinal-modified-dates | 00080023 | DA | VALUE             | CLEAN_DATES               | Content Date: C
            retain-longitudinal-modified-dates | 00080030 | TM | VALUE             | COPY                      | Study Time: C, the shift is in whole days
            retain-longitudinal-full-dates  | 00080020 | DA | VALUE                | COPY                      | Study Date: K
            retain-patient-characteristics  | 00100040 | CS | VALUE                | COPY                      | Patient's Sex: K
            retain-patient-characteristics  | 00101010 | AS | VALUE                | COPY                      | Patient's Age: K
            retain-patient-characteristics  | 00101030 | DS | VALUE                | COPY                      | Patient's Weight: K
            retain-institution-identity     | 00080080 | LO | VALUE                | COPY                      | Institution Name: K, listed so not cleaned
            retain-device-identity          | 00181000 | LO | VALUE                | COPY                      | Device Serial Number: K
            retain-device-identity          | 00081010 | SH | VALUE                | COPY                      | Station Name: K
            clean-descriptors               | 00081030 | LO | VALUE                | CLEAN_TEXT                | Study Description: C
            clean-descriptors               | 00104000 | LT | VALUE                | CLEAN_TEXT                | Patient Comments: C
            clean-structured-content        | 0040A730 | SQ | SEQUENCE             | SEQUENCE                  | Content Sequence: C
            clean-graphics                  | 60003000 | OW | VALUE                | COPY                      | Overlay Data: C, binary, no text to clean
            clean-graphics                  | 00700001 | SQ | SEQUENCE             | SEQUENCE                  | Graphic Annotation Sequence: C
            """)
    void treatmentFollowsTheTableAndTheFixedRules(
            String options, String tag, String vr, Kind kind, Treatment expected, String what) {
        assertThat(resolver(options).resolve(Integer.parseUnsignedInt(tag, 16), vr, kind))
                .as(what)
                .isEqualTo(expected);
    }

    @Test
    void valuesStoredAsUnAreJudgedByTheDictionaryVr() {
        assertThat(basic.judgedVr(0x0020000D, "UN", VALUE)).isEqualTo("UI");
        assertThat(basic.judgedVr(0x00080104, "UN", VALUE)).isEqualTo("LO");
        assertThat(basic.judgedVr(0x00080104, "SH", VALUE)).isEqualTo("SH");
        // Sequences stored as UN keep UN: their items are read, not their value.
        assertThat(basic.judgedVr(0x00081140, "UN", SEQUENCE_IMPLICIT_LE)).isEqualTo("UN");
    }
}
