package io.fednode.hub;

import io.fednode.api.common.GoDuration;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's settings. From the command line ({@code --name=value}) or the environment ({@code
 * FEDNODE_HUB_NAME}); the command line wins.
 *
 * @param namespace where FederationMembers, their join tokens and the CA Secret live
 * @param caSecret name of the CA Secret (generated if absent)
 * @param bindAddress address both listeners bind to
 * @param port the TLS port nodes connect to (enrol, heartbeat, renew)
 * @param adminBindAddress address of the plain-HTTP admin listener (fleet page, JSON, metrics)
 * @param adminPort port of the admin listener
 * @param serverNames DNS names and IPs in the hub's server certificate (first is the CN)
 * @param certificateLifetime lifetime of the client certificates the hub signs
 * @param joinTokenLifetime how long a join token may be used
 * @param missedHeartbeats heartbeat intervals without a heartbeat before Available turns Unknown
 * @param defaultHeartbeatInterval assumed interval before a node has reported its own
 * @param statusRefresh how often lastHeartbeat is written when nothing else changed
 * @param statusSyncPeriod how often the in-memory state is compared with what the API has
 * @param listener the node listener's bounds and its server certificate
 */
public record HubConfig(
        String namespace,
        String caSecret,
        String bindAddress,
        int port,
        String adminBindAddress,
        int adminPort,
        List<String> serverNames,
        Duration certificateLifetime,
        Duration joinTokenLifetime,
        int missedHeartbeats,
        Duration defaultHeartbeatInterval,
        Duration statusRefresh,
        Duration statusSyncPeriod,
        Listener listener) {

    /**
     * Bounds on what a remote party can make the node listener spend, and its server certificate.
     *
     * @param requestTimeout a request's headers (from the connection's start, TLS included, for the
     *     first) must arrive within this, else the connection is closed; its body too, else 408
     * @param idleTimeout a connection with no traffic for this long is closed
     * @param maxConnections open connections on the node listener, all clients together
     * @param maxConnectionsPerAddress open connections from one client address
     * @param enrolAttemptsPerMinute enrolment attempts per client address (also the burst); 429
     *     beyond it
     * @param maxConcurrentEnrolments enrolments being processed at once (503 beyond it)
     * @param serverCertificateLifetime lifetime of the hub's server certificate; re-issued at two
     *     thirds of it while the hub runs
     */
    public record Listener(
            Duration requestTimeout,
            Duration idleTimeout,
            int maxConnections,
            int maxConnectionsPerAddress,
            int enrolAttemptsPerMinute,
            int maxConcurrentEnrolments,
            Duration serverCertificateLifetime) {
        public Listener {
            positive("request-timeout", requestTimeout);
            positive("idle-timeout", idleTimeout);
            positive("server-certificate-lifetime", serverCertificateLifetime);
            positive("max-connections", maxConnections);
            positive("max-connections-per-address", maxConnectionsPerAddress);
            positive("enrol-attempts-per-minute", enrolAttemptsPerMinute);
            positive("max-concurrent-enrolments", maxConcurrentEnrolments);
        }

        public static Listener defaults() {
            return new Listener(
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(60),
                    16384,
                    32,
                    10,
                    8,
                    Duration.ofDays(365));
        }

        public Listener withServerCertificateLifetime(Duration lifetime) {
            return new Listener(
                    requestTimeout,
                    idleTimeout,
                    maxConnections,
                    maxConnectionsPerAddress,
                    enrolAttemptsPerMinute,
                    maxConcurrentEnrolments,
                    lifetime);
        }

        public Listener withEnrolAttemptsPerMinute(int perMinute) {
            return new Listener(
                    requestTimeout,
                    idleTimeout,
                    maxConnections,
                    maxConnectionsPerAddress,
                    perMinute,
                    maxConcurrentEnrolments,
                    serverCertificateLifetime);
        }

        private static void positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("--" + name + " must be a positive duration");
            }
        }

        private static void positive(String name, int n) {
            if (n < 1) {
                throw new IllegalArgumentException("--" + name + " must be at least 1, got " + n);
            }
        }
    }

    public static HubConfig defaults(String namespace) {
        return new HubConfig(
                namespace,
                "fednode-hub-ca",
                "127.0.0.1",
                8443,
                "127.0.0.1",
                9090,
                List.of("localhost", "127.0.0.1"),
                Duration.ofDays(30),
                Duration.ofHours(24),
                5,
                Duration.ofSeconds(30),
                Duration.ofMinutes(10),
                Duration.ofSeconds(1),
                Listener.defaults());
    }

    public static HubConfig from(String[] args, Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        env.forEach(
                (k, v) -> {
                    if (k.startsWith("FEDNODE_HUB_")) {
                        values.put(
                                k.substring("FEDNODE_HUB_".length())
                                        .toLowerCase()
                                        .replace('_', '-'),
                                v);
                    }
                });
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        String namespace = values.getOrDefault("namespace", env.get("POD_NAMESPACE"));
        if (namespace == null) {
            throw new IllegalArgumentException("--namespace (or POD_NAMESPACE) is required");
        }
        HubConfig d = defaults(namespace);
        return new HubConfig(
                namespace,
                values.getOrDefault("ca-secret", d.caSecret()),
                values.getOrDefault("bind-address", d.bindAddress()),
                Integer.parseInt(values.getOrDefault("port", "" + d.port())),
                values.getOrDefault("admin-bind-address", d.adminBindAddress()),
                Integer.parseInt(values.getOrDefault("admin-port", "" + d.adminPort())),
                values.containsKey("server-names")
                        ? List.of(values.get("server-names").split(","))
                        : d.serverNames(),
                duration(values, "certificate-lifetime", d.certificateLifetime()),
                duration(values, "join-token-lifetime", d.joinTokenLifetime()),
                Integer.parseInt(
                        values.getOrDefault("missed-heartbeats", "" + d.missedHeartbeats())),
                duration(values, "default-heartbeat-interval", d.defaultHeartbeatInterval()),
                duration(values, "status-refresh", d.statusRefresh()),
                duration(values, "status-sync-period", d.statusSyncPeriod()),
                new Listener(
                        duration(values, "request-timeout", d.listener().requestTimeout()),
                        duration(values, "idle-timeout", d.listener().idleTimeout()),
                        integer(values, "max-connections", d.listener().maxConnections()),
                        integer(
                                values,
                                "max-connections-per-address",
                                d.listener().maxConnectionsPerAddress()),
                        integer(
                                values,
                                "enrol-attempts-per-minute",
                                d.listener().enrolAttemptsPerMinute()),
                        integer(
                                values,
                                "max-concurrent-enrolments",
                                d.listener().maxConcurrentEnrolments()),
                        duration(
                                values,
                                "server-certificate-lifetime",
                                d.listener().serverCertificateLifetime())));
    }

    private static int integer(Map<String, String> values, String key, int fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a whole number, got " + v);
        }
    }

    private static Duration duration(Map<String, String> values, String key, Duration fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return GoDuration.parse(v.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + key + ": " + e.getMessage());
        }
    }

    public HubConfig withPorts(int port, int adminPort) {
        return new HubConfig(
                namespace,
                caSecret,
                bindAddress,
                port,
                adminBindAddress,
                adminPort,
                serverNames,
                certificateLifetime,
                joinTokenLifetime,
                missedHeartbeats,
                defaultHeartbeatInterval,
                statusRefresh,
                statusSyncPeriod,
                listener);
    }

    public HubConfig withCertificateLifetime(Duration lifetime) {
        return new HubConfig(
                namespace,
                caSecret,
                bindAddress,
                port,
                adminBindAddress,
                adminPort,
                serverNames,
                lifetime,
                joinTokenLifetime,
                missedHeartbeats,
                defaultHeartbeatInterval,
                statusRefresh,
                statusSyncPeriod,
                listener);
    }

    public HubConfig withJoinTokenLifetime(Duration lifetime) {
        return new HubConfig(
                namespace,
                caSecret,
                bindAddress,
                port,
                adminBindAddress,
                adminPort,
                serverNames,
                certificateLifetime,
                lifetime,
                missedHeartbeats,
                defaultHeartbeatInterval,
                statusRefresh,
                statusSyncPeriod,
                listener);
    }

    public HubConfig withStatusTiming(Duration refresh, Duration syncPeriod) {
        return new HubConfig(
                namespace,
                caSecret,
                bindAddress,
                port,
                adminBindAddress,
                adminPort,
                serverNames,
                certificateLifetime,
                joinTokenLifetime,
                missedHeartbeats,
                defaultHeartbeatInterval,
                refresh,
                syncPeriod,
                listener);
    }

    public HubConfig withListener(Listener listener) {
        return new HubConfig(
                namespace,
                caSecret,
                bindAddress,
                port,
                adminBindAddress,
                adminPort,
                serverNames,
                certificateLifetime,
                joinTokenLifetime,
                missedHeartbeats,
                defaultHeartbeatInterval,
                statusRefresh,
                statusSyncPeriod,
                listener);
    }
}
