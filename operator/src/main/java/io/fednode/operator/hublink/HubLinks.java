package io.fednode.operator.hublink;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The hub links of all FederationNodes this operator reconciles. The reconciler calls {@link
 * #ensure} on every reconcile (as leader only, so only the leader heartbeats) and puts the returned
 * {@code Registered} and {@code Connected} values into the node's status; {@link #onChange} tells
 * it when those values changed between reconciles. Heartbeats themselves never write to the API
 * server.
 */
public final class HubLinks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HubLinks.class);

    private final KubernetesClient client;
    private final String version;
    private final Clock clock;

    /**
     * Hub links this many nodes share one scheduler thread. A step is mostly waiting (a heartbeat
     * over mTLS, a few API calls), so one operator driving many nodes (a hospital with several, or
     * the federated-jobs benchmark's 100) grows its pool rather than falling behind the heartbeat
     * interval.
     */
    static final int NODES_PER_THREAD = 8;

    /**
     * The pool never grows beyond this, however many nodes: the hub and the API server bound it.
     */
    static final int MAX_THREADS = 16;

    private final ScheduledThreadPoolExecutor scheduler;
    private final int minThreads;
    private final Map<String, Running> links = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, String> listener = (ns, name) -> {};
    private volatile Runnable afterReceive = () -> {};

    /** One scheduling chain of a link; replaced (and so stopped) when the configuration changes. */
    private static final class Running {
        final HubLink link;
        final String configuration;
        volatile ScheduledFuture<?> next;

        Running(HubLink link, String configuration) {
            this.link = link;
            this.configuration = configuration;
        }

        /** Whether this link is the one of that node (not of an earlier node of the same name). */
        boolean isFor(FederationNode node) {
            return Objects.equals(link.node().getMetadata().getUid(), node.getMetadata().getUid());
        }

        void cancel() {
            ScheduledFuture<?> f = next;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    public HubLinks(KubernetesClient client, String version) {
        this(client, version, Clock.systemUTC(), 2);
    }

    /**
     * @param threads the scheduler's threads for up to {@code threads * NODES_PER_THREAD} nodes; it
     *     grows by one per further {@link #NODES_PER_THREAD} nodes, up to {@link #MAX_THREADS}
     */
    public HubLinks(KubernetesClient client, String version, Clock clock, int threads) {
        this.client = client;
        this.version = version;
        this.clock = clock;
        this.minThreads = Math.max(1, threads);
        this.scheduler =
                new ScheduledThreadPoolExecutor(
                        minThreads,
                        r -> {
                            Thread t = new Thread(r, "hub-link");
                            t.setDaemon(true);
                            return t;
                        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /** The scheduler's current thread count (its core size). */
    int threads() {
        return scheduler.getCorePoolSize();
    }

    /** Sizes the pool for the links now running; called with {@code links} held. */
    private void resize() {
        int wanted = (links.size() + NODES_PER_THREAD - 1) / NODES_PER_THREAD;
        int size = Math.max(minThreads, Math.min(Math.max(MAX_THREADS, minThreads), wanted));
        if (size != scheduler.getCorePoolSize()) {
            LOG.info("hub links: {} nodes, {} scheduler threads", links.size(), size);
            scheduler.setCorePoolSize(size);
        }
    }

    /** Called with (namespace, name) when a node's Registered or Connected value changed. */
    public void onChange(BiConsumer<String, String> listener) {
        this.listener = listener;
    }

    /**
     * Starts the node's link, or updates it with the node as now reconciled (a changed endpoint,
     * token, CA or interval takes effect at once). Returns the current condition values.
     */
    public HubLinkStatus ensure(FederationNode node) {
        String key = key(node.getMetadata().getNamespace(), node.getMetadata().getName());
        String configuration = configuration(node);
        synchronized (links) {
            Running running = links.get(key);
            if (running != null && running.isFor(node)) {
                running.link.node(node);
                if (!running.configuration.equals(configuration)) {
                    running.cancel();
                    start(key, running.link, configuration);
                }
                return running.link.status();
            }
            if (running != null) {
                running.cancel();
            }
            HubLink link = new HubLink(client, node, version, clock, afterReceive);
            start(key, link, configuration);
            return link.status();
        }
    }

    /**
     * For tests: runs between receiving a certificate from the hub and storing it (an operator that
     * dies there is one whose hook throws), for links started from now on.
     */
    void afterReceive(Runnable hook) {
        this.afterReceive = hook;
    }

    /**
     * When the node's hub certificate expires, as its link holds it in memory; empty before
     * enrolment or without a running link.
     */
    public Optional<Instant> certificateNotAfter(String namespace, String name) {
        return Optional.ofNullable(links.get(key(namespace, name)))
                .flatMap(r -> r.link.certificateNotAfter());
    }

    public Optional<HubLinkStatus> status(String namespace, String name) {
        return Optional.ofNullable(links.get(key(namespace, name))).map(r -> r.link.status());
    }

    /**
     * Stops the link of a deleted node: the reconciler calls this on the node's delete event. A
     * link already replaced by one for a new node of the same name (another uid) is left running.
     */
    public void forget(FederationNode node) {
        String key = key(node.getMetadata().getNamespace(), node.getMetadata().getName());
        synchronized (links) {
            Running running = links.get(key);
            if (running != null && running.isFor(node)) {
                links.remove(key);
                running.cancel();
                resize();
            }
        }
    }

    /** Stops the link of a node that is gone (or no longer reconciled by this instance). */
    public void forget(String namespace, String name) {
        synchronized (links) {
            Running running = links.remove(key(namespace, name));
            if (running != null) {
                running.cancel();
                resize();
            }
        }
    }

    private void start(String key, HubLink link, String configuration) {
        Running running = new Running(link, configuration);
        links.put(key, running);
        resize();
        running.next = scheduler.schedule(() -> run(key, running), 0, TimeUnit.MILLISECONDS);
    }

    private void run(String key, Running running) {
        if (links.get(key) != running) {
            return; // forgotten, or replaced by a new configuration
        }
        HubLink link = running.link;
        // The keys JOSDK puts in the MDC while it reconciles: a hub-link line names its node the
        // same way a reconcile's line does (docs/operator.md, "Logs and events").
        try (var kind = MDC.putCloseable("resource.kind", "FederationNode");
                var namespace =
                        MDC.putCloseable(
                                "resource.namespace", link.node().getMetadata().getNamespace());
                var name = MDC.putCloseable("resource.name", link.node().getMetadata().getName())) {
            step(key, running, link);
        }
    }

    private void step(String key, Running running, HubLink link) {
        HubLinkStatus before = link.status();
        Duration next;
        try {
            next = link.step();
        } catch (RuntimeException e) {
            LOG.error("hub link {} failed", key, e);
            next = link.interval();
        }
        if (!link.status().equals(before)) {
            try {
                listener.accept(
                        link.node().getMetadata().getNamespace(),
                        link.node().getMetadata().getName());
            } catch (RuntimeException e) {
                LOG.warn("hub link listener failed", e);
            }
        }
        if (links.get(key) == running && !scheduler.isShutdown()) {
            running.next =
                    scheduler.schedule(
                            () -> run(key, running), next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static String configuration(FederationNode node) {
        var hub = node.getSpec().getHub();
        var c = node.getSpec().getConnectivity();
        return hub.getEndpoint()
                + "|"
                + (hub.getJoinTokenSecretRef() == null
                        ? ""
                        : hub.getJoinTokenSecretRef().getName()
                                + "/"
                                + hub.getJoinTokenSecretRef().getKey())
                + "|"
                + (hub.getCaBundleSecretRef() == null
                        ? ""
                        : hub.getCaBundleSecretRef().getName()
                                + "/"
                                + hub.getCaBundleSecretRef().getKey())
                + "|"
                + (c == null ? "" : c.getHeartbeatInterval())
                + "|"
                + node.getSpec().getNodeId();
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
