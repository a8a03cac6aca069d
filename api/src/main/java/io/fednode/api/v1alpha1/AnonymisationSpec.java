package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;

/** Defaults for the anonymisation Jobs of this node's Datasets. */
public class AnonymisationSpec {
    /** Annex E profile options applied by default (a Dataset may replace them). */
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

    /** Worker threads of one anonymisation Job. */
    @Min(1)
    @Max(64)
    private Integer parallelism;

    /** Anonymiser image; the operator's default for its own version when empty. */
    private String image;

    /** Resources of the anonymisation container. */
    private ResourceRequirements resources;

    public List<AnonymisationOption> getOptions() {
        return options;
    }

    public void setOptions(List<AnonymisationOption> options) {
        this.options = options;
    }

    public Integer getParallelism() {
        return parallelism;
    }

    public void setParallelism(Integer parallelism) {
        this.parallelism = parallelism;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }
}
