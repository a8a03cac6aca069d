package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.operator.common.NetworkPeers;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's own NetworkPolicy: its Pod gets no ingress, and egress only to the aggregator ({@link
 * AggregatorEgress}: IP blocks on one TCP port) and, only when the aggregator is given by host
 * name, to the cluster DNS. A run with an IP-literal aggregator or none gets no DNS at all (the
 * node's {@code allow-dns} policy leaves training Pods out), so no DNS tunnel leads out of it.
 * Created before the Job, so the Pod never exists without it.
 */
public final class TrainingNetworkPolicy {
    private TrainingNetworkPolicy() {}

    public static String name(TrainingRun run) {
        return run.getMetadata().getName() + "-training-egress";
    }

    public static NetworkPolicy desired(TrainingRun run, FederationNode node) {
        List<NetworkPolicyEgressRule> egress = new ArrayList<>();
        var aggregatorEgress = AggregatorEgress.of(run, node).egress();
        if (aggregatorEgress.map(AggregatorEgress::needsDns).orElse(false)) {
            egress.add(NetworkPeers.clusterDns());
        }
        aggregatorEgress.ifPresent(
                aggregator ->
                        egress.add(
                                new NetworkPolicyEgressRuleBuilder()
                                        .withTo(NetworkPeers.ipBlocks(aggregator.cidrs()))
                                        .withPorts(
                                                new NetworkPolicyPortBuilder()
                                                        .withProtocol("TCP")
                                                        .withPort(
                                                                new IntOrString(aggregator.port()))
                                                        .build())
                                        .build()));
        return new NetworkPolicyBuilder()
                .withMetadata(TrainingLabels.metadata(run, name(run), TrainingLabels.of(run)))
                .withNewSpec()
                .withNewPodSelector()
                .addToMatchLabels(TrainingLabels.RUN, run.getMetadata().getName())
                .endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .withEgress(egress)
                .endSpec()
                .build();
    }
}
