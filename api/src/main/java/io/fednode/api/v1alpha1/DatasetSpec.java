package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Desired state of a Dataset: which raw files, anonymised how. */
public class DatasetSpec {
    /** Name of the FederationNode (same namespace) whose volumes and key the dataset uses. */
    @Required
    @Size(min = 1, max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    private String nodeRef;

    /** Where the raw DICOM files are. */
    @Required private DatasetSource source;

    /**
     * Annex E profile options; when set, they replace the node's {@code
     * spec.anonymisation.options}. An empty list means the basic profile with no options.
     */
    @Size(max = 10)
    @ValidationRule(
            value =
                    "!(self.exists(o, o == 'retain-longitudinal-full-dates')"
                            + " && self.exists(o, o == 'retain-longitudinal-modified-dates'))",
            message =
                    "retain-longitudinal-full-dates and retain-longitudinal-modified-dates are"
                            + " mutually exclusive")
    @ValidationRule(
            value = "self.all(o, self.exists_one(p, p == o))",
            message = "options must not repeat")
    private List<AnonymisationOption> options;

    /**
     * Longest time, in seconds, the anonymiser Job of a revision may run, counted from the Job's
     * start (retries and their back-off included); the Job controller then stops it and the Dataset
     * becomes Failed with reason DeadlineExceeded. Not an input of the revision: a new value
     * applies to the next revision's Job (a running Job is never changed). Default 24 hours.
     */
    @Default("86400")
    @Min(60)
    @Max(2592000)
    private Long activeDeadlineSeconds;

    /** Free text for people; never written into images. */
    @Size(max = 1024)
    private String description;

    public String getNodeRef() {
        return nodeRef;
    }

    public void setNodeRef(String nodeRef) {
        this.nodeRef = nodeRef;
    }

    public DatasetSource getSource() {
        return source;
    }

    public void setSource(DatasetSource source) {
        this.source = source;
    }

    public List<AnonymisationOption> getOptions() {
        return options;
    }

    public void setOptions(List<AnonymisationOption> options) {
        this.options = options;
    }

    public Long getActiveDeadlineSeconds() {
        return activeDeadlineSeconds;
    }

    public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
        this.activeDeadlineSeconds = activeDeadlineSeconds;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }
}
