package io.fednode.api.v1alpha1;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * Which nodes a job is offered to: the listed nodes and the members the selector matches (the
 * union), of those only the ones that report every dataset of the job Ready. Neither set means
 * every member.
 */
public class FederatedJobPlacement {
    /**
     * nodeIds of FederationMembers to offer the job to (at most 256; a selector for more, so the
     * API server's uniqueness check stays within its cost budget).
     */
    @Size(max = 256)
    @ValidationRule(
            value = "self.all(n, self.exists_one(m, m == n))",
            message = "nodes must not repeat")
    private List<@Size(min = 1, max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String> nodes;

    /** Label selector over the FederationMembers of the hub's namespace. */
    private LabelSelector memberSelector;

    /** Nodes that must succeed for the job to succeed; the job fails if one cannot. */
    @Min(1)
    @Max(1000)
    @Default("1")
    private Integer minNodes = 1;

    /** nodeIds that must take part and succeed (each must also be placed). */
    @Size(max = 100)
    @ValidationRule(
            value = "self.all(n, self.exists_one(m, m == n))",
            message = "requiredNodes must not repeat")
    private List<@Size(min = 1, max = 63) @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String>
            requiredNodes;

    public List<String> getNodes() {
        return nodes;
    }

    public void setNodes(List<String> nodes) {
        this.nodes = nodes;
    }

    public LabelSelector getMemberSelector() {
        return memberSelector;
    }

    public void setMemberSelector(LabelSelector memberSelector) {
        this.memberSelector = memberSelector;
    }

    public Integer getMinNodes() {
        return minNodes;
    }

    public void setMinNodes(Integer minNodes) {
        this.minNodes = minNodes;
    }

    public List<String> getRequiredNodes() {
        return requiredNodes;
    }

    public void setRequiredNodes(List<String> requiredNodes) {
        this.requiredNodes = requiredNodes;
    }
}
