package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The node's link to the federation. */
public class ConnectivitySpec {
    /** Time between heartbeats to the hub, between 5s and 10m. */
    @Default("30s")
    @Size(max = 32)
    @Pattern("^([0-9]+(\\.[0-9]+)?(h|m|s))+$")
    @ValidationRule(
            value = "duration(self) >= duration('5s') && duration(self) <= duration('10m')",
            message = "heartbeatInterval must be between 5s and 10m")
    private String heartbeatInterval = "30s";

    /** CIDRs of the hub and aggregators: the only egress allowed besides DNS. */
    @Size(max = 64)
    @ValidationRule(
            value = "self.all(c, isCIDR(c))",
            message = "egressCIDRs entries must be CIDRs such as 203.0.113.10/32")
    private List<@Size(max = 43) String> egressCIDRs;

    public String getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(String heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public List<String> getEgressCIDRs() {
        return egressCIDRs;
    }

    public void setEgressCIDRs(List<String> egressCIDRs) {
        this.egressCIDRs = egressCIDRs;
    }
}
