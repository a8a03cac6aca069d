package io.fednode.operator.training;

import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Where a run's Pod may connect to, as a NetworkPolicy can say it (IP blocks and one port).
 *
 * <p>NetworkPolicies match addresses, not names, and the operator does not resolve names: DNS
 * answers change, and the operator's resolver need not be the Pod's. So:
 *
 * <ul>
 *   <li>an IP literal aggregator is allowed as exactly that address ({@code /32} or {@code /128}),
 *       and only if the node's {@code connectivity.egressCIDRs} cover it — the node's allow-list is
 *       the hospital's egress policy;
 *   <li>a host name is allowed as the node's {@code egressCIDRs} (where the node says the hub and
 *       aggregators live); a node without any is refused;
 *   <li>either way only on the endpoint's port (443 when the URL has none), TCP;
 *   <li>only a host name needs the cluster DNS ({@link #needsDns}): a run whose aggregator is an IP
 *       literal, or that has none, gets no DNS, so DNS cannot be used as a tunnel out.
 * </ul>
 */
public record AggregatorEgress(List<String> cidrs, int port, boolean needsDns) {
    static final int HTTPS_PORT = 443;

    /**
     * The egress a run gets, or why it cannot get it. No aggregator means no egress, not even DNS.
     */
    public static Outcome of(TrainingRun run, FederationNode node) {
        var aggregator = run.getSpec().getAggregator();
        if (aggregator == null || aggregator.getEndpoint() == null) {
            return new Outcome(Optional.empty(), null);
        }
        URI uri;
        try {
            uri = URI.create(aggregator.getEndpoint());
        } catch (IllegalArgumentException e) {
            return refused("spec.aggregator.endpoint is not a URL: " + e.getMessage());
        }
        String host = uri.getHost();
        if (host == null) {
            return refused("spec.aggregator.endpoint has no host");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : HTTPS_PORT;
        List<String> nodeCidrs = nodeCidrs(node);
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        Optional<InetAddress> ip = ipLiteral(literal);
        if (ip.isPresent()) {
            int bits = ip.get().getAddress().length * 8;
            boolean covered = nodeCidrs.stream().anyMatch(c -> contains(c, ip.get()));
            if (!covered) {
                return refused(
                        "spec.aggregator.endpoint: "
                                + literal
                                + " is not inside the node's spec.connectivity.egressCIDRs "
                                + nodeCidrs);
            }
            return new Outcome(
                    Optional.of(
                            new AggregatorEgress(
                                    List.of(ip.get().getHostAddress() + "/" + bits), port, false)),
                    null);
        }
        if (nodeCidrs.isEmpty()) {
            return refused(
                    "spec.aggregator.endpoint: host "
                            + host
                            + " can only be reached through the node's"
                            + " spec.connectivity.egressCIDRs, and the node declares none (or use"
                            + " an IP address inside them)");
        }
        return new Outcome(Optional.of(new AggregatorEgress(nodeCidrs, port, true)), null);
    }

    /** The egress to allow (empty: none), or the message of a refusal. */
    public record Outcome(Optional<AggregatorEgress> egress, String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    private static Outcome refused(String message) {
        return new Outcome(Optional.empty(), message);
    }

    private static List<String> nodeCidrs(FederationNode node) {
        var connectivity = node.getSpec().getConnectivity();
        return connectivity == null || connectivity.getEgressCIDRs() == null
                ? List.of()
                : connectivity.getEgressCIDRs();
    }

    /** An IP literal, never a DNS lookup. */
    static Optional<InetAddress> ipLiteral(String host) {
        boolean v4 = host.matches("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
        boolean v6 = host.contains(":") && host.matches("^[0-9a-fA-F:.]+$");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host)); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    static boolean contains(String cidr, InetAddress ip) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return false;
        }
        Optional<InetAddress> network = ipLiteral(cidr.substring(0, slash));
        if (network.isEmpty() || network.get().getAddress().length != ip.getAddress().length) {
            return false;
        }
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        int total = ip.getAddress().length * 8;
        if (bits == 0) {
            return true;
        }
        BigInteger mask =
                BigInteger.ONE
                        .shiftLeft(total)
                        .subtract(BigInteger.ONE)
                        .shiftRight(total - bits)
                        .shiftLeft(total - bits);
        BigInteger a = new BigInteger(1, network.get().getAddress()).and(mask);
        BigInteger b = new BigInteger(1, ip.getAddress()).and(mask);
        return a.equals(b);
    }
}
