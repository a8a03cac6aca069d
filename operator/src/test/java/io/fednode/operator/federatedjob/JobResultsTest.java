package io.fednode.operator.federatedjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobResultsTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    private static JobResults train(String text) throws JobResults.Rejected {
        return JobResults.validate(text, 4096, List.of(), "Train");
    }

    @Test
    void wellFormedResultsAreKeptExactly() throws Exception {
        JobResults r =
                train(
                        "{\"metrics\":{\"auc\":0.91,\"loss\":0.2},\"metricErrors\":{\"auc\":0.02},"
                                + "\"numExamples\":120,\"modelDigest\":\""
                                + DIGEST
                                + "\"}");
        assertThat(r.metrics()).isEqualTo(Map.of("auc", 0.91, "loss", 0.2));
        assertThat(r.metricErrors()).isEqualTo(Map.of("auc", 0.02));
        assertThat(r.numExamples()).isEqualTo(120L);
        assertThat(r.modelDigest()).isEqualTo(DIGEST);
        assertThat(r.asReport())
                .isEqualTo(
                        Map.of(
                                "metrics",
                                Map.of("auc", 0.91, "loss", 0.2),
                                "metricErrors",
                                Map.of("auc", 0.02),
                                "numExamples",
                                120L,
                                "modelDigest",
                                DIGEST));
    }

    @Test
    void noResultsFileMeansNoResults() throws Exception {
        assertThat(train("")).isEqualTo(JobResults.NONE);
        assertThat(train(null)).isEqualTo(JobResults.NONE);
    }

    @Test
    void resultsLargerThanTheJobAllowsAreRejectedWithTheirSize() {
        String text = "{\"metrics\":{\"a\":" + "1".repeat(80) + "}}";
        assertThatThrownBy(() -> JobResults.validate(text, 64, List.of(), "Evaluate"))
                .isInstanceOf(JobResults.Rejected.class)
                .hasMessage("the results are " + text.length() + " bytes, more than the job's 64");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "not json at all | the results are not one JSON object (line 1, column 4)",
                "[1,2] | the results are not a JSON object",
                "{\"metrics\":{},\"path\":\"/data/x\"} | the results hold a field other than"
                        + " metrics, metricErrors, numExamples and modelDigest",
                "{\"metrics\":{\"auc\":\"high\"}} | metrics.auc is not a finite number",
                "{\"metrics\":{\"auc\":1e999}} | metrics.auc is not a finite number",
                "{\"metrics\":{\"../etc\":1}} | metrics holds a name that is not a metric name"
                        + " (^[A-Za-z][A-Za-z0-9_.-]{0,63}$)",
                "{\"metrics\":[1]} | metrics must be an object of metric names to numbers",
                "{\"metrics\":{\"a\":1},\"metricErrors\":{\"b\":1}} | metricErrors.b has no"
                        + " metric of that name",
                "{\"metrics\":{\"a\":1},\"metricErrors\":{\"a\":-0.1}} | metricErrors.a is"
                        + " negative",
                "{\"numExamples\":-1} | numExamples must be a non-negative integer",
                "{\"numExamples\":1.5} | numExamples must be a non-negative integer",
                "{\"modelDigest\":\"md5:abc\"} | modelDigest must be sha256: followed by 64"
                        + " lowercase hex",
                "{\"metrics\":{\"a\":1},\"metrics\":{\"a\":2}} | the results are not one JSON"
                        + " object (line 1, column 29)",
                "{\"metrics\":{}} {} | the results are not one JSON object (line 1, column 16)",
            })
    void resultsBreakingARuleAreRejectedSayingWhich(String text, String message) {
        assertThatThrownBy(() -> train(text.strip()))
                .isInstanceOf(JobResults.Rejected.class)
                .hasMessage(message.strip());
    }

    @Test
    void moreThanSixtyFourMetricsAreRejected() {
        StringBuilder b = new StringBuilder("{\"metrics\":{");
        for (int i = 0; i < 65; i++) {
            b.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":1");
        }
        String text = b.append("}}").toString();
        assertThatThrownBy(() -> train(text))
                .hasMessage("the results hold 65 metrics, more than 64");
    }

    @Test
    void metricsOutsideTheJobsAllowedMetricsAreRejected() {
        assertThatThrownBy(
                        () ->
                                JobResults.validate(
                                        "{\"metrics\":{\"auc\":1,\"patients\":12}}",
                                        4096,
                                        List.of("auc"),
                                        "Evaluate"))
                .hasMessage("metric patients is not in the job's allowedMetrics [auc]");
    }

    @Test
    void anEvaluateJobReportsNoModelDigest() {
        assertThatThrownBy(
                        () ->
                                JobResults.validate(
                                        "{\"modelDigest\":\"" + DIGEST + "\"}",
                                        4096,
                                        List.of(),
                                        "Evaluate"))
                .hasMessage("modelDigest is only reported by Train jobs");
    }
}
