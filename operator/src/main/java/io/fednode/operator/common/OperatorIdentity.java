package io.fednode.operator.common;

import io.fednode.operator.dataset.AnonymiserImage;

/**
 * Who this operator is to the cluster: the name it writes as {@code app.kubernetes.io/managed-by},
 * as the Events' reporting component and as its field manager, and the instance (Pod) it runs as.
 */
public final class OperatorIdentity {
    /** The operator's name in labels, Events and server-side apply. */
    public static final String NAME = "fednode-operator";

    /**
     * System property that replaces the build's version: tests run an "old" and a "new" operator in
     * one JVM with it, as an upgrade does with two images.
     */
    public static final String VERSION_PROPERTY = "fednode.operator.version";

    private OperatorIdentity() {}

    /**
     * This operator's version: written as every managed resource's {@code status.operatorVersion}
     * and as the {@code app.kubernetes.io/version} label of the objects it manages, so a new
     * version rolls them forward (Jobs, created once, keep the version that made them).
     */
    public static String version() {
        return System.getProperty(VERSION_PROPERTY, AnonymiserImage.OPERATOR_VERSION);
    }

    /** This process's instance: the Pod's name in a cluster ({@code HOSTNAME}), else the name. */
    public static String instance() {
        return System.getenv().getOrDefault("HOSTNAME", NAME);
    }
}
