package io.fednode.operator.common;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.List;

/** NetworkPolicy peers and rules that the node's and the workloads' policies share. */
public final class NetworkPeers {
    private NetworkPeers() {}

    /** Egress to the cluster's resolver (the kube-dns Pods of kube-system), UDP and TCP 53. */
    public static NetworkPolicyEgressRule clusterDns() {
        NetworkPolicyPeer clusterDns =
                new NetworkPolicyPeerBuilder()
                        .withNewNamespaceSelector()
                        .addToMatchLabels("kubernetes.io/metadata.name", "kube-system")
                        .endNamespaceSelector()
                        .withNewPodSelector()
                        .addToMatchLabels("k8s-app", "kube-dns")
                        .endPodSelector()
                        .build();
        return new NetworkPolicyEgressRuleBuilder()
                .withTo(clusterDns)
                .withPorts(
                        new NetworkPolicyPortBuilder()
                                .withProtocol("UDP")
                                .withPort(new IntOrString(53))
                                .build(),
                        new NetworkPolicyPortBuilder()
                                .withProtocol("TCP")
                                .withPort(new IntOrString(53))
                                .build())
                .build();
    }

    /** One peer per CIDR. */
    public static List<NetworkPolicyPeer> ipBlocks(List<String> cidrs) {
        return cidrs.stream()
                .map(
                        cidr ->
                                new NetworkPolicyPeerBuilder()
                                        .withNewIpBlock()
                                        .withCidr(cidr)
                                        .endIpBlock()
                                        .build())
                .toList();
    }
}
