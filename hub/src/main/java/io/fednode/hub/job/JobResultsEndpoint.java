package io.fednode.hub.job;

import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import io.fednode.api.v1alpha1.FederatedJobStatus;
import io.fednode.hub.http.JsonEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Admin listener: {@code GET /api/v1/federated-jobs/<namespace>/<name>/results} answers every
 * node's entry with its full results and the aggregated metrics; {@code ?format=openebench} the
 * Succeeded nodes' metrics as OpenEBench assessment datasets (benchmarking-data-model 1.0.x
 * Dataset, type "assessment").
 */
public final class JobResultsEndpoint extends Handler.Abstract {
    public static final String PREFIX = "/api/v1/federated-jobs/";
    private static final Pattern PATH =
            Pattern.compile(
                    "^/api/v1/federated-jobs/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/"
                            + "([a-z0-9]([-a-z0-9.]*[a-z0-9])?)/results$");

    private final FederatedJobs jobs;

    public JobResultsEndpoint(FederatedJobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!"GET".equals(request.getMethod())) {
            JsonEndpoint.respond(response, callback, 405, Map.of("error", "use GET"));
            return true;
        }
        Matcher m = PATH.matcher(request.getHttpURI().getPath());
        if (!m.matches()) {
            JsonEndpoint.respond(response, callback, 404, Map.of("error", "not found"));
            return true;
        }
        String namespace = m.group(1);
        String name = m.group(3);
        String format = Request.extractQueryParameters(request).getValue("format");
        if (format != null && !format.equals("openebench") && !format.equals("fednode")) {
            JsonEndpoint.respond(
                    response,
                    callback,
                    400,
                    Map.of("error", "format must be fednode or openebench"));
            return true;
        }
        Optional<FederatedJobStatus> status = jobs.status(namespace, name);
        if (status.isEmpty()) {
            JsonEndpoint.respond(response, callback, 404, Map.of("error", "no such federated job"));
            return true;
        }
        Object body =
                "openebench".equals(format)
                        ? openEBench(namespace, name, status.get())
                        : results(namespace, name, status.get());
        JsonEndpoint.respond(response, callback, 200, body);
        return true;
    }

    static Map<String, Object> results(String namespace, String name, FederatedJobStatus s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("job", namespace + "/" + name);
        out.put("observedGeneration", s.getObservedGeneration());
        out.put("conditions", s.getConditions());
        out.put("counts", s.getCounts());
        out.put("aggregated", s.getAggregated());
        out.put("nodes", s.getNodes());
        return out;
    }

    /** One assessment dataset per Succeeded node and metric. */
    static List<Map<String, Object>> openEBench(
            String namespace, String name, FederatedJobStatus s) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FederatedJobNodeStatus e : s.getNodes()) {
            if (e.getPhase() != Phase.Succeeded || e.getMetrics() == null) {
                continue;
            }
            for (var metric : new java.util.TreeMap<>(e.getMetrics()).entrySet()) {
                Map<String, Object> value = new LinkedHashMap<>();
                value.put("value", metric.getValue());
                value.put(
                        "error",
                        e.getMetricErrors() == null
                                ? null
                                : e.getMetricErrors().get(metric.getKey()));
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("_id", name + ":" + e.getNodeId() + ":" + metric.getKey());
                d.put("type", "assessment");
                d.put("community_id", null);
                d.put("challenge_ids", List.of(namespace + "/" + name));
                d.put("participant_id", e.getNodeId());
                d.put("datalink", Map.of("inline_data", value));
                d.put("depends_on", Map.of("metrics_id", metric.getKey()));
                out.add(d);
            }
        }
        return out;
    }
}
