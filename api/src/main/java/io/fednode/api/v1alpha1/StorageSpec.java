package io.fednode.api.v1alpha1;

/** The node's volumes. */
public class StorageSpec {
    /** Raw (identifiable) images; required for data and hybrid nodes, not allowed on compute. */
    private VolumeSpec raw;

    /** Anonymised datasets, one folder per Dataset. */
    private VolumeSpec anonymised;

    /** Working space: quarantine and training scratch. */
    private VolumeSpec scratch;

    public VolumeSpec getRaw() {
        return raw;
    }

    public void setRaw(VolumeSpec raw) {
        this.raw = raw;
    }

    public VolumeSpec getAnonymised() {
        return anonymised;
    }

    public void setAnonymised(VolumeSpec anonymised) {
        this.anonymised = anonymised;
    }

    public VolumeSpec getScratch() {
        return scratch;
    }

    public void setScratch(VolumeSpec scratch) {
        this.scratch = scratch;
    }
}
