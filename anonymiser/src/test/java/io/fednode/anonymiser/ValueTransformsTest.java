package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fednode.anonymiser.profile.SafePrivateTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The value transforms bound to one file and the Retain Safe Private value rule, with a marking UID
 * function and expected values worked out by hand.
 */
class ValueTransformsTest {
    private static final UnaryOperator<String> MARK = u -> "9." + u;
    private static final Set<String> WORDS = Set.of("SMITH", "100");

    private final ValueTransforms shifting = new ValueTransforms(MARK, true, 10, WORDS);
    private final ValueTransforms emptying = new ValueTransforms(MARK, false, 10, WORDS);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
    }

    private String apply(ValueTransforms t, Treatment treatment, String vr, String value) {
        return s(t.apply(treatment, vr, b(value)));
    }

    @Test
    void uidsAreReplacedAllOrAllButStandardOnes() {
        String ct = "1.2.840.10008.5.1.4.1.1.2";
        assertThat(apply(shifting, Treatment.REPLACE_UIDS, "UI", ct + "\\1.2.3"))
                .isEqualTo("9.1.2.840.10008.5.1.4.1.1.2\\9.1.2.3\0");
        assertThat(apply(shifting, Treatment.REPLACE_NON_STANDARD_UIDS, "UI", ct + "\\1.2.3"))
                .isEqualTo("1.2.840.10008.5.1.4.1.1.2\\9.1.2.3\0");
        assertThat(apply(shifting, Treatment.KEEP_CLASS_UIDS, "UI", "1.2.3\0"))
                .isEqualTo("1.2.3\0");
    }

    @Test
    void cleanedDatesAreShiftedWithTheOptionElseEmptied() {
        // 10 days back from 10 March 2024 is the leap day.
        assertThat(apply(shifting, Treatment.CLEAN_DATES, "DA", "20240310")).isEqualTo("20240229");
        assertThat(apply(shifting, Treatment.CLEAN_DATES, "DT", "20240310101500"))
                .isEqualTo("20240229101500");
        assertThat(apply(emptying, Treatment.CLEAN_DATES, "DA", "20240310")).isEmpty();
        assertThat(apply(emptying, Treatment.CLEAN_DATES, "DT", "20240310101500")).isEmpty();
    }

    @Test
    void cleanedTextIsEmptiedWhenItHoldsAWordOfTheFile() {
        assertThat(apply(shifting, Treatment.CLEAN_TEXT, "LO", "seen by Dr Smith ")).isEmpty();
        assertThat(apply(shifting, Treatment.CLEAN_TEXT, "LO", "CHEST CT")).isEqualTo("CHEST CT");
        assertThat(apply(shifting, Treatment.CLEAN_TEXT, "LT", "dose 100 mGy")).isEmpty();
    }

    @Test
    void treatmentsWithoutAValueAreRefused() {
        assertThatThrownBy(() -> shifting.apply(Treatment.COPY, "LO", b("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COPY");
    }

    private static SafePrivateTable.Entry row(String vr, int maxValues) {
        return new SafePrivateTable.Entry(0x0009, 0x10, "ACME 1.0", List.of(vr), 1, maxValues, "m");
    }

    private static SafePrivateRetention retention(boolean retainUids) {
        return new SafePrivateRetention(
                SafePrivateTable.standard(),
                new ValueTransforms(MARK, false, 0, WORDS),
                retainUids);
    }

    @Test
    void safePrivateTextIsKeptUnlessItHoldsAWordOfTheFile() {
        SafePrivateRetention rule = retention(false);
        assertThat(s(rule.retainedValue(row("LO", 1), "LO", b("CT SCANNER"))))
                .isEqualTo("CT SCANNER");
        assertThat(rule.retainedValue(row("LO", 1), "LO", b("SMITH HOSPITAL"))).isNull();
        assertThat(rule.retainedValue(row("LO", 1), "LO", b("100 "))).isNull();
        // Numbers are not searched for words.
        assertThat(s(rule.retainedValue(row("DS", 1), "DS", b("100 ")))).isEqualTo("100 ");
        assertThat(s(rule.retainedValue(row("IS", 1), "IS", b("100 ")))).isEqualTo("100 ");
    }

    @Test
    void safePrivateUidsAreReplacedUnlessUidsAreRetained() {
        String value = "1.2.840.10008.1.2\\1.2.3";
        assertThat(s(retention(false).retainedValue(row("UI", 2), "UI", b(value))))
                .isEqualTo("1.2.840.10008.1.2\\9.1.2.3\0");
        assertThat(s(retention(true).retainedValue(row("UI", 2), "UI", b(value)))).isEqualTo(value);
    }

    @Test
    void safePrivateValuesImplausibleForTheRowAreRemoved() {
        SafePrivateRetention rule = retention(false);
        assertThat(rule.retainedValue(row("US", 1), "US", new byte[] {1, 0})).hasSize(2);
        assertThat(rule.retainedValue(row("US", 1), "US", new byte[] {1, 0, 2})).isNull();
        assertThat(rule.retainedValue(row("US", 1), "US", new byte[] {1, 0, 2, 0})).isNull();
        assertThat(rule.retainedValue(row("UI", 1), "UI", b("1.2.abc "))).isNull();
        assertThat(rule.retainedValue(row("LO", 1), "LO", new byte[0])).isEmpty();
    }
}
