package io.fednode.operator.dataset;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The anonymiser's JSON report ({@code --report}), as the operator reads it from the container's
 * termination message. Only the fields the Dataset status shows are read; others are ignored, so
 * the anonymiser may add fields without breaking the operator. {@code AnonymiserContractIT} runs
 * the real anonymiser to keep the two in step.
 */
public record AnonymiserReport(
        long filesSeen,
        long filesWritten,
        long filesQuarantined,
        long bytesIn,
        long bytesOut,
        Map<String, Long> quarantineReasons) {

    /**
     * The anonymiser's quarantine reasons are names such as {@code not-dicom}; a report key of any
     * other form is rejected rather than copied into the status.
     */
    static final Pattern REASON_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    /** Longest reason name (a label value's length). */
    static final int MAX_REASON_NAME = 63;

    /** Most distinct quarantine reasons kept in the status (the anonymiser has about 15). */
    static final int MAX_REASONS = 64;

    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A termination message that is not a usable report; the message says what is wrong. */
    public static final class UnreadableReportException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableReportException(String message) {
            super(message);
        }
    }

    /** Parses a termination message holding the report (surrounding whitespace is ignored). */
    public static AnonymiserReport parse(String terminationMessage)
            throws UnreadableReportException {
        if (terminationMessage == null || terminationMessage.isBlank()) {
            throw new UnreadableReportException("the termination message is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(terminationMessage.strip());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Not Jackson's message: it quotes the text, which may be a log tail naming files.
            var at = e.getLocation();
            throw new UnreadableReportException(
                    "the termination message is not a JSON report"
                            + (at == null
                                    ? ""
                                    : " (line "
                                            + at.getLineNr()
                                            + ", column "
                                            + at.getColumnNr()
                                            + ")"));
        }
        if (root == null || !root.isObject()) {
            throw new UnreadableReportException("the termination message is not a JSON object");
        }
        long seen = count(root, "filesSeen");
        long written = count(root, "filesWritten");
        long quarantined = count(root, "filesQuarantined");
        long bytesIn = count(root, "bytesIn");
        long bytesOut = count(root, "bytesOut");
        if (seen != written + quarantined) {
            throw new UnreadableReportException(
                    "the report's counts do not add up: filesSeen "
                            + seen
                            + " != filesWritten "
                            + written
                            + " + filesQuarantined "
                            + quarantined);
        }
        Map<String, Long> reasons = new TreeMap<>();
        JsonNode r = root.path("quarantineReasons");
        if (!r.isMissingNode() && !r.isNull()) {
            if (!r.isObject()) {
                throw new UnreadableReportException("quarantineReasons is not an object");
            }
            if (r.size() > MAX_REASONS) {
                throw new UnreadableReportException(
                        "quarantineReasons has more than " + MAX_REASONS + " reasons");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().length() > MAX_REASON_NAME
                        || !REASON_NAME.matcher(e.getKey()).matches()) {
                    // Not echoed: whatever it is, it is not a reason name and may be a file name.
                    throw new UnreadableReportException(
                            "quarantineReasons has a key that is not a reason name (lower-case"
                                    + " words joined by '-', at most 63 characters)");
                }
                if (!e.getValue().canConvertToLong() || e.getValue().asLong() < 0) {
                    throw new UnreadableReportException(
                            "quarantineReasons." + e.getKey() + " is not a count");
                }
                reasons.put(e.getKey(), e.getValue().asLong());
            }
        }
        return new AnonymiserReport(seen, written, quarantined, bytesIn, bytesOut, reasons);
    }

    private static long count(JsonNode root, String field) throws UnreadableReportException {
        JsonNode n = root.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new UnreadableReportException("the report has no count " + field);
        }
        return n.asLong();
    }
}
