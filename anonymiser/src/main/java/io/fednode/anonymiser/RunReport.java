package io.fednode.anonymiser;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.SortedMap;

/**
 * Summary of a run. Serialised as one small JSON object (a few hundred bytes), so it also fits a
 * Kubernetes container termination message (4096 bytes).
 */
@JsonPropertyOrder({
    "filesSeen",
    "filesWritten",
    "filesQuarantined",
    "bytesIn",
    "bytesOut",
    "quarantineReasons",
    "options",
    "table",
    "seconds"
})
public record RunReport(
        long filesSeen,
        long filesWritten,
        long filesQuarantined,
        long bytesIn,
        long bytesOut,
        SortedMap<String, Long> quarantineReasons,
        List<String> options,
        String table,
        double seconds) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static RunReport fromJson(String json) throws JsonProcessingException {
        return JSON.readValue(json, RunReport.class);
    }

    /** The one-line summary printed on stdout. */
    public String summaryLine() {
        return String.format(
                java.util.Locale.ROOT,
                "seen=%d written=%d quarantined=%d bytesIn=%d bytesOut=%d seconds=%.1f",
                filesSeen,
                filesWritten,
                filesQuarantined,
                bytesIn,
                bytesOut,
                seconds);
    }
}
