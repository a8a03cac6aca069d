package io.fednode.operator.federatedjob;

import com.fasterxml.jackson.databind.JsonNode;
import io.fednode.api.common.GoDuration;
import io.fednode.api.v1alpha1.TrainingEnvVar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A federated job as the hub offers it ({@code POST /api/v1/jobs/fetch}), checked field by field
 * before the node looks at it: the hub is a remote party, so every field is bounded and of the
 * shape a TrainingRun accepts, and anything else makes the offer {@link Invalid}.
 */
public record JobOffer(
        String uid,
        long generation,
        String name,
        String type,
        String submitter,
        String image,
        List<String> command,
        List<String> args,
        List<TrainingEnvVar> env,
        int gpus,
        String maxRuntime,
        List<String> datasets,
        String aggregator,
        int resultsMaxBytes,
        List<String> allowedMetrics) {

    public static final String TRAIN = "Train";
    public static final String EVALUATE = "Evaluate";

    /** What the kubelet keeps of a termination message, and so the most results can be. */
    public static final int MAX_RESULTS_BYTES = 4096;

    static final Pattern UID = Pattern.compile("^[a-zA-Z0-9-]{1,64}$");
    static final Pattern JOB_NAME =
            Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$");
    static final Pattern IMAGE =
            Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:/-]*@sha256:[a-f0-9]{64}$");
    static final Pattern ENV_NAME = Pattern.compile("^[-._a-zA-Z][-._a-zA-Z0-9]*$");
    static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    static final Pattern RUNTIME = Pattern.compile("^([0-9]+(\\.[0-9]+)?(h|m|s))+$");
    static final Pattern METRIC = Pattern.compile("^[A-Za-z][A-Za-z0-9_.-]{0,63}$");

    /** The offer is not one this node can take; the message names the field. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    public Duration runtime() {
        return GoDuration.parse(maxRuntime);
    }

    /** Parses and checks the hub's offer. */
    public static JobOffer parse(JsonNode o) throws Invalid {
        if (o == null || !o.isObject()) {
            throw new Invalid("the offer is not a JSON object");
        }
        String uid = text(o, "uid", UID, 64, true);
        long generation = o.path("generation").asLong(0);
        if (!o.path("generation").canConvertToLong() || generation < 1) {
            throw new Invalid("generation must be a positive integer");
        }
        String name = text(o, "name", JOB_NAME, 317, true);
        String type = text(o, "type", null, 16, true);
        if (!TRAIN.equals(type) && !EVALUATE.equals(type)) {
            throw new Invalid("type must be Train or Evaluate, not " + type);
        }
        String submitter = text(o, "submitter", null, 253, true);
        String image = text(o, "image", IMAGE, 512, true);
        List<String> command = strings(o, "command", 64, 4096, null);
        List<String> args = strings(o, "args", 256, 4096, null);
        List<TrainingEnvVar> env = env(o);
        JsonNode gpuNode = o.path("gpus");
        int gpus = gpuNode.isMissingNode() || gpuNode.isNull() ? 0 : gpuNode.asInt(-1);
        if ((!gpuNode.isMissingNode() && !gpuNode.isNull() && !gpuNode.isInt())
                || gpus < 0
                || gpus > 64) {
            throw new Invalid("gpus must be an integer from 0 to 64");
        }
        String maxRuntime = text(o, "maxRuntime", RUNTIME, 32, false);
        if (maxRuntime == null) {
            maxRuntime = "1h";
        }
        if (GoDuration.parse(maxRuntime).compareTo(Duration.ofSeconds(1)) < 0) {
            throw new Invalid("maxRuntime must be at least 1s");
        }
        List<String> datasets = strings(o, "datasets", 16, 63, DNS_LABEL);
        if (new HashSet<>(datasets).size() != datasets.size()) {
            throw new Invalid("datasets must not repeat");
        }
        String aggregator = null;
        JsonNode agg = o.path("aggregator");
        if (!agg.isMissingNode() && !agg.isNull()) {
            aggregator = text(agg, "endpoint", Pattern.compile("^https://[^\\s]+$"), 2048, true);
        }
        if (TRAIN.equals(type) && aggregator == null) {
            throw new Invalid("a Train job needs an aggregator");
        }
        JsonNode results = o.path("results");
        int maxBytes = MAX_RESULTS_BYTES;
        List<String> allowedMetrics = List.of();
        if (results.isObject()) {
            JsonNode mb = results.path("maxBytes");
            if (!mb.isMissingNode() && !mb.isNull()) {
                if (!mb.isInt() || mb.asInt() < 64 || mb.asInt() > MAX_RESULTS_BYTES) {
                    throw new Invalid("results.maxBytes must be an integer from 64 to 4096");
                }
                maxBytes = mb.asInt();
            }
            allowedMetrics = strings(results, "allowedMetrics", 100, 64, METRIC);
        } else if (!results.isMissingNode() && !results.isNull()) {
            throw new Invalid("results must be an object");
        }
        return new JobOffer(
                uid,
                generation,
                name,
                type,
                submitter,
                image,
                command,
                args,
                env,
                gpus,
                maxRuntime,
                datasets,
                aggregator,
                maxBytes,
                allowedMetrics);
    }

    /** The job's short name (after the namespace). */
    public String shortName() {
        return name.substring(name.indexOf('/') + 1);
    }

    private static String text(JsonNode o, String field, Pattern pattern, int max, boolean required)
            throws Invalid {
        JsonNode v = o.path(field);
        if (v.isMissingNode() || v.isNull()) {
            if (required) {
                throw new Invalid(field + " is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty() || v.asText().length() > max) {
            throw new Invalid(field + " must be a string of 1 to " + max + " characters");
        }
        String s = v.asText();
        if (pattern != null && !pattern.matcher(s).matches()) {
            throw new Invalid(field + " does not match " + pattern.pattern());
        }
        return s;
    }

    private static List<String> strings(
            JsonNode o, String field, int maxItems, int maxLength, Pattern pattern) throws Invalid {
        JsonNode v = o.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return List.of();
        }
        if (!v.isArray() || v.size() > maxItems) {
            throw new Invalid(field + " must be a list of at most " + maxItems + " strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual() || item.asText().length() > maxLength) {
                throw new Invalid(
                        field + " must hold strings of at most " + maxLength + " characters");
            }
            if (pattern != null && !pattern.matcher(item.asText()).matches()) {
                throw new Invalid(
                        field + ": '" + item.asText() + "' does not match " + pattern.pattern());
            }
            out.add(item.asText());
        }
        return List.copyOf(out);
    }

    private static List<TrainingEnvVar> env(JsonNode o) throws Invalid {
        JsonNode v = o.path("env");
        if (v.isMissingNode() || v.isNull()) {
            return List.of();
        }
        if (!v.isArray() || v.size() > 64) {
            throw new Invalid("env must be a list of at most 64 variables");
        }
        List<TrainingEnvVar> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode e : v) {
            String name = text(e, "name", ENV_NAME, 256, true);
            if (name.startsWith("FEDNODE_")) {
                throw new Invalid("env " + name + ": names starting with FEDNODE_ are reserved");
            }
            if (!names.add(name)) {
                throw new Invalid("env " + name + " repeats");
            }
            JsonNode value = e.path("value");
            if (!value.isMissingNode()
                    && !value.isNull()
                    && (!value.isTextual() || value.asText().length() > 32768)) {
                throw new Invalid("env " + name + ": value must be a string of at most 32768");
            }
            out.add(new TrainingEnvVar(name, value.isTextual() ? value.asText() : ""));
        }
        return List.copyOf(out);
    }
}
