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
 * One job submitted at the hub and offered to many nodes, each of which decides under its own
 * policy and, if it accepts, runs it as an ordinary TrainingRun. Immutable: nodes run exactly the
 * generation they accepted.
 */
@ValidationRule(value = "self == oldSelf", message = "spec is immutable: create a new FederatedJob")
@ValidationRule(
        value = "self.type != 'Train' || has(self.aggregator)",
        message = "aggregator is required for a Train job")
public class FederatedJobSpec {
    /** Train or Evaluate. */
    @Required private JobType type;

    /**
     * Who submitted the job, as nodes see it (their allowedSubmitters policy). The hub chart's
     * admission policy makes it equal to the creating user's name.
     */
    @Required
    @Size(min = 1, max = 253)
    private String submitter;

    /** Trainer image, pinned by digest: every node runs the same bytes. */
    @Required
    @Size(min = 1, max = 512)
    @Pattern("^[^@]+@sha256:[a-f0-9]{64}$")
    private String image;

    /** Entrypoint; the image's when empty. */
    @Size(max = 64)
    private List<@Size(max = 4096) String> command;

    /** Arguments to the entrypoint. */
    @Size(max = 256)
    private List<@Size(max = 4096) String> args;

    /** Literal environment variables (no secrets: every node sees them). */
    @Size(max = 64)
    @ValidationRule(
            value = "self.all(e, self.exists_one(f, f.name == e.name))",
            message = "env names must not repeat")
    @ValidationRule(
            value = "!self.exists(e, e.name.startsWith('FEDNODE_'))",
            message = "env names starting with FEDNODE_ are reserved for the operator")
    private List<TrainingEnvVar> env;

    /** GPUs per node, 0 (CPU only) to 64. */
    @Min(0)
    @Max(64)
    @Default("0")
    private Integer gpus = 0;

    /** Longest a node's run may take, e.g. 1h or 90m. */
    @Size(max = 32)
    @Pattern("^([0-9]+(\\.[0-9]+)?(h|m|s))+$")
    @ValidationRule(
            value = "duration(self) >= duration('1s')",
            message = "maxRuntime must be at least 1s")
    @Default("1h")
    private String maxRuntime = "1h";

    /**
     * Datasets (by name) each node must report Ready; mounted read-only under /data/<name>. Only
     * nodes that have all of them are offered the job.
     */
    @Size(max = 16)
    @ValidationRule(
            value = "self.all(d, self.exists_one(e, e == d))",
            message = "datasets must not repeat")
    private List<@Size(min = 1, max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String>
            datasets;

    /** Which nodes the job is offered to. */
    private FederatedJobPlacement placement;

    /**
     * The aggregator the nodes' runs talk to (their only egress); run by the researcher. Required
     * for Train.
     */
    private AggregatorSpec aggregator;

    /** How long an offered node has to accept before it counts as refused. */
    @Size(max = 32)
    @Pattern("^([0-9]+(\\.[0-9]+)?(h|m|s))+$")
    @ValidationRule(
            value = "duration(self) >= duration('1s')",
            message = "acceptDeadline must be at least 1s")
    @Default("1h")
    private String acceptDeadline = "1h";

    /** Limits on what nodes may report back. */
    private FederatedJobResultLimits results;

    public JobType getType() {
        return type;
    }

    public void setType(JobType type) {
        this.type = type;
    }

    public String getSubmitter() {
        return submitter;
    }

    public void setSubmitter(String submitter) {
        this.submitter = submitter;
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

    public String getMaxRuntime() {
        return maxRuntime;
    }

    public void setMaxRuntime(String maxRuntime) {
        this.maxRuntime = maxRuntime;
    }

    public List<String> getDatasets() {
        return datasets;
    }

    public void setDatasets(List<String> datasets) {
        this.datasets = datasets;
    }

    public FederatedJobPlacement getPlacement() {
        return placement;
    }

    public void setPlacement(FederatedJobPlacement placement) {
        this.placement = placement;
    }

    public AggregatorSpec getAggregator() {
        return aggregator;
    }

    public void setAggregator(AggregatorSpec aggregator) {
        this.aggregator = aggregator;
    }

    public String getAcceptDeadline() {
        return acceptDeadline;
    }

    public void setAcceptDeadline(String acceptDeadline) {
        this.acceptDeadline = acceptDeadline;
    }

    public FederatedJobResultLimits getResults() {
        return results;
    }

    public void setResults(FederatedJobResultLimits results) {
        this.results = results;
    }
}
