package io.fednode.e2e.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Looks for secret material in the logs of product processes: the values the test knows (a join
 * token, a key, a ServiceAccount token, an input path), and what no log line may hold whatever its
 * value (a PEM block, a private key's marker, a bearer token, a JSON Web Token).
 *
 * <p>Each line is examined as written and, when it is a JSON object (the {@code json} log format),
 * also through every string in it, decoded: logback's JSON encoder writes {@code /} as {@code \/},
 * so {@code imports/a/b} is in a JSON line as {@code imports\/a\/b} and a scan of the raw bytes
 * alone would miss it.
 *
 * <p>A finding names the file, the line and what was found, never the value: the report of a failed
 * test must not leak what the test was protecting.
 */
final class LogSecretScan {
    /** Shorter values would match unrelated text by chance. */
    static final int MIN_SECRET_LENGTH = 8;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Pattern> NEVER =
            new java.util.TreeMap<>(
                    Map.of(
                            "a private key's PEM marker", Pattern.compile("PRIVATE KEY"),
                            "a PEM block", Pattern.compile("-----BEGIN [A-Z0-9 ]+-----"),
                            "a bearer token",
                                    Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/-]{8,}"),
                            "a JSON Web Token",
                                    Pattern.compile(
                                            "eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.")));

    record Finding(Path file, int line, String what) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + what;
        }
    }

    private final List<Map.Entry<String, String>> secrets = new ArrayList<>();

    /** A value that must appear in no line; {@code what} names it in a finding. */
    LogSecretScan secret(String what, String value) {
        if (value == null || value.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(
                    what
                            + ": a value to scan for must have at least "
                            + MIN_SECRET_LENGTH
                            + " characters, got "
                            + (value == null ? "none" : value.length()));
        }
        secrets.add(Map.entry(what, value));
        return this;
    }

    /**
     * A PEM block (a private key) by its base64 lines: each line of the body at least {@value
     * #MIN_SECRET_LENGTH} long, and the whole body on one line, so that a part of the key logged
     * without its markers is found too.
     */
    LogSecretScan pem(String what, String pem) {
        List<String> body = pem.lines().filter(l -> !l.startsWith("-----")).toList();
        if (body.isEmpty()) {
            throw new IllegalArgumentException(what + ": not a PEM block");
        }
        secret(what, String.join("", body));
        body.stream().filter(l -> l.length() >= MIN_SECRET_LENGTH).forEach(l -> secret(what, l));
        return this;
    }

    /** Every finding in these files, in order. */
    List<Finding> scan(List<Path> files) {
        List<Finding> findings = new ArrayList<>();
        for (Path file : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < lines.size(); i++) {
                for (String what : findingsIn(lines.get(i))) {
                    findings.add(new Finding(file, i + 1, what));
                }
            }
        }
        return findings;
    }

    private List<String> findingsIn(String line) {
        List<String> texts = new ArrayList<>();
        texts.add(line);
        JsonNode json = parse(line);
        if (json != null) {
            strings(json, texts);
        }
        List<String> found = new ArrayList<>();
        for (var secret : secrets) {
            if (!found.contains(secret.getKey())
                    && texts.stream().anyMatch(t -> t.contains(secret.getValue()))) {
                found.add(secret.getKey());
            }
        }
        for (var pattern : NEVER.entrySet()) {
            if (texts.stream().anyMatch(t -> pattern.getValue().matcher(t).find())) {
                found.add(pattern.getKey());
            }
        }
        return found;
    }

    /** The line as a JSON object, or null if it is not one. */
    static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void strings(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isContainerNode()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var field = it.next();
                out.add(field.getKey());
                strings(field.getValue(), out);
            }
            if (node.isArray()) {
                node.forEach(element -> strings(element, out));
            }
        }
    }
}
