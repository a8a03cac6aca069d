package io.fednode.operator.training;

import static io.fednode.operator.training.Fixtures.node;
import static io.fednode.operator.training.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.TrainingRun;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingNetworkPolicyTest {

    private static List<String> cidrs(NetworkPolicyEgressRule rule) {
        return rule.getTo().stream()
                .map(NetworkPolicyPeer::getIpBlock)
                .map(b -> b.getCidr())
                .toList();
    }

    @Test
    void ipAggregatorIsTheOnlyAddressAndThereIsNoDns() {
        NetworkPolicy policy = TrainingNetworkPolicy.desired(run("r1"), node());
        assertThat(policy.getMetadata().getName()).isEqualTo("r1-training-egress");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .containsExactly(java.util.Map.entry("fednode.io/training-run", "r1"));
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        assertThat(egress).as("the aggregator's address only, no DNS rule").hasSize(1);
        assertThat(cidrs(egress.get(0))).containsExactly("203.0.113.10/32");
        assertThat(egress.get(0).getPorts())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.getProtocol()).isEqualTo("TCP");
                            assertThat(p.getPort()).isEqualTo(new IntOrString(9092));
                        });
    }

    @Test
    void hostNameAggregatorGetsClusterDnsAndTheNodesEgressCidrsOnItsPortOnly() {
        TrainingRun run = run("r1");
        run.getSpec().setAggregator(new AggregatorSpec("https://agg.example.org"));
        List<NetworkPolicyEgressRule> egress =
                TrainingNetworkPolicy.desired(run, node()).getSpec().getEgress();
        assertThat(egress).hasSize(2);
        assertThat(egress.get(0).getPorts())
                .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactly("UDP/53", "TCP/53");
        assertThat(egress.get(0).getTo())
                .singleElement()
                .satisfies(
                        peer -> {
                            assertThat(peer.getNamespaceSelector().getMatchLabels())
                                    .containsExactly(
                                            java.util.Map.entry(
                                                    "kubernetes.io/metadata.name", "kube-system"));
                            assertThat(peer.getPodSelector().getMatchLabels())
                                    .containsExactly(java.util.Map.entry("k8s-app", "kube-dns"));
                            assertThat(peer.getIpBlock()).isNull();
                        });
        assertThat(cidrs(egress.get(1))).containsExactly("203.0.113.0/24", "198.51.100.7/32");
        assertThat(egress.get(1).getPorts().get(0).getPort()).isEqualTo(new IntOrString(443));
    }

    @Test
    void ipv6AggregatorInsideAnIpv6Cidr() {
        var node = node();
        node.getSpec().getConnectivity().setEgressCIDRs(List.of("2001:db8::/32"));
        TrainingRun run = run("r1");
        run.getSpec().setAggregator(new AggregatorSpec("https://[2001:db8::5]:8443"));
        List<NetworkPolicyEgressRule> egress =
                TrainingNetworkPolicy.desired(run, node).getSpec().getEgress();
        assertThat(egress).hasSize(1);
        assertThat(cidrs(egress.get(0))).containsExactly("2001:db8:0:0:0:0:0:5/128");
    }

    @Test
    void noAggregatorMeansNoEgressAtAllNotEvenDns() {
        TrainingRun run = run("r1");
        run.getSpec().setAggregator(null);
        NetworkPolicy policy = TrainingNetworkPolicy.desired(run, node());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getEgress()).isEmpty();
    }

    @Test
    void cidrContainment() {
        var ip = AggregatorEgress.ipLiteral("10.1.2.3").orElseThrow();
        assertThat(AggregatorEgress.contains("10.0.0.0/8", ip)).isTrue();
        assertThat(AggregatorEgress.contains("10.1.2.3/32", ip)).isTrue();
        assertThat(AggregatorEgress.contains("10.1.2.4/32", ip)).isFalse();
        assertThat(AggregatorEgress.contains("0.0.0.0/0", ip)).isTrue();
        assertThat(AggregatorEgress.contains("2001:db8::/32", ip)).isFalse();
        assertThat(AggregatorEgress.ipLiteral("agg.example.org")).isEmpty();
    }

    @Test
    void goDurations() {
        assertThat(RuntimeLimit.parse("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(RuntimeLimit.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(RuntimeLimit.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(RuntimeLimit.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void deadlineRoundsPartialSecondsUp() {
        TrainingRun run = run("r1");
        run.getSpec().setMaxRuntime("1.5s");
        assertThat(RuntimeLimit.activeDeadlineSeconds(run, node())).isEqualTo(2);
    }
}
