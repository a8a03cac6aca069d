package io.fednode.hub;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.hub.ca.CaSecret;
import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import io.fednode.hub.ca.ServerCertificate;
import io.fednode.hub.enrolment.CertificateIssuer;
import io.fednode.hub.enrolment.EnrolmentEndpoint;
import io.fednode.hub.fleet.FleetEndpoint;
import io.fednode.hub.fleet.FleetPage;
import io.fednode.hub.fleet.FleetView;
import io.fednode.hub.fleet.MemberCertificateExpiry;
import io.fednode.hub.fleet.MetricsEndpoint;
import io.fednode.hub.heartbeat.HeartbeatEndpoint;
import io.fednode.hub.heartbeat.HeartbeatReport;
import io.fednode.hub.heartbeat.RenewalEndpoint;
import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.http.PerAddressConnectionLimit;
import io.fednode.hub.http.PerClientRateLimit;
import io.fednode.hub.http.RequestHeaderDeadline;
import io.fednode.hub.http.Routes;
import io.fednode.hub.job.FederatedJobs;
import io.fednode.hub.job.JobFetchEndpoint;
import io.fednode.hub.job.JobPlacement;
import io.fednode.hub.job.JobReportEndpoint;
import io.fednode.hub.job.JobResultsEndpoint;
import io.fednode.hub.member.JoinTokens;
import io.fednode.hub.member.MemberEvents;
import io.fednode.hub.member.MemberHealth;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.MemberStatusBuilder;
import io.fednode.hub.member.MemberStatusSync;
import io.fednode.hub.member.Members;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
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

    private final KubernetesClient client;
    private final HubConfig config;
    private final Clock clock;
    private final PrometheusMeterRegistry meters =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private FederationCa ca;
    private Members members;
    private MemberStatusSync statusSync;
    private FederatedJobs jobs;
    private Server server;
    private Server adminServer;
    private SslContextFactory.Server tls;
    private volatile ServerCertificate serverCertificate;
    private ScheduledExecutorService renewals;
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
        java.time.Instant startedAt = clock.instant();
        jobs =
                new FederatedJobs(
                        client,
                        config.namespace(),
                        this::placementCandidates,
                        (nodeId, now) -> nodeLost(builder, startedAt, nodeId, now),
                        events,
                        clock,
                        config.statusSyncPeriod(),
                        config.defaultHeartbeatInterval());
        registerMeters(fleet);

        members.start();
        statusSync.start();
        jobs.start();

        // Two servers, each with its own threads: whatever a node-API client does, the admin
        // listener (liveness probe, fleet API) keeps its own.
        HubConfig.Listener limits = config.listener();
        QueuedThreadPool threads = new QueuedThreadPool(64, 8);
        threads.setName("hub-http");
        server = new Server(threads);
        nodeConnector = nodeConnector(server, limits);
        server.addConnector(nodeConnector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), nodeConnector));
        QueuedThreadPool adminThreads = new QueuedThreadPool(8, 2);
        adminThreads.setName("hub-admin");
        adminServer = new Server(adminThreads);
        adminConnector = new ServerConnector(adminServer, 1, 1);
        adminConnector.setHost(config.adminBindAddress());
        adminConnector.setPort(config.adminPort());
        adminConnector.setIdleTimeout(limits.idleTimeout().toMillis());
        adminServer.addConnector(adminConnector);

        Handler nodeApi =
                new Routes(
                        Map.of(
                                "/api/v1/enrol",
                                new PerClientRateLimit(
                                        limits.enrolAttemptsPerMinute(),
                                        new EnrolmentEndpoint(members, tokens, issuer, meters)
                                                .requestTimeout(limits.requestTimeout())
                                                .limitConcurrency(
                                                        limits.maxConcurrentEnrolments())),
                                "/api/v1/heartbeat",
                                new HeartbeatEndpoint(members, clock, meters, jobs::listedFor)
                                        .requestTimeout(limits.requestTimeout()),
                                "/api/v1/jobs/fetch",
                                new JobFetchEndpoint(members, jobs, meters)
                                        .requestTimeout(limits.requestTimeout()),
                                "/api/v1/jobs/report",
                                new JobReportEndpoint(members, jobs, meters)
                                        .requestTimeout(limits.requestTimeout()),
                                "/api/v1/renew",
                                new RenewalEndpoint(members, tokens, issuer, clock, meters)
                                        .requestTimeout(limits.requestTimeout())));
        Handler adminApi =
                new Routes(
                        Map.of(
                                "/",
                                new FleetPage(fleet),
                                "/api/v1/fleet",
                                new FleetEndpoint(fleet),
                                JobResultsEndpoint.PREFIX,
                                new JobResultsEndpoint(jobs),
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
        server.setHandler(nodeApi);
        adminServer.setHandler(adminApi);
        adminServer.start();
        server.start();
        scheduleServerCertificateRenewal(limits.serverCertificateLifetime());
        LOG.info(
                "hub serving nodes on https://{}:{} and the fleet on http://{}:{}",
                config.bindAddress(),
                nodePort(),
                config.adminBindAddress(),
                adminPort());
        return this;
    }

    private ServerConnector nodeConnector(Server server, HubConfig.Listener limits) {
        serverCertificate =
                ServerCertificate.issue(
                        ca, config.serverNames(), limits.serverCertificateLifetime());
        tls = new SslContextFactory.Server();
        tls.setKeyStore(serverCertificate.keyStore());
        tls.setKeyStorePassword(new String(ServerCertificate.PASSWORD));
        tls.setKeyManagerPassword(new String(ServerCertificate.PASSWORD));
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
        // A quiet connection is closed soon; a node opens a new one for its next heartbeat.
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(1024);
        connector.addBean(new PerAddressConnectionLimit(limits.maxConnectionsPerAddress()));
        connector.addBean(new RequestHeaderDeadline(limits.requestTimeout()));
        return connector;
    }

    /**
     * Issues a new server certificate at two thirds of the current one's lifetime and swaps it in
     * for new connections (open ones keep the one they were made with). A failed attempt is logged
     * and retried after a tenth of the lifetime, still well before the current one expires.
     */
    private void scheduleServerCertificateRenewal(Duration lifetime) {
        renewals =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "hub-server-certificate");
                            t.setDaemon(true);
                            return t;
                        });
        renewals.schedule(
                () -> renewServerCertificate(lifetime),
                ServerCertificate.renewAfter(lifetime).toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void renewServerCertificate(Duration lifetime) {
        Duration next = ServerCertificate.renewAfter(lifetime);
        try {
            ServerCertificate renewed = ServerCertificate.issue(ca, config.serverNames(), lifetime);
            tls.reload(f -> f.setKeyStore(renewed.keyStore()));
            serverCertificate = renewed;
            LOG.info(
                    "server certificate renewed: serial {}, valid until {}",
                    renewed.certificate().getSerialNumber().toString(16),
                    renewed.certificate().getNotAfter().toInstant());
        } catch (Exception e) {
            LOG.error("cannot renew the server certificate; retrying", e);
            next = lifetime.dividedBy(10);
        }
        if (!renewals.isShutdown()) {
            renewals.schedule(
                    () -> renewServerCertificate(lifetime), next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The server certificate new connections are given. */
    public X509Certificate serverCertificate() {
        return serverCertificate.certificate();
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
        meters.getPrometheusRegistry().register(new MemberCertificateExpiry(members, clock));
        for (FederatedJobs.JobPhase p : FederatedJobs.JobPhase.values()) {
            Gauge.builder("fednode_hub_federated_jobs", jobs, j -> j.jobsByState().get(p))
                    .description("FederatedJobs by state")
                    .tag("state", p.name())
                    .register(meters);
        }
        for (FederatedJobNodeStatus.Phase p : FederatedJobNodeStatus.Phase.values()) {
            Gauge.builder("fednode_hub_federated_job_nodes", jobs, j -> j.entriesByPhase().get(p))
                    .description("node entries of FederatedJobs by phase")
                    .tag("phase", p.name())
                    .register(meters);
        }
    }

    /** Every member as placement sees it: labels, datasets its last heartbeat reports Ready. */
    private Collection<JobPlacement.Candidate> placementCandidates() {
        List<JobPlacement.Candidate> out = new ArrayList<>();
        for (MemberState m : members.all()) {
            FederationMember r = m.resource();
            if (r == null) {
                continue;
            }
            HeartbeatReport report = m.lastReport();
            Set<String> ready =
                    report == null || report.datasets() == null
                            ? Set.of()
                            : report.datasets().stream()
                                    .filter(d -> Boolean.TRUE.equals(d.ready()))
                                    .map(HeartbeatReport.Dataset::name)
                                    .collect(Collectors.toSet());
            out.add(
                    new JobPlacement.Candidate(
                            m.nodeId(), r.getMetadata().getLabels(), ready, m.revoked()));
        }
        return out;
    }

    /**
     * Whether a node that had a job is lost: its member is gone or revoked, or it has been silent
     * for longer than {@code --job-lost-after} (by default the member's own window, the rule that
     * turns Available Unknown). Counted from the hub's start at the earliest, like that rule.
     */
    private boolean nodeLost(
            MemberStatusBuilder builder,
            java.time.Instant startedAt,
            String nodeId,
            java.time.Instant now) {
        MemberState m = members.byNodeId(nodeId);
        if (m == null || m.revoked()) {
            return true;
        }
        Duration window = config.jobLostAfter();
        if (window == null) {
            return builder.health(m, now) == MemberHealth.UNKNOWN;
        }
        java.time.Instant last = m.lastHeartbeat();
        java.time.Instant from = last == null || last.isBefore(startedAt) ? startedAt : last;
        return Duration.between(from, now).compareTo(window) > 0;
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
        if (renewals != null) {
            renewals.shutdownNow();
        }
        if (server != null) {
            server.stop();
        }
        if (adminServer != null) {
            adminServer.stop();
        }
        if (jobs != null) {
            jobs.close();
        }
        if (statusSync != null) {
            statusSync.close();
        }
        if (members != null) {
            members.close();
        }
    }
}
