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
 * @param jobLostAfter silence after which a node that accepted or runs a federated job counts as
 *     Lost; null: the member's own window ({@code missedHeartbeats} of its heartbeat interval), the
 *     rule that turns Available Unknown
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
        Listener listener,
        Duration jobLostAfter) {

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
            return builder().build();
        }

        /** A builder holding the defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these settings. */
        public Builder toBuilder() {
            return new Builder()
                    .requestTimeout(requestTimeout)
                    .idleTimeout(idleTimeout)
                    .maxConnections(maxConnections)
                    .maxConnectionsPerAddress(maxConnectionsPerAddress)
                    .enrolAttemptsPerMinute(enrolAttemptsPerMinute)
                    .maxConcurrentEnrolments(maxConcurrentEnrolments)
                    .serverCertificateLifetime(serverCertificateLifetime);
        }

        /** Listener settings one by one; {@link #build} validates them all. */
        public static final class Builder {
            private Duration requestTimeout = Duration.ofSeconds(10);
            private Duration idleTimeout = Duration.ofSeconds(60);
            private int maxConnections = 16384;
            private int maxConnectionsPerAddress = 32;
            private int enrolAttemptsPerMinute = 10;
            private int maxConcurrentEnrolments = 8;
            private Duration serverCertificateLifetime = Duration.ofDays(365);

            private Builder() {}

            public Builder requestTimeout(Duration v) {
                this.requestTimeout = v;
                return this;
            }

            public Builder idleTimeout(Duration v) {
                this.idleTimeout = v;
                return this;
            }

            public Builder maxConnections(int v) {
                this.maxConnections = v;
                return this;
            }

            public Builder maxConnectionsPerAddress(int v) {
                this.maxConnectionsPerAddress = v;
                return this;
            }

            public Builder enrolAttemptsPerMinute(int v) {
                this.enrolAttemptsPerMinute = v;
                return this;
            }

            public Builder maxConcurrentEnrolments(int v) {
                this.maxConcurrentEnrolments = v;
                return this;
            }

            public Builder serverCertificateLifetime(Duration v) {
                this.serverCertificateLifetime = v;
                return this;
            }

            public Listener build() {
                return new Listener(
                        requestTimeout,
                        idleTimeout,
                        maxConnections,
                        maxConnectionsPerAddress,
                        enrolAttemptsPerMinute,
                        maxConcurrentEnrolments,
                        serverCertificateLifetime);
            }
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

    public HubConfig {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("--namespace (or POD_NAMESPACE) is required");
        }
        serverNames = List.copyOf(serverNames);
        if (jobLostAfter != null && (jobLostAfter.isNegative() || jobLostAfter.isZero())) {
            throw new IllegalArgumentException("--job-lost-after must be a positive duration");
        }
    }

    /** The defaults, in {@code namespace}. */
    public static HubConfig defaults(String namespace) {
        return builder().namespace(namespace).build();
    }

    /** A builder holding the defaults; {@link Builder#namespace} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder()
                .namespace(namespace)
                .caSecret(caSecret)
                .bindAddress(bindAddress)
                .port(port)
                .adminBindAddress(adminBindAddress)
                .adminPort(adminPort)
                .serverNames(serverNames)
                .certificateLifetime(certificateLifetime)
                .joinTokenLifetime(joinTokenLifetime)
                .missedHeartbeats(missedHeartbeats)
                .defaultHeartbeatInterval(defaultHeartbeatInterval)
                .statusRefresh(statusRefresh)
                .statusSyncPeriod(statusSyncPeriod)
                .listener(listener)
                .jobLostAfter(jobLostAfter);
    }

    /** Hub settings one by one, starting from the defaults; {@link #build} validates them. */
    public static final class Builder {
        private String namespace;
        private String caSecret = "fednode-hub-ca";
        private String bindAddress = "127.0.0.1";
        private int port = 8443;
        private String adminBindAddress = "127.0.0.1";
        private int adminPort = 9090;
        private List<String> serverNames = List.of("localhost", "127.0.0.1");
        private Duration certificateLifetime = Duration.ofDays(30);
        private Duration joinTokenLifetime = Duration.ofHours(24);
        private int missedHeartbeats = 5;
        private Duration defaultHeartbeatInterval = Duration.ofSeconds(30);
        private Duration statusRefresh = Duration.ofMinutes(10);
        private Duration statusSyncPeriod = Duration.ofSeconds(1);
        private Listener listener = Listener.defaults();
        private Duration jobLostAfter;

        private Builder() {}

        public Builder namespace(String v) {
            this.namespace = v;
            return this;
        }

        public Builder caSecret(String v) {
            this.caSecret = v;
            return this;
        }

        public Builder bindAddress(String v) {
            this.bindAddress = v;
            return this;
        }

        public Builder port(int v) {
            this.port = v;
            return this;
        }

        public Builder adminBindAddress(String v) {
            this.adminBindAddress = v;
            return this;
        }

        public Builder adminPort(int v) {
            this.adminPort = v;
            return this;
        }

        public Builder serverNames(List<String> v) {
            this.serverNames = v;
            return this;
        }

        public Builder certificateLifetime(Duration v) {
            this.certificateLifetime = v;
            return this;
        }

        public Builder joinTokenLifetime(Duration v) {
            this.joinTokenLifetime = v;
            return this;
        }

        public Builder missedHeartbeats(int v) {
            this.missedHeartbeats = v;
            return this;
        }

        public Builder defaultHeartbeatInterval(Duration v) {
            this.defaultHeartbeatInterval = v;
            return this;
        }

        public Builder statusRefresh(Duration v) {
            this.statusRefresh = v;
            return this;
        }

        public Builder statusSyncPeriod(Duration v) {
            this.statusSyncPeriod = v;
            return this;
        }

        public Builder listener(Listener v) {
            this.listener = v;
            return this;
        }

        public Builder jobLostAfter(Duration v) {
            this.jobLostAfter = v;
            return this;
        }

        public HubConfig build() {
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
                    listener,
                    jobLostAfter);
        }
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
        Listener l = d.listener();
        return d.toBuilder()
                .caSecret(values.getOrDefault("ca-secret", d.caSecret()))
                .bindAddress(values.getOrDefault("bind-address", d.bindAddress()))
                .port(integer(values, "port", d.port()))
                .adminBindAddress(values.getOrDefault("admin-bind-address", d.adminBindAddress()))
                .adminPort(integer(values, "admin-port", d.adminPort()))
                .serverNames(
                        values.containsKey("server-names")
                                ? List.of(values.get("server-names").split(","))
                                : d.serverNames())
                .certificateLifetime(
                        duration(values, "certificate-lifetime", d.certificateLifetime()))
                .joinTokenLifetime(duration(values, "join-token-lifetime", d.joinTokenLifetime()))
                .missedHeartbeats(integer(values, "missed-heartbeats", d.missedHeartbeats()))
                .defaultHeartbeatInterval(
                        duration(
                                values, "default-heartbeat-interval", d.defaultHeartbeatInterval()))
                .statusRefresh(duration(values, "status-refresh", d.statusRefresh()))
                .statusSyncPeriod(duration(values, "status-sync-period", d.statusSyncPeriod()))
                .jobLostAfter(duration(values, "job-lost-after", d.jobLostAfter()))
                .listener(
                        l.toBuilder()
                                .requestTimeout(
                                        duration(values, "request-timeout", l.requestTimeout()))
                                .idleTimeout(duration(values, "idle-timeout", l.idleTimeout()))
                                .maxConnections(
                                        integer(values, "max-connections", l.maxConnections()))
                                .maxConnectionsPerAddress(
                                        integer(
                                                values,
                                                "max-connections-per-address",
                                                l.maxConnectionsPerAddress()))
                                .enrolAttemptsPerMinute(
                                        integer(
                                                values,
                                                "enrol-attempts-per-minute",
                                                l.enrolAttemptsPerMinute()))
                                .maxConcurrentEnrolments(
                                        integer(
                                                values,
                                                "max-concurrent-enrolments",
                                                l.maxConcurrentEnrolments()))
                                .serverCertificateLifetime(
                                        duration(
                                                values,
                                                "server-certificate-lifetime",
                                                l.serverCertificateLifetime()))
                                .build())
                .build();
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
}
