package io.fednode.api.v1alpha1;

/** Whether a node takes the federated jobs the hub offers it. */
public enum FederatedJobAcceptance {
    /** An offer that passes the policy becomes a TrainingRun at once. */
    Automatic,
    /** An offer that passes the policy waits for the hospital's approval (an annotation). */
    Manual,
    /** Every offer is refused (reason JobsNotAccepted); the default: hospitals opt in. */
    Never
}
