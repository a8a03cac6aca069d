package io.fednode.operator.component;

import io.fednode.api.common.GoDuration;
import java.time.Duration;
import java.util.Map;

/**
 * How the operator installs components.
 *
 * @param timeout how long an install or upgrade waits for the release's resources to be ready
 *     before Helm undoes it ({@code FEDNODE_COMPONENTS_TIMEOUT}, default 5m)
 * @param allowLoopbackRepository whether a chart repository on 127.0.0.1 is accepted ({@code
 *     FEDNODE_COMPONENTS_ALLOW_LOOPBACK_REPOSITORY}; tests only, the chart never sets it)
 */
public record ComponentSettings(Duration timeout, boolean allowLoopbackRepository) {
    public static ComponentSettings defaults() {
        return new ComponentSettings(Duration.ofMinutes(5), false);
    }

    public static ComponentSettings from(Map<String, String> env) {
        return new ComponentSettings(
                GoDuration.parse(env.getOrDefault("FEDNODE_COMPONENTS_TIMEOUT", "5m")),
                Boolean.parseBoolean(
                        env.getOrDefault("FEDNODE_COMPONENTS_ALLOW_LOOPBACK_REPOSITORY", "false")));
    }
}
