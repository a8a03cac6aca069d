package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Desired state of a TrainingRun. Immutable: a run is one bounded execution whose Job is never
 * changed while it runs, so a different run is a new TrainingRun.
 */
@ValidationRule(
        value = "self == oldSelf",
        message = "spec is immutable: delete the TrainingRun and create a new one")
public class TrainingRunSpec {
    /** Name of the FederationNode (same namespace) whose policy, GPUs and data the run uses. */
    @Required
    @Size(min = 1, max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    private String nodeRef;

    /**
     * Container image; must lie inside one of the node's {@code compute.allowedImages} and, when
     * the node sets {@code requireDigest}, be pinned with {@code @sha256:<64 hex>}.
     */
    @Required
    @Size(min = 1, max = 512)
    @Pattern("^[A-Za-z0-9][A-Za-z0-9._:/@-]*$")
    @ValidationRule(
            value = "!self.contains('@') || self.matches('^[^@]+@sha256:[a-f0-9]{64}$')",
            message = "image digest must be @sha256: followed by 64 lowercase hex characters")
    private String image;

    /** Entrypoint; the image's when empty. */
    @Size(max = 64)
    private List<@Size(max = 4096) String> command;

    /** Arguments to the entrypoint. */
    @Size(max = 256)
    private List<@Size(max = 4096) String> args;

    /** Literal environment variables. */
    @Size(max = 64)
    @ValidationRule(
            value = "self.all(e, self.exists_one(f, f.name == e.name))",
            message = "env names must not repeat")
    @ValidationRule(
            value = "!self.exists(e, e.name.startsWith('FEDNODE_'))",
            message = "env names starting with FEDNODE_ are reserved for the operator")
    private List<TrainingEnvVar> env;

    /** GPUs for the run, 0 (CPU only) to 64; at most the node's {@code compute.maxGpusPerRun}. */
    @Min(0)
    @Max(64)
    @Default("0")
    private Integer gpus = 0;

    /** Datasets (same namespace, same node) mounted read-only under /data/<name>. */
    @Size(max = 16)
    @ValidationRule(
            value = "self.all(d, self.exists_one(e, e == d))",
            message = "datasets must not repeat")
    private List<@Size(min = 1, max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String>
            datasets;

    /** The aggregator: the only egress the run gets besides DNS. None means DNS only. */
    private AggregatorSpec aggregator;

    /**
     * Longest the run may take, a duration such as 12h or 90m; capped by (and defaulting to) the
     * node's {@code compute.maxRuntime}.
     */
    @Size(max = 32)
    @Pattern("^([0-9]+(\\.[0-9]+)?(h|m|s))+$")
    @ValidationRule(
            value = "duration(self) >= duration('1s')",
            message = "maxRuntime must be at least 1s")
    private String maxRuntime;

    /**
     * CPU, memory and ephemeral-storage of the training container; the node's {@code
     * compute.defaultResources} fill what is not set. GPUs come from {@code gpus} only.
     */
    private TrainingResources resources;

    /**
     * Numeric user the training container runs as, whatever user the image names (a root-default
     * image runs too); 65532 when not set. Never 0: training Pods run as non-root.
     */
    @Min(1)
    @Max(2147483647)
    private Long runAsUser;

    /** Numeric primary group of the training container; 65532 when not set. Never 0. */
    @Min(1)
    @Max(2147483647)
    private Long runAsGroup;

    public String getNodeRef() {
        return nodeRef;
    }

    public void setNodeRef(String nodeRef) {
        this.nodeRef = nodeRef;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public List<String> getCommand() {
        return command;
    }

    public void setCommand(List<String> command) {
        this.command = command;
    }

    public List<String> getArgs() {
        return args;
    }

    public void setArgs(List<String> args) {
        this.args = args;
    }

    public List<TrainingEnvVar> getEnv() {
        return env;
    }

    public void setEnv(List<TrainingEnvVar> env) {
        this.env = env;
    }

    public Integer getGpus() {
        return gpus;
    }

    public void setGpus(Integer gpus) {
        this.gpus = gpus;
    }

    public List<String> getDatasets() {
        return datasets;
    }

    public void setDatasets(List<String> datasets) {
        this.datasets = datasets;
    }

    public AggregatorSpec getAggregator() {
        return aggregator;
    }

    public void setAggregator(AggregatorSpec aggregator) {
        this.aggregator = aggregator;
    }

    public String getMaxRuntime() {
        return maxRuntime;
    }

    public void setMaxRuntime(String maxRuntime) {
        this.maxRuntime = maxRuntime;
    }

    public TrainingResources getResources() {
        return resources;
    }

    public void setResources(TrainingResources resources) {
        this.resources = resources;
    }

    public Long getRunAsUser() {
        return runAsUser;
    }

    public void setRunAsUser(Long runAsUser) {
        this.runAsUser = runAsUser;
    }

    public Long getRunAsGroup() {
        return runAsGroup;
    }

    public void setRunAsGroup(Long runAsGroup) {
        this.runAsGroup = runAsGroup;
    }
}
