package io.fednode.operator.component;

import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

/**
 * A chart repository is used only if every address of its host is inside the node's egress
 * allow-list ({@code spec.connectivity.egressCIDRs}): a node that may only talk to its federation
 * does not fetch software from elsewhere. A loopback host is allowed only when the operator runs
 * with {@code FEDNODE_COMPONENTS_ALLOW_LOOPBACK_REPOSITORY=true}, which only tests set: the
 * repository is then a listener of the operator's own machine, no egress of the node at all.
 */
public final class RepositoryEgress {
    private RepositoryEgress() {}

    public static void check(String repository, List<String> egressCidrs, boolean allowLoopback)
            throws ComponentProblem {
        check(repository, "repository", egressCidrs, allowLoopback);
    }

    /**
     * @param what what {@code url} is, in messages: "repository", "registry", "token realm"…
     */
    static void check(String url, String what, List<String> egressCidrs, boolean allowLoopback)
            throws ComponentProblem {
        String repository = url;
        URI uri = URI.create(repository);
        String host = uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new ComponentProblem(
                    Reasons.REPOSITORY_UNREACHABLE,
                    what + " host " + host + " does not resolve",
                    true);
        }
        for (InetAddress address : addresses) {
            if (address.isLoopbackAddress()) {
                if (!allowLoopback) {
                    throw new ComponentProblem(
                            Reasons.REPOSITORY_NOT_ALLOWED,
                            what
                                    + " "
                                    + repository
                                    + " is on the operator's loopback"
                                    + " interface, which only test operators accept",
                            false);
                }
                continue;
            }
            if (egressCidrs == null || egressCidrs.stream().noneMatch(c -> contains(c, address))) {
                throw new ComponentProblem(
                        Reasons.REPOSITORY_NOT_ALLOWED,
                        what
                                + " host "
                                + host
                                + " ("
                                + address.getHostAddress()
                                + ") is not inside spec.connectivity.egressCIDRs "
                                + (egressCidrs == null ? "[]" : egressCidrs),
                        false);
            }
        }
    }

    /** Whether {@code cidr} (a.b.c.d/n or an IPv6 prefix) contains {@code address}. */
    static boolean contains(String cidr, InetAddress address) {
        int slash = cidr.indexOf('/');
        InetAddress network;
        try {
            network = InetAddress.getByName(slash < 0 ? cidr : cidr.substring(0, slash));
        } catch (UnknownHostException e) {
            return false; // the CRD admits CIDRs only
        }
        byte[] net = network.getAddress();
        byte[] addr = address.getAddress();
        if (net.length != addr.length) {
            return false;
        }
        int bits = slash < 0 ? net.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        int shift = net.length * 8 - bits;
        return new BigInteger(1, net)
                .shiftRight(shift)
                .equals(new BigInteger(1, addr).shiftRight(shift));
    }
}
