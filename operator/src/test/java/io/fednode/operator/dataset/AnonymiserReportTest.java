package io.fednode.operator.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AnonymiserReportTest {
    @Test
    void readsTheAnonymisersReport() throws Exception {
        AnonymiserReport r =
                AnonymiserReport.parse(
                        """
                        {"filesSeen":12,"filesWritten":9,"filesQuarantined":3,"bytesIn":5000,\
                        "bytesOut":4800,"quarantineReasons":{"not-dicom":2,"burned-in-annotation":1},\
                        "options":["clean-descriptors"],"table":"PS3.15 2025b","seconds":1.5}
                        """);
        assertThat(r.filesSeen()).isEqualTo(12);
        assertThat(r.filesWritten()).isEqualTo(9);
        assertThat(r.filesQuarantined()).isEqualTo(3);
        assertThat(r.bytesIn()).isEqualTo(5000);
        assertThat(r.bytesOut()).isEqualTo(4800);
        assertThat(r.quarantineReasons())
                .containsExactly(
                        java.util.Map.entry("burned-in-annotation", 1L),
                        java.util.Map.entry("not-dicom", 2L));
    }

    @Test
    void emptyMessageIsNotAReport() {
        assertThatThrownBy(() -> AnonymiserReport.parse("  \n"))
                .hasMessageContaining("termination message is empty");
    }

    @Test
    void logTailIsNotAReport() {
        assertThatThrownBy(
                        () ->
                                AnonymiserReport.parse(
                                        "fednode-anonymiser: fatal: java.io.IOException: No space"))
                .hasMessageContaining("not a JSON report");
    }

    @Test
    void aTextThatIsNotJsonIsNotQuoted() {
        // Jackson's own message would quote the first token: here a patient's name.
        assertThatThrownBy(() -> AnonymiserReport.parse("DOE^JANE 1961: cannot read"))
                .hasMessageContaining("not a JSON report")
                .hasMessageNotContaining("DOE")
                .hasMessageNotContaining("JANE");
    }

    @Test
    void quarantineReasonsThatAreNotReasonNamesAreRejectedUnquoted() {
        for (String key :
                new String[] {
                    "/data/raw/DOE^JANE/IM1.dcm", "Not-Dicom", "not dicom", "a".repeat(64), ""
                }) {
            String report = withReasons(1, "\"" + key + "\":1");
            assertThatThrownBy(() -> AnonymiserReport.parse(report))
                    .as(key)
                    .hasMessageContaining("not a reason name")
                    .hasMessageNotContaining("DOE");
        }
    }

    @Test
    void tooManyQuarantineReasonsAreRejected() {
        StringBuilder reasons = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            reasons.append(i == 0 ? "" : ",").append("\"r-").append(i).append("\":0");
        }
        String report = withReasons(0, reasons.toString());
        assertThatThrownBy(() -> AnonymiserReport.parse(report))
                .hasMessageContaining("more than 64 reasons");
    }

    /** A report of {@code quarantined} quarantined files and these quarantineReasons members. */
    private static String withReasons(int quarantined, String members) {
        return "{\"filesSeen\":%d,\"filesWritten\":0,\"filesQuarantined\":%d,\"bytesIn\":1,\"bytesOut\":0,\"quarantineReasons\":{%s}}"
                .formatted(quarantined, quarantined, members);
    }

    @Test
    void missingCountIsRejected() {
        assertThatThrownBy(
                        () ->
                                AnonymiserReport.parse(
                                        "{\"filesSeen\":1,\"filesWritten\":1,\"bytesIn\":1,\"bytesOut\":1}"))
                .hasMessageContaining("filesQuarantined");
    }

    @Test
    void countsThatDoNotAddUpAreRejected() {
        assertThatThrownBy(
                        () ->
                                AnonymiserReport.parse(
                                        "{\"filesSeen\":5,\"filesWritten\":1,\"filesQuarantined\":1,"
                                                + "\"bytesIn\":1,\"bytesOut\":1}"))
                .hasMessageContaining("do not add up");
    }
}
