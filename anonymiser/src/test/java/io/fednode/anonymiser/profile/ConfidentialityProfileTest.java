package io.fednode.anonymiser.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfidentialityProfileTest {
    private final ConfidentialityProfile basic = ConfidentialityProfile.basic(Set.of());

    @Test
    void tableIsTheGeneratedEdition2024bWithAllRows() {
        AnnexETable t = AnnexETable.standard();
        assertThat(t.source()).contains("Table E.1-1").contains("edition 2024b");
        assertThat(t.size()).isEqualTo(621);
    }

    @Test
    void basicProfileActionsFollowTheTable() {
        assertThat(basic.actionFor(0x00100010)).isEqualTo(Action.ZERO); // Patient's Name: Z
        assertThat(basic.actionFor(0x00100020)).isEqualTo(Action.DUMMY); // Patient ID: Z/D
        assertThat(basic.actionFor(0x00080018)).isEqualTo(Action.REPLACE_UID);
        assertThat(basic.actionFor(0x00080080)).isEqualTo(Action.DUMMY); // Institution X/Z/D
        assertThat(basic.actionFor(0x00101040)).isEqualTo(Action.REMOVE); // Patient's Address
        assertThat(basic.actionFor(0x60023000)).isEqualTo(Action.REMOVE); // Overlay Data 60xx
        assertThat(basic.actionFor(0x50001000)).isEqualTo(Action.REMOVE); // Curve 50xx
    }

    @Test
    void unlistedAttributesAreKeptOnlyWhenCurrentStandardOnes() {
        assertThat(basic.actionFor(0x00280010)).isEqualTo(Action.KEEP); // Rows
        assertThat(basic.actionFor(0x7FE00010)).isEqualTo(Action.KEEP); // Pixel Data
        assertThat(basic.actionFor(0x00080016)).isEqualTo(Action.KEEP); // SOP Class UID
        assertThat(basic.actionFor(0x00080001)).isEqualTo(Action.REMOVE); // retired
        assertThat(basic.actionFor(0x00080002)).isEqualTo(Action.REMOVE); // not in dictionary
        assertThat(basic.actionFor(0x00091001)).isEqualTo(Action.REMOVE); // private
        assertThat(basic.actionFor(0x00090010)).isEqualTo(Action.REMOVE); // private creator
    }

    @Test
    void optionsOverrideTheBasicAction() {
        var uids = ConfidentialityProfile.basic(Set.of(ProfileOption.RETAIN_UIDS));
        assertThat(uids.actionFor(0x00080018)).isEqualTo(Action.KEEP);
        var dates =
                ConfidentialityProfile.basic(
                        Set.of(ProfileOption.RETAIN_LONGITUDINAL_MODIFIED_DATES));
        assertThat(dates.actionFor(0x00080020)).isEqualTo(Action.CLEAN); // Study Date
        var inst = ConfidentialityProfile.basic(Set.of(ProfileOption.RETAIN_INSTITUTION_IDENTITY));
        assertThat(inst.actionFor(0x00080080)).isEqualTo(Action.KEEP);
        var chars =
                ConfidentialityProfile.basic(Set.of(ProfileOption.RETAIN_PATIENT_CHARACTERISTICS));
        assertThat(chars.actionFor(0x00101010)).isEqualTo(Action.KEEP); // Patient's Age
        var priv = ConfidentialityProfile.basic(Set.of(ProfileOption.RETAIN_SAFE_PRIVATE));
        // A tag alone never makes a private attribute safe (that takes its block's creator): the
        // de-identifier asks the safe private table, which only this option provides.
        assertThat(priv.actionFor(0x00091001)).isEqualTo(Action.REMOVE);
        assertThat(priv.safePrivate()).isSameAs(SafePrivateTable.standard());
        assertThat(inst.safePrivate()).isNull();
    }

    @Test
    void fullAndModifiedDatesExcludeEachOther() {
        assertThatThrownBy(
                        () ->
                                ConfidentialityProfile.basic(
                                        EnumSet.of(
                                                ProfileOption.RETAIN_LONGITUDINAL_FULL_DATES,
                                                ProfileOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void combinedCodesTakeTheChoiceValidForEveryType() {
        assertThat(Action.forCode("X/Z/D")).isEqualTo(Action.DUMMY);
        assertThat(Action.forCode("Z/D")).isEqualTo(Action.DUMMY);
        assertThat(Action.forCode("X/Z")).isEqualTo(Action.ZERO);
        assertThat(Action.forCode("X/D")).isEqualTo(Action.DUMMY);
        assertThat(Action.forCode("X/Z/U*")).isEqualTo(Action.REPLACE_UID);
    }
}
