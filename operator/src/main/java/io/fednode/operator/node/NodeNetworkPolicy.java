package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions.Reasons;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.Labels;
import io.fednode.operator.common.NetworkPeers;
import io.fednode.operator.common.WorkloadKind;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Arrays;
import java.util.List;

/**
 * The node's NetworkPolicies: the namespace denies everything, then narrow allow rules open what
 * each {@link WorkloadKind} needs. Pods are selected by their {@code fednode.io/workload} label.
 */
public abstract class NodeNetworkPolicy extends NodeDependent.Removable<NetworkPolicy> {
    private final String suffix;

    NodeNetworkPolicy(String suffix) {
        super(NetworkPolicy.class, "networkpolicy-" + suffix);
        this.suffix = suffix;
    }

    @Override
    String objectName(FederationNode node) {
        return node.getMetadata().getName() + "-" + suffix;
    }

    @Override
    protected NetworkPolicy desired(FederationNode node, Context<FederationNode> context) {
        return desired(node);
    }

    public abstract NetworkPolicy desired(FederationNode node);

    /**
     * A policy that has to be created while the node's status says {@code NetworkIsolated=True} for
     * this generation was removed by someone else: announced as a Warning. The status is the
     * memory, so a restarted operator or a new leader tells it too.
     */
    @Override
    public NetworkPolicy create(
            NetworkPolicy desired, FederationNode node, Context<FederationNode> context) {
        NetworkPolicy created = super.create(desired, node, context);
        if (NodeConditions.isolatedAtThisGeneration(node)) {
            EVENTS.record(
                    context.getClient(),
                    node,
                    EventRecorder.WARNING,
                    Reasons.NETWORK_POLICY_RESTORED,
                    describe(node) + " was removed by someone else and has been restored");
        }
        return created;
    }

    NetworkPolicyBuilder base(FederationNode node) {
        return new NetworkPolicyBuilder()
                .withMetadata(Labels.metadata(node, objectName(node), "network-" + suffix, true));
    }

    static LabelSelector workloads(String operator, List<WorkloadKind> kinds) {
        return new LabelSelectorBuilder()
                .addNewMatchExpression()
                .withKey(Labels.WORKLOAD)
                .withOperator(operator)
                .withValues(kinds.stream().map(WorkloadKind::label).sorted().toList())
                .endMatchExpression()
                .build();
    }

    /** Every Pod of the namespace: no ingress, no egress, unless another policy allows it. */
    public static class DefaultDeny extends NodeNetworkPolicy {
        public DefaultDeny() {
            super("default-deny");
        }

        @Override
        boolean requiredFor(FederationNode node) {
            return true;
        }

        @Override
        public NetworkPolicy desired(FederationNode node) {
            return base(node)
                    .withNewSpec()
                    .withNewPodSelector()
                    .endPodSelector()
                    .withPolicyTypes("Ingress", "Egress")
                    .endSpec()
                    .build();
        }
    }

    /**
     * DNS to the cluster's resolver for every Pod except the workloads the node does not open it to
     * (anonymiser: no network at all; training: DNS only from its run's own policy, when its
     * aggregator is a host name).
     */
    public static class DnsEgress extends NodeNetworkPolicy {
        public DnsEgress() {
            super("allow-dns");
        }

        @Override
        boolean requiredFor(FederationNode node) {
            return true;
        }

        @Override
        public NetworkPolicy desired(FederationNode node) {
            List<WorkloadKind> offline =
                    Arrays.stream(WorkloadKind.values()).filter(k -> !k.needsDns()).toList();
            return base(node)
                    .withNewSpec()
                    .withPodSelector(workloads("NotIn", offline))
                    .withPolicyTypes("Egress")
                    .withEgress(NetworkPeers.clusterDns())
                    .endSpec()
                    .build();
        }
    }

    /**
     * Egress to {@code spec.connectivity.egressCIDRs} (hub and aggregators), only for the workloads
     * of the node's role that talk to the federation.
     */
    public static class FederationEgress extends NodeNetworkPolicy {
        public FederationEgress() {
            super("allow-federation-egress");
        }

        static List<String> cidrs(FederationNode node) {
            var connectivity = node.getSpec().getConnectivity();
            return connectivity == null || connectivity.getEgressCIDRs() == null
                    ? List.of()
                    : connectivity.getEgressCIDRs();
        }

        /**
         * Compute and hybrid nodes with egress CIDRs open them to Pods that opt in with {@link
         * Labels#FEDERATION_EGRESS}; no Pod of a data node talks to the federation.
         */
        @Override
        boolean requiredFor(FederationNode node) {
            return !cidrs(node).isEmpty() && node.getSpec().getRole().computes();
        }

        @Override
        public NetworkPolicy desired(FederationNode node) {
            List<NetworkPolicyPeer> peers = NetworkPeers.ipBlocks(cidrs(node));
            return base(node)
                    .withNewSpec()
                    .withNewPodSelector()
                    .addToMatchLabels(Labels.FEDERATION_EGRESS, "true")
                    .endPodSelector()
                    .withPolicyTypes("Egress")
                    .withEgress(new NetworkPolicyEgressRuleBuilder().withTo(peers).build())
                    .endSpec()
                    .build();
        }
    }
}
