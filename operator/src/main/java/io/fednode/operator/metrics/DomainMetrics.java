package io.fednode.operator.metrics;

import io.fednode.api.common.ConditionTypes;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.operator.common.CachedResources;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The operator's domain gauges (docs/metrics.md), computed at each scrape from what the
 * reconcilers' informer caches and the hub links hold in memory: a scrape never calls the API
 * server. Labels are bounded: condition, status and state come from fixed sets; {@code
 * namespace}/{@code node} only name FederationNodes.
 */
public final class DomainMetrics implements MultiCollector {
    /** The FederationNode conditions {@code fednode_nodes} counts. */
    public static final List<String> NODE_CONDITIONS =
            List.of(
                    ConditionTypes.READY,
                    FederationNodeConditions.REGISTERED,
                    FederationNodeConditions.CONNECTED);

    private static final List<String> STATUSES =
            List.of(ConditionTypes.TRUE, ConditionTypes.FALSE, ConditionTypes.UNKNOWN);

    private final CachedResources<FederationNode> nodes;
    private final CachedResources<Dataset> datasets;
    private final CachedResources<TrainingRun> runs;
    private final BiFunction<String, String, Optional<Instant>> certificateNotAfter;
    private final Clock clock;

    /**
     * @param certificateNotAfter (namespace, node) to when the node's hub certificate expires, as
     *     the operator holds it in memory; empty before enrolment
     */
    public DomainMetrics(
            CachedResources<FederationNode> nodes,
            CachedResources<Dataset> datasets,
            CachedResources<TrainingRun> runs,
            BiFunction<String, String, Optional<Instant>> certificateNotAfter,
            Clock clock) {
        this.nodes = nodes;
        this.datasets = datasets;
        this.runs = runs;
        this.certificateNotAfter = certificateNotAfter;
        this.clock = clock;
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(
                "fednode_nodes",
                "fednode_node_ready",
                "fednode_hub_connected",
                "fednode_node_certificate_expiry_seconds",
                "fednode_datasets",
                "fednode_dataset_files",
                "fednode_training_runs",
                "fednode_gpus_in_use",
                "fednode_gpus_allowed",
                "fednode_federated_jobs");
    }

    @Override
    public MetricSnapshots collect() {
        List<FederationNode> nodeList = nodes.list();
        List<Dataset> datasetList = datasets.list();
        List<TrainingRun> runList = runs.list();
        Instant now = clock.instant();
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(nodesByCondition(nodeList));

        Gauge ready = new Gauge("fednode_node_ready", "1 if the FederationNode's Ready is True");
        Gauge connected =
                new Gauge("fednode_hub_connected", "1 if the node's hub link is Connected");
        Gauge expiry =
                new Gauge(
                        "fednode_node_certificate_expiry_seconds",
                        "seconds until the node's hub certificate expires (negative once"
                                + " expired)");
        Gauge inUse =
                new Gauge("fednode_gpus_in_use", "GPUs held by the node's running TrainingRuns");
        Gauge allowed =
                new Gauge(
                        "fednode_gpus_allowed",
                        "GPUs the node allows at once (maxGpusPerRun x maxConcurrentRuns)");
        for (FederationNode node : nodeList) {
            String ns = node.getMetadata().getNamespace();
            String name = node.getMetadata().getName();
            Labels labels = Labels.of("namespace", ns, "node", name);
            var conditions = node.getStatus() == null ? null : node.getStatus().getConditions();
            ready.add(labels, isTrue(conditions, ConditionTypes.READY));
            connected.add(labels, isTrue(conditions, FederationNodeConditions.CONNECTED));
            certificateNotAfter
                    .apply(ns, name)
                    .ifPresent(
                            notAfter ->
                                    expiry.add(
                                            labels,
                                            Duration.between(now, notAfter).toMillis() / 1000.0));
            var compute = node.getSpec() == null ? null : node.getSpec().getCompute();
            if (compute != null
                    && node.getSpec().getRole() != null
                    && node.getSpec().getRole().computes()) {
                allowed.add(
                        labels,
                        (double) compute.getMaxGpusPerRun() * compute.getMaxConcurrentRuns());
                inUse.add(
                        labels,
                        runList.stream()
                                .filter(r -> ns.equals(r.getMetadata().getNamespace()))
                                .filter(r -> r.getSpec() != null)
                                .filter(r -> name.equals(r.getSpec().getNodeRef()))
                                .mapToInt(ResourceStates::gpusHeld)
                                .sum());
            }
        }
        out.add(ready.build());
        out.add(connected.build());
        out.add(expiry.build());

        Map<String, Integer> byState = zeros(ResourceStates.DATASET_STATES);
        long anonymised = 0;
        long quarantined = 0;
        for (Dataset ds : datasetList) {
            byState.merge(ResourceStates.dataset(ds), 1, Integer::sum);
            DatasetStatus.DatasetFiles files =
                    ds.getStatus() == null ? null : ds.getStatus().getFiles();
            if (files != null) {
                anonymised += files.getWritten() == null ? 0 : files.getWritten();
                quarantined += files.getQuarantined() == null ? 0 : files.getQuarantined();
            }
        }
        out.add(byLabel("fednode_datasets", "Datasets by state", "state", byState));
        Gauge files =
                new Gauge(
                        "fednode_dataset_files",
                        "files in the current Datasets' anonymiser reports, summed");
        files.add(Labels.of("outcome", "anonymised"), anonymised);
        files.add(Labels.of("outcome", "quarantined"), quarantined);
        out.add(files.build());

        Map<String, Integer> runsByState = zeros(ResourceStates.TRAINING_RUN_STATES);
        runList.forEach(r -> runsByState.merge(ResourceStates.trainingRun(r), 1, Integer::sum));
        out.add(byLabel("fednode_training_runs", "TrainingRuns by state", "state", runsByState));
        out.add(inUse.build());
        out.add(allowed.build());

        Map<String, Integer> jobsByState = zeros(ResourceStates.FEDERATED_JOB_STATES);
        for (FederationNode node : nodeList) {
            if (node.getStatus() != null && node.getStatus().getFederatedJobs() != null) {
                node.getStatus()
                        .getFederatedJobs()
                        .forEach(
                                j ->
                                        jobsByState.merge(
                                                ResourceStates.federatedJob(j), 1, Integer::sum));
            }
        }
        out.add(
                byLabel(
                        "fednode_federated_jobs",
                        "federated jobs the hub offers this operator's nodes, by the node's"
                                + " decision and the run's phase",
                        "state",
                        jobsByState));
        return new MetricSnapshots(out);
    }

    private static MetricSnapshot nodesByCondition(List<FederationNode> nodeList) {
        Gauge g =
                new Gauge(
                        "fednode_nodes",
                        "FederationNodes by condition and status (missing counts as Unknown)");
        for (String type : NODE_CONDITIONS) {
            Map<String, Integer> counts = zeros(STATUSES);
            for (FederationNode node : nodeList) {
                var conditions = node.getStatus() == null ? null : node.getStatus().getConditions();
                counts.merge(ResourceStates.status(conditions, type), 1, Integer::sum);
            }
            counts.forEach((status, n) -> g.add(Labels.of("condition", type, "status", status), n));
        }
        return g.build();
    }

    private static MetricSnapshot byLabel(
            String name, String help, String label, Map<String, Integer> counts) {
        Gauge g = new Gauge(name, help);
        counts.forEach((value, n) -> g.add(Labels.of(label, value), n));
        return g.build();
    }

    private static Map<String, Integer> zeros(List<String> keys) {
        Map<String, Integer> m = new LinkedHashMap<>();
        keys.forEach(k -> m.put(k, 0));
        return m;
    }

    private static double isTrue(
            List<io.fabric8.kubernetes.api.model.Condition> conditions, String type) {
        return ResourceStates.isTrue(conditions, type) ? 1 : 0;
    }

    /** One gauge family being filled. */
    private static final class Gauge {
        private final GaugeSnapshot.Builder builder;

        Gauge(String name, String help) {
            builder = GaugeSnapshot.builder().name(name).help(help);
        }

        void add(Labels labels, double value) {
            builder.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        MetricSnapshot build() {
            return builder.build();
        }
    }
}
