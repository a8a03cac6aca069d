package io.fednode.api.v1alpha1;

/** What a federated job does at each node. */
public enum JobType {
    /** Trains (a round of) a model; reports metrics and a model-update digest. */
    Train,
    /** Evaluates a given model on the node's data; reports metrics only. */
    Evaluate
}
