package io.fednode.e2e.alerts;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects. Enough PromQL for fednode's rules and panels:
 * string literals, label matchers {@code {...}}, ranges {@code [...]}, grouping clauses ({@code by
 * (...)}, {@code on (...)}, …) and Grafana variables are removed; what remains that is an
 * identifier, not a function call, keyword or number, is a metric name.
 */
public final class PromQlNames {
    private static final Pattern STRING =
            Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS =
            Set.of(
                    "and",
                    "or",
                    "unless",
                    "bool",
                    "offset",
                    "by",
                    "without",
                    "on",
                    "ignoring",
                    "group_left",
                    "group_right",
                    "inf",
                    "nan",
                    "Inf",
                    "NaN");

    private PromQlNames() {}

    public static Set<String> metricNames(String expr) {
        String s = STRING.matcher(expr).replaceAll("\"\"");
        s = s.replaceAll("\\{[^}]*\\}", " ");
        s = s.replaceAll("\\[[^\\]]*\\]", " ");
        s = s.replaceAll("\\$\\{?\\w+\\}?", " ");
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String word = m.group();
            if (KEYWORDS.contains(word)) {
                continue;
            }
            int after = m.end();
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
                after++;
            }
            if (after < s.length() && s.charAt(after) == '(') {
                continue; // a function or aggregation
            }
            if (m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1))) {
                continue; // the unit of a number like 5m or the exponent of 1e3
            }
            names.add(word);
        }
        return names;
    }
}
