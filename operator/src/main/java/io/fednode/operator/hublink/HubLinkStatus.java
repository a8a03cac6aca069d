package io.fednode.operator.hublink;

import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.v1alpha1.FederatedJobOffer;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions;
import java.util.List;

/**
 * What the FederationNode reconciler shows of the hub link: {@code Registered} (the node holds a
 * certificate from the hub) and {@code Connected} (heartbeats reach the hub).
 */
public record HubLinkStatus(
        LinkCondition registered, LinkCondition connected, List<FederatedJobOffer> federatedJobs) {
    public HubLinkStatus(LinkCondition registered, LinkCondition connected) {
        this(registered, connected, List.of());
    }

    public HubLinkStatus {
        federatedJobs = federatedJobs == null ? List.of() : List.copyOf(federatedJobs);
    }

    static final HubLinkStatus STARTING =
            new HubLinkStatus(
                    LinkCondition.unknown("Enrolling", "the hub link is starting"),
                    LinkCondition.unknown("NotConnected", "no heartbeat sent yet"));

    /**
     * Where a new link starts: the True/False values the node's status already shows (written by an
     * earlier operator instance or leader), otherwise {@link #STARTING}. A restarted operator so
     * does not flip the node to Unknown and back, and every transition it announces is real; the
     * first step corrects anything that changed meanwhile.
     */
    static HubLinkStatus resumedFrom(FederationNode node) {
        List<Condition> conditions =
                node.getStatus() == null ? null : node.getStatus().getConditions();
        return new HubLinkStatus(
                resumed(conditions, FederationNodeConditions.REGISTERED, STARTING.registered()),
                resumed(conditions, FederationNodeConditions.CONNECTED, STARTING.connected()),
                node.getStatus() == null ? List.of() : node.getStatus().getFederatedJobs());
    }

    private static LinkCondition resumed(
            List<Condition> conditions, String type, LinkCondition otherwise) {
        if (conditions == null) {
            return otherwise;
        }
        return conditions.stream()
                .filter(c -> type.equals(c.getType()))
                .filter(c -> "True".equals(c.getStatus()) || "False".equals(c.getStatus()))
                .filter(c -> c.getReason() != null && c.getMessage() != null)
                .findFirst()
                .map(c -> new LinkCondition(c.getStatus(), c.getReason(), c.getMessage()))
                .orElse(otherwise);
    }
}
