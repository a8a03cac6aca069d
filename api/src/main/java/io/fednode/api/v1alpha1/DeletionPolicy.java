package io.fednode.api.v1alpha1;

/** What happens to a node's volumes when the FederationNode is deleted. */
public enum DeletionPolicy {
    /** Volumes (and the data on them) stay; this is the default. */
    Retain,
    /** Volumes are deleted with the node. */
    Delete
}
