package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One of the node's volumes, provisioned as a PersistentVolumeClaim. */
public class VolumeSpec {
    /** Requested size, a Kubernetes quantity such as 500Gi. Can grow; never shrinks. */
    @Required
    @Size(max = 64)
    @ValidationRule(
            value = "isQuantity(self) && quantity(self).isGreaterThan(quantity('0'))",
            message = "size must be a positive Kubernetes quantity such as 500Gi")
    private String size;

    /** StorageClass of the claim; the cluster default when empty. */
    private String storageClassName;

    /** Access modes of the claim; ReadWriteOnce when empty. */
    @Size(max = 4)
    private List<AccessMode> accessModes;

    public VolumeSpec() {}

    public VolumeSpec(String size) {
        this.size = size;
    }

    public enum AccessMode {
        ReadWriteOnce,
        ReadOnlyMany,
        ReadWriteMany,
        ReadWriteOncePod
    }

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }

    public List<AccessMode> getAccessModes() {
        return accessModes;
    }

    public void setAccessModes(List<AccessMode> accessModes) {
        this.accessModes = accessModes;
    }
}
