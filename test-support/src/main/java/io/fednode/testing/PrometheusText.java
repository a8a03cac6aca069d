package io.fednode.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A scrape in the Prometheus text exposition format (0.0.4), parsed into samples: enough for tests
 * to read the value of one series, independent of the code that wrote it. Comment lines are
 * skipped; label values may hold escaped quotes, backslashes and newlines.
 */
public final class PrometheusText {
    /** One sample line: metric name, labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    /** GETs {@code url} (expects 200) and parses the body. */
    public static PrometheusText scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode());
        }
        return parse(r.body());
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            samples.add(sample(line));
        }
        return new PrometheusText(samples);
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq).trim();
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("unquoted label value in: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split("\\s+");
        return new Sample(name, labels, parseValue(rest[0]));
    }

    private static double parseValue(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Every metric name in the scrape, sorted. */
    public TreeSet<String> names() {
        TreeSet<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /**
     * The value of the one sample of {@code name} whose labels include {@code labelPairs} (key,
     * value, key, value...); empty if none; an error if several match.
     */
    public Optional<Double> value(String name, String... labelPairs) {
        List<Sample> matching = matching(name, labelPairs);
        if (matching.size() > 1) {
            throw new IllegalArgumentException(
                    matching.size() + " samples of " + name + " match " + List.of(labelPairs));
        }
        return matching.stream().findFirst().map(Sample::value);
    }

    /** The sum of the samples of {@code name} whose labels include {@code labelPairs}. */
    public double sum(String name, String... labelPairs) {
        return matching(name, labelPairs).stream().mapToDouble(Sample::value).sum();
    }

    private List<Sample> matching(String name, String... labelPairs) {
        if (labelPairs.length % 2 != 0) {
            throw new IllegalArgumentException("label pairs come as key, value");
        }
        return samples.stream()
                .filter(s -> s.name().equals(name))
                .filter(
                        s -> {
                            for (int k = 0; k < labelPairs.length; k += 2) {
                                if (!labelPairs[k + 1].equals(s.labels().get(labelPairs[k]))) {
                                    return false;
                                }
                            }
                            return true;
                        })
                .toList();
    }
}
