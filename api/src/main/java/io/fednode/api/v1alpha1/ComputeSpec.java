package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** The node's policy for training workloads. */
public class ComputeSpec {
    /** Extended resource name GPUs are requested under. */
    @Default("nvidia.com/gpu")
    @Pattern("^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
    private String gpuResourceName = "nvidia.com/gpu";

    /** Most GPUs one TrainingRun may use. */
    @Min(1)
    @Max(64)
    @Default("1")
    private Integer maxGpusPerRun = 1;

    /** Most TrainingRuns running at once on this node; the rest queue. */
    @Min(1)
    @Max(100)
    @Default("1")
    private Integer maxConcurrentRuns = 1;

    /** RuntimeClass of training pods (e.g. nvidia). */
    private String runtimeClassName;

    /** Node selector of training pods. */
    private Map<String, String> nodeSelector;

    /** Tolerations of training pods. */
    private List<Toleration> tolerations;

    /**
     * Registries ({@code registry.example.org}), repository paths ({@code registry.example.org/fl})
     * or exact references a training image must lie inside, matched path component by path
     * component ({@code registry.example.org} does not admit {@code
     * registry.example.org.evil.com}).
     */
    @Size(max = 100)
    private List<@Size(min = 1, max = 255) String> allowedImages;

    /** When true, training images must be pinned by an @sha256 digest. */
    @Default("false")
    private Boolean requireDigest = false;

    /** Longest a TrainingRun may run, as a duration such as 24h or 90m. */
    @Default("24h")
    @Size(max = 32)
    @Pattern("^([0-9]+(\\.[0-9]+)?(h|m|s))+$")
    @ValidationRule(
            value = "duration(self) > duration('0s')",
            message = "maxRuntime must be a positive duration")
    private String maxRuntime = "24h";

    /** Default resources of training containers. */
    private ResourceRequirements defaultResources;

    public String getGpuResourceName() {
        return gpuResourceName;
    }

    public void setGpuResourceName(String gpuResourceName) {
        this.gpuResourceName = gpuResourceName;
    }

    public Integer getMaxGpusPerRun() {
        return maxGpusPerRun;
    }

    public void setMaxGpusPerRun(Integer maxGpusPerRun) {
        this.maxGpusPerRun = maxGpusPerRun;
    }

    public Integer getMaxConcurrentRuns() {
        return maxConcurrentRuns;
    }

    public void setMaxConcurrentRuns(Integer maxConcurrentRuns) {
        this.maxConcurrentRuns = maxConcurrentRuns;
    }

    public String getRuntimeClassName() {
        return runtimeClassName;
    }

    public void setRuntimeClassName(String runtimeClassName) {
        this.runtimeClassName = runtimeClassName;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public List<String> getAllowedImages() {
        return allowedImages;
    }

    public void setAllowedImages(List<String> allowedImages) {
        this.allowedImages = allowedImages;
    }

    public Boolean getRequireDigest() {
        return requireDigest;
    }

    public void setRequireDigest(Boolean requireDigest) {
        this.requireDigest = requireDigest;
    }

    public String getMaxRuntime() {
        return maxRuntime;
    }

    public void setMaxRuntime(String maxRuntime) {
        this.maxRuntime = maxRuntime;
    }

    public ResourceRequirements getDefaultResources() {
        return defaultResources;
    }

    public void setDefaultResources(ResourceRequirements defaultResources) {
        this.defaultResources = defaultResources;
    }
}
