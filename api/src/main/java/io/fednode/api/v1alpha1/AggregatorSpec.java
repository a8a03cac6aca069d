package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The federation's aggregator a training run talks to: the only place its Pod may connect to. */
public class AggregatorSpec {
    /**
     * https URL of the aggregator, e.g. https://agg.example.org:9092 (port 443 when absent). An IP
     * literal host is allowed on exactly that address; a host name on the node's {@code
     * connectivity.egressCIDRs}. Either way only on this port.
     */
    @Required
    @Size(max = 2048)
    @Pattern("^https://")
    @ValidationRule(
            value =
                    "isURL(self) && url(self).getScheme() == 'https' && url(self).getHostname() != ''",
            message = "endpoint must be an https:// URL with a host")
    private String endpoint;

    public AggregatorSpec() {}

    public AggregatorSpec(String endpoint) {
        this.endpoint = endpoint;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }
}
