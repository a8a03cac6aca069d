package io.fednode.operator;

import io.fednode.api.common.GoDuration;
import io.fednode.operator.component.ComponentSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the operator runs, from environment variables (the chart sets them) and command-line flags.
 *
 * @param resyncPeriod longest time between two reconciles of a node, even without events
 * @param httpPort port of {@code /metrics} and {@code /healthz}; negative disables the server
 * @param leaderElection whether replicas elect a leader through a Lease
 * @param leaseNamespace namespace of the Lease (the operator's own)
 * @param namespaces namespaces to watch; empty means all
 * @param httpBindAddress address the HTTP server listens on (all interfaces in a pod; 127.0.0.1
 *     when run on a workstation)
 * @param components how spec.components are installed ({@link ComponentSettings#from})
 */
public record OperatorSettings(
        Duration resyncPeriod,
        int httpPort,
        boolean leaderElection,
        String leaseNamespace,
        Set<String> namespaces,
        String httpBindAddress,
        ComponentSettings components) {
    public static final String LEASE_NAME = "fednode-operator-leader";

    /** Settings with the default component settings ({@link ComponentSettings#defaults()}). */
    public OperatorSettings(
            Duration resyncPeriod,
            int httpPort,
            boolean leaderElection,
            String leaseNamespace,
            Set<String> namespaces,
            String httpBindAddress) {
        this(
                resyncPeriod,
                httpPort,
                leaderElection,
                leaseNamespace,
                namespaces,
                httpBindAddress,
                ComponentSettings.defaults());
    }

    /** Settings for running in-process (tests): no HTTP server, no leader election. */
    public static OperatorSettings defaults() {
        return new OperatorSettings(
                Duration.ofMinutes(10),
                -1,
                false,
                "fednode-system",
                Set.of(),
                "127.0.0.1",
                ComponentSettings.defaults());
    }

    public OperatorSettings withResyncPeriod(Duration period) {
        return new OperatorSettings(
                period,
                httpPort,
                leaderElection,
                leaseNamespace,
                namespaces,
                httpBindAddress,
                components);
    }

    public OperatorSettings withHttpPort(int port) {
        return new OperatorSettings(
                resyncPeriod,
                port,
                leaderElection,
                leaseNamespace,
                namespaces,
                httpBindAddress,
                components);
    }

    public OperatorSettings withLeaderElection(boolean enabled, String namespace) {
        return new OperatorSettings(
                resyncPeriod,
                httpPort,
                enabled,
                namespace,
                namespaces,
                httpBindAddress,
                components);
    }

    public OperatorSettings withComponents(ComponentSettings settings) {
        return new OperatorSettings(
                resyncPeriod,
                httpPort,
                leaderElection,
                leaseNamespace,
                namespaces,
                httpBindAddress,
                settings);
    }

    /** Watches only these namespaces (the chart grants the operator a Role in each). */
    public OperatorSettings withNamespaces(Set<String> watched) {
        return new OperatorSettings(
                resyncPeriod,
                httpPort,
                leaderElection,
                leaseNamespace,
                Set.copyOf(watched),
                httpBindAddress,
                components);
    }

    /**
     * {@code FEDNODE_RESYNC_PERIOD} (ISO-8601 like PT10M or 10m/30s), {@code FEDNODE_HTTP_PORT},
     * {@code FEDNODE_LEADER_ELECTION}, {@code FEDNODE_HTTP_BIND_ADDRESS}, {@code POD_NAMESPACE},
     * {@code FEDNODE_WATCH_NAMESPACES} (comma-separated); flags {@code --leader-elect}, {@code
     * --http-port=N}, {@code --http-bind-address=A}, {@code --resync=10m} override them.
     */
    public static OperatorSettings from(Map<String, String> env, String[] args) {
        Duration resync = duration(env.getOrDefault("FEDNODE_RESYNC_PERIOD", "10m"));
        int port = Integer.parseInt(env.getOrDefault("FEDNODE_HTTP_PORT", "8080"));
        boolean leader = Boolean.parseBoolean(env.getOrDefault("FEDNODE_LEADER_ELECTION", "false"));
        String leaseNamespace = env.getOrDefault("POD_NAMESPACE", "fednode-system");
        Set<String> namespaces =
                Arrays.stream(env.getOrDefault("FEDNODE_WATCH_NAMESPACES", "").split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet());
        String bind = env.getOrDefault("FEDNODE_HTTP_BIND_ADDRESS", "0.0.0.0");
        for (String arg : args) {
            if (arg.equals("--leader-elect")) {
                leader = true;
            } else if (arg.startsWith("--http-port=")) {
                port = Integer.parseInt(arg.substring("--http-port=".length()));
            } else if (arg.startsWith("--http-bind-address=")) {
                bind = arg.substring("--http-bind-address=".length());
            } else if (arg.startsWith("--resync=")) {
                resync = duration(arg.substring("--resync=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument " + arg + " (see --help)");
            }
        }
        return new OperatorSettings(
                resync,
                port,
                leader,
                leaseNamespace,
                namespaces,
                bind,
                ComponentSettings.from(env));
    }

    static Duration duration(String text) {
        try {
            return GoDuration.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("resync period: " + e.getMessage());
        }
    }
}
