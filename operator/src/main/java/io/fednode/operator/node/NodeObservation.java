package io.fednode.operator.node;

import java.util.List;

/**
 * What one reconcile found after bringing the node's objects in shape; the input of {@link
 * NodeConditions}.
 *
 * @param volumes one assessment per declared volume
 * @param keyProblem null when the pseudonymisation key is usable, else why not
 * @param keyUserProvided whether the key Secret was not created by the operator
 * @param networkPolicies names of the NetworkPolicies in place
 * @param missingNetworkPolicies names of required NetworkPolicies that are not (yet) in place
 * @param federationEgress whether egress to the federation's CIDRs is open for some workloads
 */
public record NodeObservation(
        List<VolumeAssessment> volumes,
        String keyProblem,
        boolean keyUserProvided,
        List<String> networkPolicies,
        List<String> missingNetworkPolicies,
        boolean federationEgress) {}
