package io.fednode.api.common;

import java.util.Map;

/**
 * The log format of the operator and the hub, from {@code FEDNODE_LOG_FORMAT}: {@code text} (the
 * default, one human-readable line an event) or {@code json} (one JSON object a line). The choice
 * itself is made by each jar's {@code logback.xml}, which picks the appender of that name; this
 * class only refuses, at start, a value logback would answer by logging nothing at all.
 */
public final class LogFormat {
    public static final String VARIABLE = "FEDNODE_LOG_FORMAT";
    public static final String TEXT = "text";
    public static final String JSON = "json";

    private LogFormat() {}

    /**
     * The format the environment asks for; {@code text} when the variable is unset.
     *
     * @throws IllegalArgumentException if it is set to anything but {@code text} or {@code json}
     */
    public static String from(Map<String, String> env) {
        String value = env.get(VARIABLE);
        if (value == null || value.equals(TEXT) || value.equals(JSON)) {
            return value == null ? TEXT : value;
        }
        throw new IllegalArgumentException(
                VARIABLE + " must be " + TEXT + " or " + JSON + ", got '" + value + "'");
    }
}
