package io.fednode.anonymiser.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PseudonymiserTest {
    private static Pseudonymiser with(String key) {
        return new Pseudonymiser(new PseudonymKey(key.getBytes(StandardCharsets.US_ASCII)));
    }

    private final Pseudonymiser a = with("key A: thirty-two bytes or longer");
    private final Pseudonymiser b = with("key B: thirty-two bytes or longer");

    @Test
    void uidsAreValid225UidsStableForOneKeyAndDifferentForAnother() {
        String original = "1.2.826.0.1.3680043.8.498.1";
        String u = a.uid(original);
        assertThat(u).matches("2\\.25\\.[1-9][0-9]*").hasSizeLessThanOrEqualTo(64);
        assertThat(a.uid(original)).isEqualTo(u);
        assertThat(with("key A: thirty-two bytes or longer").uid(original)).isEqualTo(u);
        assertThat(b.uid(original)).isNotEqualTo(u);
        assertThat(a.uid(original + "0")).isNotEqualTo(u);
    }

    @Test
    void patientPseudonymFitsPatientIdAndDependsOnKeyAndPatient() {
        String p = a.patient("PID-1");
        assertThat(p).matches("FN[A-Z2-7]{16}");
        assertThat(a.patient("PID-1")).isEqualTo(p);
        assertThat(a.patient("PID-2")).isNotEqualTo(p);
        assertThat(b.patient("PID-1")).isNotEqualTo(p);
    }

    @Test
    void domainsAreSeparated() {
        assertThat(a.uid("X")).doesNotContain(a.patient("X"));
        assertThat(a.patient("1.2.3")).isNotEqualTo(a.patient("1.2.4"));
    }

    @Test
    void dateShiftIsPerPatientAndBounded() {
        int d = a.dateShiftDays("PID-1");
        assertThat(d).isBetween(1, Pseudonymiser.MAX_DATE_SHIFT_DAYS);
        assertThat(a.dateShiftDays("PID-1")).isEqualTo(d);
        long distinct =
                java.util.stream.IntStream.range(0, 50)
                        .map(i -> a.dateShiftDays("PID-" + i))
                        .distinct()
                        .count();
        assertThat(distinct).isGreaterThan(40);
    }

    @Test
    void shortKeysAreRejected() {
        assertThatThrownBy(() -> new PseudonymKey(new byte[31]))
                .hasMessageContaining("at least 32");
    }
}
