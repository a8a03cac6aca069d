package io.fednode.operator.common;

/**
 * Who this operator is to the cluster: the name it writes as {@code app.kubernetes.io/managed-by},
 * as the Events' reporting component and as its field manager, and the instance (Pod) it runs as.
 */
public final class OperatorIdentity {
    /** The operator's name in labels, Events and server-side apply. */
    public static final String NAME = "fednode-operator";

    private OperatorIdentity() {}

    /** This process's instance: the Pod's name in a cluster ({@code HOSTNAME}), else the name. */
    public static String instance() {
        return System.getenv().getOrDefault("HOSTNAME", NAME);
    }
}
