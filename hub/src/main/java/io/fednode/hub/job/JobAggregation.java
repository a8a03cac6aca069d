package io.fednode.hub.job;

import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job's aggregated metrics: per metric, over the Succeeded nodes that reported it, the mean
 * weighted by each node's numExamples (what federated averaging does), or the plain mean when one
 * of them reported no (or zero) numExamples.
 */
public final class JobAggregation {
    private JobAggregation() {}

    public static Map<String, Double> aggregate(List<FederatedJobNodeStatus> entries) {
        Map<String, List<FederatedJobNodeStatus>> byMetric = new TreeMap<>();
        for (FederatedJobNodeStatus e : entries) {
            if (e.getPhase() == Phase.Succeeded && e.getMetrics() != null) {
                for (String metric : e.getMetrics().keySet()) {
                    byMetric.computeIfAbsent(metric, k -> new ArrayList<>()).add(e);
                }
            }
        }
        Map<String, Double> out = new TreeMap<>();
        byMetric.forEach(
                (metric, nodes) -> {
                    boolean weighted =
                            nodes.stream()
                                    .allMatch(
                                            n ->
                                                    n.getNumExamples() != null
                                                            && n.getNumExamples() > 0);
                    double sum = 0;
                    double weights = 0;
                    for (FederatedJobNodeStatus n : nodes) {
                        double w = weighted ? n.getNumExamples() : 1;
                        sum += w * n.getMetrics().get(metric);
                        weights += w;
                    }
                    out.put(metric, sum / weights);
                });
        return out.isEmpty() ? null : out;
    }
}
