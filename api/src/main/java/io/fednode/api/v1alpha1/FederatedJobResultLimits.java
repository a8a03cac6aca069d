package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** What a node may send back: results are numbers, never data. */
public class FederatedJobResultLimits {
    /** Largest results document (JSON bytes) a node may report, 64 to 4096. */
    @Min(64)
    @Max(4096)
    @Default("4096")
    private Integer maxBytes = 4096;

    /** Metric names a node may report; empty allows any well-formed name. */
    @Size(max = 64)
    private List<@Size(min = 1, max = 64) @Pattern("^[A-Za-z][A-Za-z0-9_.-]{0,63}$") String>
            allowedMetrics;

    public Integer getMaxBytes() {
        return maxBytes;
    }

    public void setMaxBytes(Integer maxBytes) {
        this.maxBytes = maxBytes;
    }

    public List<String> getAllowedMetrics() {
        return allowedMetrics;
    }

    public void setAllowedMetrics(List<String> allowedMetrics) {
        this.allowedMetrics = allowedMetrics;
    }
}
