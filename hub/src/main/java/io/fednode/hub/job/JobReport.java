package io.fednode.hub.job;

import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import io.fednode.api.v1alpha1.FederatedJobResultLimits;
import io.fednode.api.v1alpha1.JobType;
import io.fednode.hub.http.ApiException;
import io.fednode.hub.http.Json;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/jobs/report}: a node's decision, progress or outcome for its own entry of a
 * job. There is no nodeId: the caller's certificate says whose entry it is (a body naming one is
 * refused as an unknown field). {@link #validate} is the schema, checked again whatever the node
 * already checked.
 */
public record JobReport(
        String uid,
        Long generation,
        Phase phase,
        String reason,
        String message,
        JobResults results) {

    static final Pattern UID = Pattern.compile("^[0-9a-f-]{1,64}$");
    static final Pattern WORD = Pattern.compile("^[A-Za-z][A-Za-z0-9]{0,63}$");
    static final Pattern METRIC = Pattern.compile("^[A-Za-z][A-Za-z0-9_.-]{0,63}$");
    static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
    static final int MAX_MESSAGE = 512;
    static final int MAX_METRICS = 64;

    /** Results are measured as the node's trainer would write them: without absent fields. */
    private static final com.fasterxml.jackson.databind.ObjectMapper COMPACT =
            Json.MAPPER
                    .copy()
                    .setSerializationInclusion(
                            com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    /** What a node's trainer reported, as the node forwards it. Numbers only. */
    public record JobResults(
            Map<String, Double> metrics,
            Map<String, Double> metricErrors,
            Long numExamples,
            String modelDigest) {}

    /** The body's own shape, before the job is looked up. */
    public JobReport validate() {
        require(uid != null && UID.matcher(uid).matches(), "uid must be the job's UID");
        require(generation != null && generation >= 1, "generation must be at least 1");
        require(
                phase != null && NodeTransitions.REPORTABLE.contains(phase),
                "phase must be Accepted, Refused, Running, Succeeded or Failed");
        require(
                reason == null || WORD.matcher(reason).matches(),
                "reason must be a CamelCase word");
        require(
                message == null || message.length() <= MAX_MESSAGE,
                "message longer than " + MAX_MESSAGE + " characters");
        require(
                results == null || phase == Phase.Succeeded || phase == Phase.Failed,
                "results may only come with Succeeded or Failed");
        return this;
    }

    /** The results against the job's limits: size, names, finite numbers, allowed metrics. */
    public static void checkResults(JobResults r, JobType type, FederatedJobResultLimits limits) {
        if (r == null) {
            return;
        }
        int maxBytes = limits == null || limits.getMaxBytes() == null ? 4096 : limits.getMaxBytes();
        List<String> allowed =
                limits == null || limits.getAllowedMetrics() == null
                        ? List.of()
                        : limits.getAllowedMetrics();
        int size;
        try {
            size = COMPACT.writeValueAsBytes(r).length;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("results cannot be encoded");
        }
        require(size <= maxBytes, "results are " + size + " bytes; the job allows " + maxBytes);
        Map<String, Double> metrics = r.metrics() == null ? Map.of() : r.metrics();
        require(metrics.size() <= MAX_METRICS, "at most " + MAX_METRICS + " metrics");
        for (var m : metrics.entrySet()) {
            require(
                    METRIC.matcher(m.getKey()).matches(),
                    "metric names must match " + METRIC.pattern());
            require(
                    allowed.isEmpty() || allowed.contains(m.getKey()),
                    "metric " + m.getKey() + " is not in the job's results.allowedMetrics");
            require(
                    m.getValue() != null && Double.isFinite(m.getValue()),
                    "metric " + m.getKey() + " must be a finite number");
        }
        if (r.metricErrors() != null) {
            for (var m : r.metricErrors().entrySet()) {
                require(
                        metrics.containsKey(m.getKey()),
                        "metricErrors may only name reported metrics");
                require(
                        m.getValue() != null && Double.isFinite(m.getValue()) && m.getValue() >= 0,
                        "metric error of " + m.getKey() + " must be a finite number >= 0");
            }
        }
        require(r.numExamples() == null || r.numExamples() >= 0, "numExamples must be >= 0");
        if (r.modelDigest() != null) {
            require(type == JobType.Train, "modelDigest is only for Train jobs");
            require(
                    DIGEST.matcher(r.modelDigest()).matches(),
                    "modelDigest must be sha256: and 64 lowercase hex characters");
        }
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw ApiException.badRequest(message);
        }
    }
}
