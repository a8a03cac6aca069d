package io.fednode.operator.common;

import io.fednode.api.v1alpha1.NodeRole;

/**
 * The kinds of Pods a node runs. Each has its own ServiceAccount (no token automount) and its Pods
 * carry {@code fednode.io/workload: <kind>}, which the node's NetworkPolicies select on.
 */
public enum WorkloadKind {
    /** Anonymisation Jobs of Datasets: no network at all, not even DNS. */
    ANONYMISER("anonymiser", false),
    /**
     * TrainingRun Jobs: no DNS from the node; the run's own NetworkPolicy opens its aggregator, and
     * DNS only when the aggregator is a host name.
     */
    TRAINING("training", false);

    private final String label;
    private final boolean dns;

    WorkloadKind(String label, boolean dns) {
        this.label = label;
        this.dns = dns;
    }

    /** The value of the {@code fednode.io/workload} Pod label. */
    public String label() {
        return label;
    }

    /** Whether the node's {@code allow-dns} policy opens the cluster DNS to this kind's Pods. */
    public boolean needsDns() {
        return dns;
    }

    public boolean runsOn(NodeRole role) {
        return switch (this) {
            case ANONYMISER -> role.holdsData();
            case TRAINING -> role.computes();
        };
    }

    public String serviceAccountName(String nodeName) {
        return nodeName + "-" + label;
    }
}
