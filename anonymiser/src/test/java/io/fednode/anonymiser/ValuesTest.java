package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The pure value transforms, with expected values worked out by hand. */
class ValuesTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void paddingToEvenLength() {
        assertThat(s(Values.text("ABC"))).isEqualTo("ABC ");
        assertThat(s(Values.text("AB"))).isEqualTo("AB");
        assertThat(s(Values.uidBytes("1.2.3"))).isEqualTo("1.2.3\0");
        assertThat(s(Values.uidBytes("1.23"))).isEqualTo("1.23");
    }

    @Test
    void datesMoveBackAcrossMonthsLeapDaysAndYears() {
        assertThat(s(Values.shiftDates("DA", b("20200301"), 1))).isEqualTo("20200229");
        assertThat(s(Values.shiftDates("DA", b("20200301\\20200101 "), 10)))
                .isEqualTo("20200220\\20191222 ");
        // DT keeps its time and offset.
        assertThat(s(Values.shiftDates("DT", b("20200301123000.5+0100"), 1)))
                .isEqualTo("20200229123000.5+0100 ");
    }

    @Test
    void whatIsNotAFullValidDateIsDroppedNotKept() {
        assertThat(Values.shiftDates("DA", b("20201301"), 1)).isEmpty();
        assertThat(Values.shiftDates("DA", b("2020"), 1)).isEmpty();
        assertThat(Values.shiftDates("DA", b("00000101"), 1)).as("before year 0").isEmpty();
        assertThat(s(Values.shiftDates("DA", b("2020\\20200102"), 1))).isEqualTo("\\20200101 ");
    }

    @Test
    void uidsAreMappedOneByOneAndStandardOnesKeptOnlyWhenAsked() {
        UnaryOperator<String> mark = u -> "9." + u;
        assertThat(s(Values.mapUids(b("1.2.840.10008.1.2.1\\1.2.3"), true, mark)))
                .isEqualTo("1.2.840.10008.1.2.1\\9.1.2.3\0");
        assertThat(s(Values.mapUids(b("1.2.840.10008.1.2.1\\1.2.3"), false, mark)))
                .isEqualTo("9.1.2.840.10008.1.2.1\\9.1.2.3\0");
        assertThat(s(Values.mapUids(b("1.2\\\\1.3"), false, mark))).isEqualTo("9.1.2\\\\9.1.3");
        assertThat(s(Values.mapUids(b("1.2.3\0"), false, mark))).isEqualTo("9.1.2.3\0");
    }

    @Test
    void dummiesAreValidForTheirVr() {
        assertThat(Values.dummy("US")).containsExactly(0, 0);
        assertThat(Values.dummy("FD")).hasSize(8).containsOnly(0);
        assertThat(s(Values.dummy("DA"))).isEqualTo("19000101");
        assertThat(s(Values.dummy("TM"))).isEqualTo("000000");
        assertThat(s(Values.dummy("DS"))).isEqualTo("0 ");
        assertThat(s(Values.dummy("PN"))).isEqualTo("ANONYMISED");
        assertThat(Values.dummy("OB")).isEmpty();
        assertThat(Values.dummy("UR")).isEmpty();
    }

    @Test
    void identifyingWordsAreFoundInAnyCase() {
        Set<String> tokens = new HashSet<>();
        Values.addTokens(tokens, "Smithereens^Johanna Q");
        assertThat(tokens)
                .containsExactlyInAnyOrder("SMITHEREENS^JOHANNA Q", "SMITHEREENS", "JOHANNA");
        assertThat(Values.holdsIdentifyingWord(b("seen by dr. johanna"), tokens)).isTrue();
        assertThat(Values.holdsIdentifyingWord(b("Smithers"), tokens)).isFalse();
    }
}
