package io.fednode.operator.hublink;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.v1alpha1.ComputeSpec;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunConditions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The body of a heartbeat, built from the node and what it holds: version, role, conditions, the
 * node's GPUs and its datasets. Metadata only: dataset names and counts, never paths, file names or
 * anything from an image. Pure, so the hub's schema limits are unit-tested here.
 */
final class HeartbeatContent {
    /** The hub refuses a heartbeat with more (HeartbeatReport.MAX_DATASETS). */
    static final int MAX_DATASETS = 100;

    /** The hub refuses a heartbeat with more (HeartbeatReport.MAX_CONDITIONS). */
    static final int MAX_CONDITIONS = 16;

    /** The hub refuses a larger capacity. */
    static final int MAX_GPUS = 100_000;

    private static final Pattern WORD = Pattern.compile("^[A-Za-z][A-Za-z0-9]{0,63}$");

    private HeartbeatContent() {}

    /**
     * GPUs as the operator governs them: {@code capacity} is what the node's policy lets its runs
     * hold at once ({@code compute.maxConcurrentRuns} slots of at most {@code
     * compute.maxGpusPerRun} each), {@code allocated} the {@code spec.gpus} of its runs that hold a
     * slot now.
     */
    record Gpus(int capacity, int allocated) {}

    /** One dataset as the hub shows it: anonymised files and bytes written, and Ready. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DatasetSummary(String name, Long files, Long bytes, boolean ready) {}

    /** The heartbeat body, in the hub's schema ({@code hub/…/heartbeat/HeartbeatReport}). */
    static Map<String, Object> report(
            FederationNode node,
            String version,
            Duration interval,
            List<Dataset> datasets,
            List<TrainingRun> runs) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("nodeId", node.getSpec().getNodeId());
        r.put("version", version);
        r.put("role", node.getSpec().getRole().name().toLowerCase());
        r.put("intervalSeconds", interval.toSeconds());
        r.put("conditions", conditions(node));
        Gpus gpus = gpus(node, runs);
        if (gpus != null) {
            r.put("gpus", gpus);
        }
        r.put("datasets", datasets(node, datasets));
        return r;
    }

    /** The node's conditions the hub accepts (type, status, CamelCase reason; no messages). */
    static List<Map<String, String>> conditions(FederationNode node) {
        List<Map<String, String>> conditions = new ArrayList<>();
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return conditions;
        }
        for (Condition c : node.getStatus().getConditions()) {
            if (conditions.size() < MAX_CONDITIONS
                    && c.getType() != null
                    && WORD.matcher(c.getType()).matches()
                    && List.of("True", "False", "Unknown").contains(c.getStatus())) {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("type", c.getType());
                m.put("status", c.getStatus());
                if (c.getReason() != null && WORD.matcher(c.getReason()).matches()) {
                    m.put("reason", c.getReason());
                }
                conditions.add(m);
            }
        }
        return conditions;
    }

    /**
     * The node's GPUs; null for a data node, which runs no training. A run holds GPUs from the
     * moment it leaves the queue (its Job is created, {@code status.startTime}) until it has
     * succeeded or failed; admitted runs still queued hold none. When the policy was tightened
     * while runs hold more than it now allows, capacity is reported as at least what they hold.
     */
    static Gpus gpus(FederationNode node, List<TrainingRun> runs) {
        if (node.getSpec().getRole() == null || !node.getSpec().getRole().computes()) {
            return null;
        }
        ComputeSpec compute = node.getSpec().getCompute();
        long slots =
                compute == null || compute.getMaxConcurrentRuns() == null
                        ? 0
                        : compute.getMaxConcurrentRuns();
        long perRun =
                compute == null || compute.getMaxGpusPerRun() == null
                        ? 0
                        : compute.getMaxGpusPerRun();
        long allocated =
                runs.stream()
                        .filter(run -> run.getSpec() != null)
                        .filter(
                                run ->
                                        ofNode(
                                                node,
                                                run.getSpec().getNodeRef(),
                                                run.getMetadata().getNamespace()))
                        .filter(HeartbeatContent::holdsSlot)
                        .mapToLong(run -> Math.max(0, nullToZero(run.getSpec().getGpus())))
                        .sum();
        long capacity = Math.max(slots * perRun, allocated);
        return new Gpus((int) Math.min(capacity, MAX_GPUS), (int) Math.min(allocated, MAX_GPUS));
    }

    /**
     * The node's datasets ({@code spec.nodeRef} names it), by name, at most {@link #MAX_DATASETS}:
     * files and bytes written by the current revision, and whether it is Ready.
     */
    static List<DatasetSummary> datasets(FederationNode node, List<Dataset> datasets) {
        return datasets.stream()
                .filter(
                        d ->
                                ofNode(
                                        node,
                                        d.getSpec() == null ? null : d.getSpec().getNodeRef(),
                                        d.getMetadata().getNamespace()))
                .sorted(Comparator.comparing(d -> d.getMetadata().getName()))
                .limit(MAX_DATASETS)
                .map(HeartbeatContent::summary)
                .toList();
    }

    private static DatasetSummary summary(Dataset dataset) {
        DatasetStatus s = dataset.getStatus();
        Long files = s == null || s.getFiles() == null ? null : s.getFiles().getWritten();
        Long bytes = s == null || s.getBytes() == null ? null : s.getBytes().getWritten();
        return new DatasetSummary(
                dataset.getMetadata().getName(),
                files == null || files < 0 ? null : files,
                bytes == null || bytes < 0 ? null : bytes,
                isTrue(s == null ? null : s.getConditions(), ConditionTypes.READY));
    }

    /** Started (its Job exists) and not yet finished: the run holds one of the node's slots. */
    static boolean holdsSlot(TrainingRun run) {
        var status = run.getStatus();
        return status != null
                && status.getStartTime() != null
                && !isTrue(status.getConditions(), TrainingRunConditions.SUCCEEDED)
                && !isTrue(status.getConditions(), TrainingRunConditions.FAILED)
                && !"False".equals(status(status.getConditions(), TrainingRunConditions.SUCCEEDED));
    }

    private static boolean ofNode(FederationNode node, String nodeRef, String namespace) {
        return node.getMetadata().getName().equals(nodeRef)
                && Objects.equals(node.getMetadata().getNamespace(), namespace);
    }

    private static boolean isTrue(List<Condition> conditions, String type) {
        return "True".equals(status(conditions, type));
    }

    private static String status(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream()
                .filter(c -> type.equals(c.getType()))
                .map(Condition::getStatus)
                .findFirst()
                .orElse(null);
    }

    private static long nullToZero(Integer i) {
        return i == null ? 0 : i;
    }
}
