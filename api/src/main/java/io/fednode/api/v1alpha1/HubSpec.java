package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fednode.api.common.SecretKeyRef;

/** Where the federation's hub is and how this node proves it may join. */
public class HubSpec {
    /** The hub's https URL, e.g. https://hub.example.org:8443. Connections are outbound only. */
    @Required
    @Size(max = 2048)
    @Pattern("^https://")
    @ValidationRule(
            value =
                    "isURL(self) && url(self).getScheme() == 'https' && url(self).getHostname() != ''",
            message = "endpoint must be an https:// URL with a host")
    private String endpoint;

    /** CA bundle (PEM) that signs the hub's server certificate. */
    private SecretKeyRef caBundleSecretRef;

    /** Single-use join token issued by the hub's operators for this node. */
    private SecretKeyRef joinTokenSecretRef;

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public SecretKeyRef getCaBundleSecretRef() {
        return caBundleSecretRef;
    }

    public void setCaBundleSecretRef(SecretKeyRef caBundleSecretRef) {
        this.caBundleSecretRef = caBundleSecretRef;
    }

    public SecretKeyRef getJoinTokenSecretRef() {
        return joinTokenSecretRef;
    }

    public void setJoinTokenSecretRef(SecretKeyRef joinTokenSecretRef) {
        this.joinTokenSecretRef = joinTokenSecretRef;
    }
}
