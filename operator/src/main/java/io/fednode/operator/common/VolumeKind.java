package io.fednode.operator.common;

import io.fednode.api.v1alpha1.FederationNodeSpec;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.StorageSpec;
import io.fednode.api.v1alpha1.VolumeSpec;
import java.util.function.Function;

/** The volumes a node can declare under {@code spec.storage}. */
public enum VolumeKind {
    RAW("raw", StorageSpec::getRaw),
    ANONYMISED("anonymised", StorageSpec::getAnonymised),
    SCRATCH("scratch", StorageSpec::getScratch);

    private final String key;
    private final Function<StorageSpec, VolumeSpec> accessor;

    VolumeKind(String key, Function<StorageSpec, VolumeSpec> accessor) {
        this.key = key;
        this.accessor = accessor;
    }

    /** The field name under {@code spec.storage} and the suffix of the claim's name. */
    public String key() {
        return key;
    }

    /** The path users see in messages, e.g. {@code spec.storage.raw}. */
    public String fieldPath() {
        return "spec.storage." + key;
    }

    /** The declared volume, or null when the spec does not declare it or the role forbids it. */
    public VolumeSpec declaredIn(FederationNodeSpec spec) {
        if (spec.getStorage() == null) {
            return null;
        }
        if (this == RAW && spec.getRole() == NodeRole.COMPUTE) {
            return null; // compute nodes hold no identifiable images
        }
        return accessor.apply(spec.getStorage());
    }

    public String claimName(String nodeName) {
        return nodeName + "-" + key;
    }
}
