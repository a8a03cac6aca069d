package io.fednode.operator.federatedjob;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a federated job's trainer wrote to its results file (the container's termination message),
 * checked before any of it leaves the node: at most the job's {@code results.maxBytes} (and the
 * kubelet's 4096), one JSON object of exactly {@code metrics}, {@code metricErrors}, {@code
 * numExamples} and {@code modelDigest}, at most 64 metrics, names of the protocol's shape (and in
 * the job's {@code allowedMetrics} when it names some), finite numbers only (errors not negative),
 * no text except a {@code sha256:} model digest of a Train job. Results that break any rule are
 * {@link Rejected} as a whole: nothing of them is sent.
 */
public record JobResults(
        Map<String, Double> metrics,
        Map<String, Double> metricErrors,
        Long numExamples,
        String modelDigest) {

    /** The hub takes at most this many metrics (and checks again). */
    static final int MAX_METRICS = 64;

    static final JobResults NONE = new JobResults(Map.of(), Map.of(), null, null);
    private static final Set<String> FIELDS =
            Set.of("metrics", "metricErrors", "numExamples", "modelDigest");
    private static final Pattern DIGEST = Pattern.compile("^sha256:[a-f0-9]{64}$");
    private static final ObjectMapper STRICT =
            JsonMapper.builder()
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    /** The results break a rule; the message says which (and quotes none of their content). */
    public static final class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    /** The results as the report's {@code results} object. */
    public Map<String, Object> asReport() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("metrics", metrics);
        if (!metricErrors.isEmpty()) {
            r.put("metricErrors", metricErrors);
        }
        if (numExamples != null) {
            r.put("numExamples", numExamples);
        }
        if (modelDigest != null) {
            r.put("modelDigest", modelDigest);
        }
        return r;
    }

    /**
     * Checks {@code text} (null or blank: no results) against the job's limits.
     *
     * @throws Rejected naming the rule that was broken
     */
    public static JobResults validate(String text, JobOffer offer) throws Rejected {
        return validate(text, offer.resultsMaxBytes(), offer.allowedMetrics(), offer.type());
    }

    static JobResults validate(String text, int maxBytes, List<String> allowedMetrics, String type)
            throws Rejected {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        int limit = Math.min(maxBytes, JobOffer.MAX_RESULTS_BYTES);
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > limit) {
            throw new Rejected("the results are " + size + " bytes, more than the job's " + limit);
        }
        JsonNode root;
        try {
            root = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new Rejected(
                    "the results are not one JSON object (line "
                            + e.getLocation().getLineNr()
                            + ", column "
                            + e.getLocation().getColumnNr()
                            + ")");
        }
        if (root == null || !root.isObject()) {
            throw new Rejected("the results are not a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new Rejected(
                        "the results hold a field other than metrics, metricErrors, numExamples"
                                + " and modelDigest");
            }
        }
        Map<String, Double> metrics = numbers(root.path("metrics"), "metrics");
        Map<String, Double> errors = numbers(root.path("metricErrors"), "metricErrors");
        if (metrics.size() > MAX_METRICS) {
            throw new Rejected(
                    "the results hold " + metrics.size() + " metrics, more than " + MAX_METRICS);
        }
        for (String name : metrics.keySet()) {
            if (!allowedMetrics.isEmpty() && !allowedMetrics.contains(name)) {
                throw new Rejected(
                        "metric " + name + " is not in the job's allowedMetrics " + allowedMetrics);
            }
        }
        for (Map.Entry<String, Double> e : errors.entrySet()) {
            if (!metrics.containsKey(e.getKey())) {
                throw new Rejected("metricErrors." + e.getKey() + " has no metric of that name");
            }
            if (e.getValue() < 0) {
                throw new Rejected("metricErrors." + e.getKey() + " is negative");
            }
        }
        Long numExamples = null;
        JsonNode n = root.path("numExamples");
        if (!n.isMissingNode()) {
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
                throw new Rejected("numExamples must be a non-negative integer");
            }
            numExamples = n.asLong();
        }
        String digest = null;
        JsonNode d = root.path("modelDigest");
        if (!d.isMissingNode()) {
            if (!JobOffer.TRAIN.equals(type)) {
                throw new Rejected("modelDigest is only reported by Train jobs");
            }
            if (!d.isTextual() || !DIGEST.matcher(d.asText()).matches()) {
                throw new Rejected("modelDigest must be sha256: followed by 64 lowercase hex");
            }
            digest = d.asText();
        }
        return new JobResults(metrics, errors, numExamples, digest);
    }

    private static Map<String, Double> numbers(JsonNode node, String field) throws Rejected {
        Map<String, Double> out = new LinkedHashMap<>();
        if (node.isMissingNode()) {
            return out;
        }
        if (!node.isObject()) {
            throw new Rejected(field + " must be an object of metric names to numbers");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!JobOffer.METRIC.matcher(e.getKey()).matches()) {
                throw new Rejected(
                        field
                                + " holds a name that is not a metric name ("
                                + JobOffer.METRIC.pattern()
                                + ")");
            }
            JsonNode v = e.getValue();
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new Rejected(field + "." + e.getKey() + " is not a finite number");
            }
            out.put(e.getKey(), v.asDouble());
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
