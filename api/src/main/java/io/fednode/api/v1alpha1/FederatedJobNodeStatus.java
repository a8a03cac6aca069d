package io.fednode.api.v1alpha1;

import java.util.Map;
import java.util.Objects;

/** One selected node's part in a federated job, as the node reported it (or the hub decided). */
public class FederatedJobNodeStatus {
    /** Offered, Accepted, Refused, Running, Succeeded, Failed or Lost. */
    public enum Phase {
        Offered,
        Accepted,
        Refused,
        Running,
        Succeeded,
        Failed,
        Lost;

        /** Whether the entry can no longer change. */
        public boolean terminal() {
            return this == Refused || this == Succeeded || this == Failed || this == Lost;
        }
    }

    /** The node's identity (its FederationMember's nodeId). */
    private String nodeId;

    private Phase phase;

    /** Why the entry is in this phase (CamelCase), e.g. the node's refusal reason. */
    private String reason;

    /** Human-readable detail, at most 512 characters. */
    private String message;

    /** When the entry last changed (RFC 3339). */
    private String updatedAt;

    /** Metrics the node reported (Succeeded or Failed). */
    private Map<String, Double> metrics;

    /** Errors (uncertainty) of the metrics, by metric name. */
    private Map<String, Double> metricErrors;

    /** Number of examples the metrics were computed on; weights the aggregation. */
    private Long numExamples;

    /** Digest of the model update (Train): sha256:<64 hex>. */
    private String modelDigest;

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
        this.phase = phase;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getUpdatedAt() {
        return updatedAt;
    }

    public void setUpdatedAt(String updatedAt) {
        this.updatedAt = updatedAt;
    }

    public Map<String, Double> getMetrics() {
        return metrics;
    }

    public void setMetrics(Map<String, Double> metrics) {
        this.metrics = metrics;
    }

    public Map<String, Double> getMetricErrors() {
        return metricErrors;
    }

    public void setMetricErrors(Map<String, Double> metricErrors) {
        this.metricErrors = metricErrors;
    }

    public Long getNumExamples() {
        return numExamples;
    }

    public void setNumExamples(Long numExamples) {
        this.numExamples = numExamples;
    }

    public String getModelDigest() {
        return modelDigest;
    }

    public void setModelDigest(String modelDigest) {
        this.modelDigest = modelDigest;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FederatedJobNodeStatus s
                && Objects.equals(nodeId, s.nodeId)
                && phase == s.phase
                && Objects.equals(reason, s.reason)
                && Objects.equals(message, s.message)
                && Objects.equals(updatedAt, s.updatedAt)
                && Objects.equals(metrics, s.metrics)
                && Objects.equals(metricErrors, s.metricErrors)
                && Objects.equals(numExamples, s.numExamples)
                && Objects.equals(modelDigest, s.modelDigest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodeId, phase, reason, updatedAt);
    }
}
