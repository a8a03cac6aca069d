package io.fednode.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Observed state of a federated job: one entry per selected node, counts, aggregated metrics. */
public class FederatedJobStatus {
    /** The spec generation this status describes. */
    private Long observedGeneration;

    /** Ready (mirrors Succeeded), Succeeded, Reconciling, Stalled. */
    private List<Condition> conditions = new ArrayList<>();

    /** One entry per node the job was placed on. */
    private List<FederatedJobNodeStatus> nodes = new ArrayList<>();

    /** Entries by phase. */
    private Counts counts;

    /**
     * Per metric, the numExamples-weighted mean over the Succeeded nodes (the plain mean when a
     * node reported no numExamples).
     */
    private Map<String, Double> aggregated;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public List<FederatedJobNodeStatus> getNodes() {
        return nodes;
    }

    public void setNodes(List<FederatedJobNodeStatus> nodes) {
        this.nodes = nodes;
    }

    public Counts getCounts() {
        return counts;
    }

    public void setCounts(Counts counts) {
        this.counts = counts;
    }

    public Map<String, Double> getAggregated() {
        return aggregated;
    }

    public void setAggregated(Map<String, Double> aggregated) {
        this.aggregated = aggregated;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FederatedJobStatus s
                && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(conditions, s.conditions)
                && Objects.equals(nodes, s.nodes)
                && Objects.equals(counts, s.counts)
                && Objects.equals(aggregated, s.aggregated);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, nodes, counts);
    }

    /** Number of node entries in each phase. */
    public static class Counts {
        private int offered;
        private int accepted;
        private int running;
        private int succeeded;
        private int refused;
        private int failed;
        private int lost;

        public int getOffered() {
            return offered;
        }

        public void setOffered(int offered) {
            this.offered = offered;
        }

        public int getAccepted() {
            return accepted;
        }

        public void setAccepted(int accepted) {
            this.accepted = accepted;
        }

        public int getRunning() {
            return running;
        }

        public void setRunning(int running) {
            this.running = running;
        }

        public int getSucceeded() {
            return succeeded;
        }

        public void setSucceeded(int succeeded) {
            this.succeeded = succeeded;
        }

        public int getRefused() {
            return refused;
        }

        public void setRefused(int refused) {
            this.refused = refused;
        }

        public int getFailed() {
            return failed;
        }

        public void setFailed(int failed) {
            this.failed = failed;
        }

        public int getLost() {
            return lost;
        }

        public void setLost(int lost) {
            this.lost = lost;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Counts c
                    && offered == c.offered
                    && accepted == c.accepted
                    && running == c.running
                    && succeeded == c.succeeded
                    && refused == c.refused
                    && failed == c.failed
                    && lost == c.lost;
        }

        @Override
        public int hashCode() {
            return Objects.hash(offered, accepted, running, succeeded, refused, failed, lost);
        }
    }
}
