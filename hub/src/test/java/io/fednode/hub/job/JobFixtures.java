package io.fednode.hub.job;

import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import io.fednode.api.v1alpha1.FederatedJobPlacement;
import io.fednode.api.v1alpha1.FederatedJobSpec;
import io.fednode.api.v1alpha1.JobType;
import java.util.List;
import java.util.Map;

/** Specs and entries for the job rule tests, built by hand. */
final class JobFixtures {
    private JobFixtures() {}

    static FederatedJobSpec spec(int minNodes, String... required) {
        FederatedJobSpec s = new FederatedJobSpec();
        s.setType(JobType.Train);
        s.setSubmitter("researcher@example.org");
        s.setImage("registry.example.org/fl/trainer@sha256:" + "c".repeat(64));
        s.setAggregator(new AggregatorSpec("https://agg.example.org:9092"));
        s.setAcceptDeadline("30m");
        FederatedJobPlacement p = new FederatedJobPlacement();
        p.setMinNodes(minNodes);
        p.setRequiredNodes(required.length == 0 ? null : List.of(required));
        s.setPlacement(p);
        return s;
    }

    static FederatedJobNodeStatus entry(String node, Phase phase) {
        FederatedJobNodeStatus e = new FederatedJobNodeStatus();
        e.setNodeId(node);
        e.setPhase(phase);
        e.setUpdatedAt("2026-01-01T10:00:00Z");
        return e;
    }

    static FederatedJobNodeStatus succeeded(String node, Long examples, Map<String, Double> m) {
        FederatedJobNodeStatus e = entry(node, Phase.Succeeded);
        e.setNumExamples(examples);
        e.setMetrics(m);
        return e;
    }
}
