package io.fednode.hub;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.hub.ca.CaSecret;
import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import io.fednode.hub.enrolment.CertificateIssuer;
import io.fednode.hub.enrolment.EnrolmentEndpoint;
import io.fednode.hub.fleet.FleetEndpoint;
import io.fednode.hub.fleet.FleetPage;
import io.fednode.hub.fleet.FleetView;
import io.fednode.hub.fleet.MetricsEndpoint;
import io.fednode.hub.heartbeat.HeartbeatEndpoint;
import io.fednode.hub.heartbeat.RenewalEndpoint;
import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.http.Routes;
import io.fednode.hub.member.JoinTokens;
import io.fednode.hub.member.MemberEvents;
import io.fednode.hub.member.MemberHealth;
import io.fednode.hub.member.MemberStatusBuilder;
import io.fednode.hub.member.MemberStatusSync;
import io.fednode.hub.member.Members;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub: the federation CA, the members and their join tokens, the node API on a TLS port (enrol,
 * heartbeat, renew) and the fleet view on an admin port (page, JSON, metrics).
 */
public final class Hub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private final KubernetesClient client;
    private final HubConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry meters =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private FederationCa ca;
    private Members members;
    private MemberStatusSync statusSync;
    private Server server;
    private ServerConnector nodeConnector;
    private ServerConnector adminConnector;

    public Hub(KubernetesClient client, HubConfig config) {
        this(client, config, Clock.systemUTC());
    }

    public Hub(KubernetesClient client, HubConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.clock = clock;
    }

    public Hub start() throws Exception {
        ca = CaSecret.loadOrCreate(client, config.namespace(), config.caSecret());
        JoinTokens tokens =
                new JoinTokens(
                        client,
                        config.namespace(),
                        JoinTokens.ledgerName(config.caSecret()),
                        config.joinTokenLifetime(),
                        Pem.encode(ca.certificate()),
                        clock);
        members = new Members(client, config.namespace(), tokens);
        MemberStatusBuilder builder =
                new MemberStatusBuilder(
                        config.missedHeartbeats(),
                        config.defaultHeartbeatInterval(),
                        clock.instant());
        MemberEvents events = new MemberEvents(client);
        statusSync =
                new MemberStatusSync(
                        client,
                        members,
                        builder,
                        events,
                        clock,
                        config.statusRefresh(),
                        config.statusSyncPeriod(),
                        meters);
        CertificateIssuer issuer =
                new CertificateIssuer(ca, config.certificateLifetime(), statusSync, events, clock);
        FleetView fleet = new FleetView(members, builder, clock);
        registerMeters(fleet);

        members.start();
        statusSync.start();

        QueuedThreadPool threads = new QueuedThreadPool(64, 8);
        threads.setName("hub-http");
        server = new Server(threads);
        nodeConnector = nodeConnector(server);
        adminConnector = new ServerConnector(server, 1, 1);
        adminConnector.setHost(config.adminBindAddress());
        adminConnector.setPort(config.adminPort());
        server.addConnector(nodeConnector);
        server.addConnector(adminConnector);

        Handler nodeApi =
                new Routes(
                        Map.of(
                                "/api/v1/enrol",
                                new EnrolmentEndpoint(members, tokens, issuer, meters),
                                "/api/v1/heartbeat",
                                new HeartbeatEndpoint(members, clock, meters),
                                "/api/v1/renew",
                                new RenewalEndpoint(members, tokens, issuer, clock, meters)));
        Handler adminApi =
                new Routes(
                        Map.of(
                                "/",
                                new FleetPage(fleet),
                                "/api/v1/fleet",
                                new FleetEndpoint(fleet),
                                "/metrics",
                                new MetricsEndpoint(meters),
                                "/healthz",
                                new Handler.Abstract() {
                                    @Override
                                    public boolean handle(
                                            org.eclipse.jetty.server.Request request,
                                            org.eclipse.jetty.server.Response response,
                                            org.eclipse.jetty.util.Callback callback) {
                                        JsonEndpoint.respond(
                                                response, callback, 200, Map.of("status", "ok"));
                                        return true;
                                    }
                                }));
        server.setHandler(new ByConnector(nodeConnector, nodeApi, adminApi));
        server.start();
        LOG.info(
                "hub serving nodes on https://{}:{} and the fleet on http://{}:{}",
                config.bindAddress(),
                nodePort(),
                config.adminBindAddress(),
                adminPort());
        return this;
    }

    private ServerConnector nodeConnector(Server server) throws Exception {
        KeyPair serverKey = FederationCa.newKeyPair();
        var serverCert =
                ca.signServer(config.serverNames(), serverKey.getPublic(), Duration.ofDays(365));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry(
                "hub",
                serverKey.getPrivate(),
                IN_MEMORY_PASSWORD,
                new Certificate[] {serverCert, ca.certificate()});
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore);
        tls.setKeyStorePassword(new String(IN_MEMORY_PASSWORD));
        tls.setKeyManagerPassword(new String(IN_MEMORY_PASSWORD));
        tls.setTrustStore(ca.trustStore());
        // "want", not "need": enrolment comes without a certificate; every other endpoint
        // refuses a request without one. A certificate that does not verify fails the handshake.
        tls.setWantClientAuth(true);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(8 * 1024);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        ServerConnector connector =
                new ServerConnector(
                        server,
                        new SslConnectionFactory(tls, "http/1.1"),
                        new HttpConnectionFactory(http));
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        // Nodes keep their connection between heartbeats; allow up to 10 minutes of quiet.
        connector.setIdleTimeout(Duration.ofMinutes(11).toMillis());
        connector.setAcceptQueueSize(1024);
        return connector;
    }

    private void registerMeters(FleetView fleet) {
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        for (MemberHealth h : MemberHealth.values()) {
            Gauge.builder("fednode_hub_members", fleet, f -> f.counts().get(h))
                    .description("FederationMembers by health")
                    .tag("health", h.name().toLowerCase())
                    .register(meters);
        }
    }

    public int nodePort() {
        return nodeConnector.getLocalPort();
    }

    public int adminPort() {
        return adminConnector.getLocalPort();
    }

    public FederationCa ca() {
        return ca;
    }

    public Members members() {
        return members;
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (statusSync != null) {
            statusSync.close();
        }
        if (members != null) {
            members.close();
        }
    }

    /** Sends each connector's requests to its own routes. */
    private static final class ByConnector extends Handler.Abstract {
        private final ServerConnector nodeConnector;
        private final Handler nodeApi;
        private final Handler adminApi;

        ByConnector(ServerConnector nodeConnector, Handler nodeApi, Handler adminApi) {
            this.nodeConnector = nodeConnector;
            this.nodeApi = nodeApi;
            this.adminApi = adminApi;
            addBean(nodeApi);
            addBean(adminApi);
        }

        @Override
        public void setServer(Server server) {
            super.setServer(server);
            nodeApi.setServer(server);
            adminApi.setServer(server);
        }

        @Override
        public boolean handle(
                org.eclipse.jetty.server.Request request,
                org.eclipse.jetty.server.Response response,
                org.eclipse.jetty.util.Callback callback)
                throws Exception {
            Handler target =
                    request.getConnectionMetaData().getConnector() == nodeConnector
                            ? nodeApi
                            : adminApi;
            return target.handle(request, response, callback);
        }
    }
}
