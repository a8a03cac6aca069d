package io.fednode.api.v1alpha1;

/** The node's decision on a federated job offered to it. */
public enum FederatedJobDecision {
    /** The offer passes the policy and waits for the hospital's approval (accept: Manual). */
    PendingApproval,
    /** The job runs (or ran) here as a TrainingRun. */
    Accepted,
    /** The node refused the job; reason and message say why. */
    Refused
}
