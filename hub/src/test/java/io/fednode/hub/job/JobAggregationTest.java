package io.fednode.hub.job;

import static io.fednode.hub.job.JobFixtures.entry;
import static io.fednode.hub.job.JobFixtures.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobAggregationTest {
    @Test
    void meanIsWeightedByExamples() {
        Map<String, Double> out =
                JobAggregation.aggregate(
                        List.of(
                                succeeded("a", 100L, Map.of("accuracy", 0.9, "loss", 0.2)),
                                succeeded("b", 300L, Map.of("accuracy", 0.5, "loss", 0.6))));
        // accuracy (100*0.9 + 300*0.5) / 400 = 240/400 = 0.6; loss (20 + 180) / 400 = 0.5
        assertThat(out.get("accuracy")).isCloseTo(0.6, within(1e-12));
        assertThat(out.get("loss")).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void plainMeanWhenANodeReportsNoExamples() {
        Map<String, Double> out =
                JobAggregation.aggregate(
                        List.of(
                                succeeded("a", 100L, Map.of("auc", 0.8)),
                                succeeded("b", null, Map.of("auc", 0.6))));
        // (0.8 + 0.6) / 2 = 0.7, not the weighted value
        assertThat(out.get("auc")).isCloseTo(0.7, within(1e-12));
    }

    @Test
    void onlySucceededNodesCount() {
        FederatedJobNodeStatus failed = entry("b", Phase.Failed);
        failed.setMetrics(Map.of("loss", 100.0));
        failed.setNumExamples(1000L);
        Map<String, Double> out =
                JobAggregation.aggregate(
                        List.of(succeeded("a", 10L, Map.of("loss", 0.25)), failed));
        assertThat(out).containsExactlyEntriesOf(Map.of("loss", 0.25));
    }

    @Test
    void aMetricOnlySomeNodesReportIsAveragedOverThose() {
        Map<String, Double> out =
                JobAggregation.aggregate(
                        List.of(
                                succeeded("a", 1L, Map.of("loss", 1.0, "dice", 0.4)),
                                succeeded("b", 3L, Map.of("loss", 2.0))));
        assertThat(out.get("dice")).isCloseTo(0.4, within(1e-12));
        // (1*1 + 3*2) / 4 = 1.75
        assertThat(out.get("loss")).isCloseTo(1.75, within(1e-12));
    }

    @Test
    void nothingSucceededAggregatesNothing() {
        assertThat(JobAggregation.aggregate(List.of(entry("a", Phase.Running)))).isNull();
    }
}
