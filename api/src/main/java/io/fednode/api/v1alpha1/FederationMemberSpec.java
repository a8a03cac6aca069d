package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What the central operators decided about one node of the federation. */
public class FederationMemberSpec {
    /**
     * The node's identity (RFC 1123 DNS label); the CN of its certificate and the nodeId of its
     * FederationNode. Immutable.
     */
    @Required
    @Size(min = 1, max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @ValidationRule(value = "self == oldSelf", message = "nodeId is immutable")
    private String nodeId;

    /** data, compute or hybrid: what the node is expected to contribute. */
    @Required private NodeRole role;

    /** Human-readable name, e.g. the hospital's name. */
    @Size(max = 256)
    private String displayName;

    /** ISO 3166-1 alpha-2 country code of the node (two upper-case letters). */
    @Size(min = 2, max = 2)
    @Pattern("^[A-Z]{2}$")
    private String country;

    /**
     * true refuses every request from the node at once and removes an unused join token. Setting it
     * back to false does not re-issue a token: delete and recreate the member to re-enrol.
     */
    @Default("false")
    private boolean revoked;

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public NodeRole getRole() {
        return role;
    }

    public void setRole(NodeRole role) {
        this.role = role;
    }

    public String getDisplayName() {
        return displayName;
    }

    public void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    public String getCountry() {
        return country;
    }

    public void setCountry(String country) {
        this.country = country;
    }

    public boolean isRevoked() {
        return revoked;
    }

    public void setRevoked(boolean revoked) {
        this.revoked = revoked;
    }
}
