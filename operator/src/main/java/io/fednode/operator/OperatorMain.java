package io.fednode.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fednode.api.common.LogFormat;
import io.fednode.operator.common.MdcExecutorService;
import io.fednode.operator.component.HelmReleases;
import io.fednode.operator.component.NodeComponents;
import io.fednode.operator.dataset.AnonymiserImage;
import io.fednode.operator.dataset.DatasetReconciler;
import io.fednode.operator.hublink.HubLinks;
import io.fednode.operator.metrics.DomainMetrics;
import io.fednode.operator.metrics.Readiness;
import io.fednode.operator.node.FederationNodeReconciler;
import io.fednode.operator.training.TrainingRunReconciler;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the node operator. Talks to the cluster named by the usual fabric8 configuration
 * (in-cluster ServiceAccount, {@code KUBECONFIG}, or {@code ~/.kube/config}).
 */
public final class OperatorMain {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

    private OperatorMain() {}

    public static void main(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(
                        """
                        Usage: java -jar fednode-operator.jar [--leader-elect] [--http-port=8080]
                               [--http-bind-address=0.0.0.0] [--resync=10m]

                        Runs the fednode node operator: reconciles FederationNode, Dataset and
                        TrainingRun resources in the namespaces FEDNODE_WATCH_NAMESPACES lists
                        (comma-separated; the chart grants a Role in exactly those). Empty means
                        all namespaces, which needs cluster-wide rights the chart never grants.
                        Serves /metrics (Prometheus), /healthz and /readyz on the HTTP port.

                        Environment: FEDNODE_RESYNC_PERIOD, FEDNODE_HTTP_PORT,
                        FEDNODE_HTTP_BIND_ADDRESS, FEDNODE_LEADER_ELECTION, POD_NAMESPACE (the Lease's namespace),
                        FEDNODE_WATCH_NAMESPACES, FEDNODE_LOG_FORMAT (text or json).
                        Cluster: in-cluster ServiceAccount, else $KUBECONFIG, else ~/.kube/config.
                        """);
                return;
            }
        }
        // logback.xml has chosen its appender by now; a value it has none for would mean no logs.
        LogFormat.from(System.getenv());
        // From here on a failure, at start or later on any thread, is a log line (a JSON object
        // in the json format) rather than a bare stack trace on stderr.
        Thread.setDefaultUncaughtExceptionHandler(
                (thread, e) ->
                        LOG.error(
                                "thread {} stopped by an uncaught exception", thread.getName(), e));
        OperatorSettings settings = OperatorSettings.from(System.getenv(), args);
        if (settings.namespaces().isEmpty()) {
            LOG.warn(
                    "FEDNODE_WATCH_NAMESPACES is empty: watching all namespaces, which needs"
                            + " cluster-wide list/watch (the chart grants a Role per watched"
                            + " namespace only)");
        }
        KubernetesClient client = new KubernetesClientBuilder().build();
        RunningOperator running = run(client, settings);
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "fednode-shutdown"));
    }

    /** Builds, registers and starts the operator on the given client with default settings. */
    public static Operator start(KubernetesClient client) {
        return run(client, OperatorSettings.defaults()).operator();
    }

    /** Starts the operator, and its HTTP server when {@code settings.httpPort() >= 0}. */
    public static RunningOperator run(KubernetesClient client, OperatorSettings settings) {
        return run(client, settings, Clock.systemUTC());
    }

    /**
     * As {@link #run(KubernetesClient, OperatorSettings)}, with the clock the maintenance window is
     * judged by (tests move it; everything else keeps the system clock).
     */
    public static RunningOperator run(
            KubernetesClient client, OperatorSettings settings, Clock windowClock) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        MicrometerMetrics metrics =
                MicrometerMetrics.newMicrometerMetricsBuilder(registry)
                        .notCollectingMetricsPerResource()
                        .build();
        Readiness readiness = new Readiness(settings.leaderElection());
        Operator operator =
                new Operator(
                        o -> {
                            o.withKubernetesClient(client)
                                    .withMetrics(metrics)
                                    .checkingCRDAndValidateLocalModel(false)
                                    .withStopOnInformerErrorDuringStartup(true)
                                    .withCacheSyncTimeout(Duration.ofMinutes(2))
                                    .withReconciliationTerminationTimeout(Duration.ofSeconds(30))
                                    // JOSDK's default pool, passing the reconcile's MDC
                                    // (resource.namespace/name) on to the dependents.
                                    .withWorkflowExecutorService(
                                            new MdcExecutorService(
                                                    Executors.newFixedThreadPool(
                                                            ConfigurationService
                                                                    .DEFAULT_WORKFLOW_EXECUTOR_THREAD_NUMBER)));
                            if (settings.leaderElection()) {
                                o.withLeaderElectionConfiguration(
                                        new LeaderElectionConfiguration(
                                                OperatorSettings.LEASE_NAME,
                                                settings.leaseNamespace(),
                                                LeaderElectionConfiguration
                                                        .LEASE_DURATION_DEFAULT_VALUE,
                                                LeaderElectionConfiguration
                                                        .RENEW_DEADLINE_DEFAULT_VALUE,
                                                LeaderElectionConfiguration
                                                        .RETRY_PERIOD_DEFAULT_VALUE,
                                                null,
                                                readiness.leaderCallbacks(),
                                                true));
                            }
                        });
        HubLinks hubLinks = new HubLinks(client, AnonymiserImage.OPERATOR_VERSION);
        FederationNodeReconciler nodes =
                new FederationNodeReconciler(
                        hubLinks,
                        new NodeComponents(
                                new HelmReleases(client.getConfiguration()),
                                settings.components(),
                                windowClock),
                        settings.resyncPeriod(),
                        windowClock);
        DatasetReconciler datasets = new DatasetReconciler();
        TrainingRunReconciler runs = new TrainingRunReconciler();
        registry.getPrometheusRegistry()
                .register(
                        new DomainMetrics(
                                nodes.cached(),
                                datasets.cached(),
                                runs.cached(),
                                hubLinks::certificateNotAfter,
                                Clock.systemUTC()));
        operator.register(
                nodes,
                c -> {
                    c.withReconciliationMaxInterval(settings.resyncPeriod());
                    if (!settings.namespaces().isEmpty()) {
                        c.settingNamespaces(settings.namespaces());
                    }
                });
        operator.register(
                datasets,
                c -> {
                    c.withReconciliationMaxInterval(settings.resyncPeriod());
                    if (!settings.namespaces().isEmpty()) {
                        c.settingNamespaces(settings.namespaces());
                    }
                });
        operator.register(
                runs,
                c -> {
                    c.withReconciliationMaxInterval(settings.resyncPeriod());
                    if (!settings.namespaces().isEmpty()) {
                        c.settingNamespaces(settings.namespaces());
                    }
                });
        operator.start();
        readiness.synced();
        OperatorHttpServer http =
                settings.httpPort() >= 0
                        ? new OperatorHttpServer(
                                settings.httpBindAddress(),
                                settings.httpPort(),
                                registry,
                                operator,
                                readiness)
                        : null;
        LOG.info(
                "fednode operator started against {} (namespaces {}, resync {}, leader election"
                        + " {})",
                client.getConfiguration().getMasterUrl(),
                settings.namespaces().isEmpty() ? "all" : new TreeSet<>(settings.namespaces()),
                settings.resyncPeriod(),
                settings.leaderElection());
        return new RunningOperator(operator, registry, http);
    }

    /** A started operator with its metrics; closing stops both. */
    public record RunningOperator(
            Operator operator, PrometheusMeterRegistry registry, OperatorHttpServer http)
            implements AutoCloseable {
        @Override
        public void close() {
            operator.stop();
            if (http != null) {
                http.close();
            }
            registry.close();
        }
    }
}
