package io.fednode.hub.heartbeat;

import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.hub.http.ApiException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a node reports in a heartbeat: metadata only, never images or patient data. {@link
 * #validate()} is the schema; anything outside it is refused with 400.
 */
public record HeartbeatReport(
        String nodeId,
        String version,
        NodeRole role,
        Integer intervalSeconds,
        List<NodeCondition> conditions,
        Gpus gpus,
        List<Dataset> datasets) {

    static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
    static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$");
    static final Pattern VERSION = Pattern.compile("^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$");
    static final Pattern WORD = Pattern.compile("^[A-Za-z][A-Za-z0-9]{0,63}$");

    public static final int MAX_CONDITIONS = 16;
    public static final int MAX_DATASETS = 100;

    public record NodeCondition(String type, String status, String reason, String message) {}

    public record Gpus(Integer capacity, Integer allocated) {}

    public record Dataset(String name, Long files, Long bytes, Boolean ready) {}

    public HeartbeatReport validate() {
        if (nodeId != null && !DNS_LABEL.matcher(nodeId).matches()) {
            throw ApiException.badRequest("nodeId must be a DNS label");
        }
        require(version != null && VERSION.matcher(version).matches(), "version is required");
        require(role != null, "role is required (data, compute or hybrid)");
        require(
                intervalSeconds != null && intervalSeconds >= 1 && intervalSeconds <= 600,
                "intervalSeconds must be between 1 and 600");
        if (conditions != null) {
            require(conditions.size() <= MAX_CONDITIONS, "at most 16 conditions");
            for (NodeCondition c : conditions) {
                require(
                        c != null && c.type() != null && WORD.matcher(c.type()).matches(),
                        "condition type must be a word");
                require(
                        "True".equals(c.status())
                                || "False".equals(c.status())
                                || "Unknown".equals(c.status()),
                        "condition status must be True, False or Unknown");
                require(
                        c.reason() == null || WORD.matcher(c.reason()).matches(),
                        "condition reason must be a CamelCase word");
                require(
                        c.message() == null || c.message().length() <= 512,
                        "condition message longer than 512 characters");
            }
        }
        if (gpus != null) {
            require(
                    gpus.capacity() != null && gpus.capacity() >= 0 && gpus.capacity() <= 100_000,
                    "gpus.capacity must be between 0 and 100000");
            require(
                    gpus.allocated() != null
                            && gpus.allocated() >= 0
                            && gpus.allocated() <= gpus.capacity(),
                    "gpus.allocated must be between 0 and gpus.capacity");
        }
        if (datasets != null) {
            require(datasets.size() <= MAX_DATASETS, "at most 100 datasets");
            for (Dataset d : datasets) {
                require(
                        d != null && d.name() != null && DNS_SUBDOMAIN.matcher(d.name()).matches(),
                        "dataset name must be a DNS subdomain");
                require(d.files() == null || d.files() >= 0, "dataset files must be >= 0");
                require(d.bytes() == null || d.bytes() >= 0, "dataset bytes must be >= 0");
            }
        }
        return this;
    }

    /** The node's own Ready condition, if it reported one. */
    public NodeCondition ready() {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> "Ready".equals(c.type())).findFirst().orElse(null);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw ApiException.badRequest(message);
        }
    }
}
