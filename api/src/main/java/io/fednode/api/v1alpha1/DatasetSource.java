package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where a Dataset's raw files are. */
public class DatasetSource {
    /**
     * Folder inside the node's raw volume, relative to its root (e.g. {@code
     * imports/2026/lung-ct}); read recursively. No leading '/', no '..' segment.
     */
    @Required
    @Size(min = 1, max = 1024)
    @ValidationRule(
            value = "!self.startsWith('/')",
            message = "path must be relative to the raw volume (no leading '/')")
    @ValidationRule(
            value = "!self.split('/').exists(s, s == '..')",
            message = "path must not contain a '..' segment")
    private String path;

    public DatasetSource() {}

    public DatasetSource(String path) {
        this.path = path;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }
}
