package io.fednode.operator.node;

import io.fednode.api.v1alpha1.RefusedClaimChange;
import java.util.List;

/**
 * What the cluster holds for one node, as the framework's caches show it once the node's dependents
 * were reconciled; the one input of {@link NodeConditions} besides the node.
 *
 * @param volumes one assessment per declared volume
 * @param keyProblem null when the pseudonymisation key is usable, else why not
 * @param keyUserProvided whether the key Secret was not created by the operator
 * @param networkPolicies names of the NetworkPolicies in place
 * @param missingNetworkPolicies names of required NetworkPolicies that are not (yet) in place
 * @param federationEgress whether egress to the federation's CIDRs is open for some workloads
 * @param refusedClaimChanges the claim changes the API server refused and that the spec still asks
 *     for (kept in the status so they are not sent again)
 */
public record NodeObservation(
        List<VolumeAssessment> volumes,
        String keyProblem,
        boolean keyUserProvided,
        List<String> networkPolicies,
        List<String> missingNetworkPolicies,
        boolean federationEgress,
        List<RefusedClaimChange> refusedClaimChanges) {

    public NodeObservation {
        refusedClaimChanges = List.copyOf(refusedClaimChanges);
    }

    /** An observation without refused claim changes. */
    public NodeObservation(
            List<VolumeAssessment> volumes,
            String keyProblem,
            boolean keyUserProvided,
            List<String> networkPolicies,
            List<String> missingNetworkPolicies,
            boolean federationEgress) {
        this(
                volumes,
                keyProblem,
                keyUserProvided,
                networkPolicies,
                missingNetworkPolicies,
                federationEgress,
                List.of());
    }
}
