package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Required;
import io.fednode.api.common.SecretKeyRef;

/** Where a component's secret Helm values come from. */
public class ComponentValuesSource {
    /** A key of a Secret in the node's namespace holding a YAML mapping of Helm values. */
    @Required private SecretKeyRef secretRef;

    public ComponentValuesSource() {}

    public ComponentValuesSource(SecretKeyRef secretRef) {
        this.secretRef = secretRef;
    }

    public SecretKeyRef getSecretRef() {
        return secretRef;
    }

    public void setSecretRef(SecretKeyRef secretRef) {
        this.secretRef = secretRef;
    }
}
