package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * An environment variable of the training container. Only literal values: references to Secrets or
 * ConfigMaps would let a run read what the node keeps (such as its pseudonymisation key).
 */
public class TrainingEnvVar {
    /** Variable name; names starting with FEDNODE_ are set by the operator. */
    @Required
    @Size(min = 1, max = 256)
    @Pattern("^[-._a-zA-Z][-._a-zA-Z0-9]*$")
    private String name;

    /** Literal value. */
    @Size(max = 32768)
    private String value;

    public TrainingEnvVar() {}

    public TrainingEnvVar(String name, String value) {
        this.name = name;
        this.value = value;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }
}
