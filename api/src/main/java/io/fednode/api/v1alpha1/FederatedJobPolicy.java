package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Which federated jobs, offered by the hub, this node runs. Every offer is checked against this
 * policy and against {@code spec.compute} (image allow-list, digest rule, GPU ceiling, aggregator
 * egress) before anything runs; a refused offer is reported to the hub with its reason.
 */
public class FederatedJobPolicy {
    /** Annotation (on the FederationNode) listing uids of offers the hospital approves. */
    public static final String APPROVE_ANNOTATION = "fednode.io/approve-jobs";

    /** Annotation (on the FederationNode) listing uids of offers the hospital refuses. */
    public static final String REFUSE_ANNOTATION = "fednode.io/refuse-jobs";

    /**
     * Automatic, Manual (each offer waits for the annotation {@value #APPROVE_ANNOTATION}) or Never
     * (the default: every offer is refused).
     */
    @Default("Never")
    private FederatedJobAcceptance accept = FederatedJobAcceptance.Never;

    /** Submitters (hub user names) whose jobs may run here; empty admits any submitter. */
    @Size(max = 100)
    private List<@Size(min = 1, max = 253) String> allowedSubmitters;

    /** Job types that may run here, Train and/or Evaluate; empty or absent admits both. */
    @Size(max = 2)
    @ValidationRule(
            value = "self.all(t, self.exists_one(u, u == t))",
            message = "allowedTypes must not repeat")
    private List<@Size(max = 8) @Pattern("^(Train|Evaluate)$") String> allowedTypes;

    /**
     * Most GPUs a federated job may use here; at most {@code compute.maxGpusPerRun}, which also
     * applies when this is not set.
     */
    @Min(0)
    @Max(64)
    private Integer maxGpus;

    /**
     * Longest a federated job may run here (e.g. 2h); at most {@code compute.maxRuntime}, which
     * also applies when this is not set.
     */
    @Size(max = 32)
    @Pattern("^([0-9]+(\\.[0-9]+)?(h|m|s))+$")
    @ValidationRule(
            value = "duration(self) > duration('0s')",
            message = "maxRuntime must be a positive duration")
    private String maxRuntime;

    /** Datasets (of this node) federated jobs may read; empty or absent: all Ready datasets. */
    @Size(max = 100)
    private List<@Size(min = 1, max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String>
            allowedDatasets;

    public FederatedJobAcceptance getAccept() {
        return accept;
    }

    public void setAccept(FederatedJobAcceptance accept) {
        this.accept = accept;
    }

    public List<String> getAllowedSubmitters() {
        return allowedSubmitters;
    }

    public void setAllowedSubmitters(List<String> allowedSubmitters) {
        this.allowedSubmitters = allowedSubmitters;
    }

    public List<String> getAllowedTypes() {
        return allowedTypes;
    }

    public void setAllowedTypes(List<String> allowedTypes) {
        this.allowedTypes = allowedTypes;
    }

    public Integer getMaxGpus() {
        return maxGpus;
    }

    public void setMaxGpus(Integer maxGpus) {
        this.maxGpus = maxGpus;
    }

    public String getMaxRuntime() {
        return maxRuntime;
    }

    public void setMaxRuntime(String maxRuntime) {
        this.maxRuntime = maxRuntime;
    }

    public List<String> getAllowedDatasets() {
        return allowedDatasets;
    }

    public void setAllowedDatasets(List<String> allowedDatasets) {
        this.allowedDatasets = allowedDatasets;
    }
}
