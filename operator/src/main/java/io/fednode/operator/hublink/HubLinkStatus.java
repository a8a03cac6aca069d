package io.fednode.operator.hublink;

/**
 * What the FederationNode reconciler shows of the hub link: {@code Registered} (the node holds a
 * certificate from the hub) and {@code Connected} (heartbeats reach the hub).
 */
public record HubLinkStatus(LinkCondition registered, LinkCondition connected) {
    static final HubLinkStatus STARTING =
            new HubLinkStatus(
                    LinkCondition.unknown("Enrolling", "the hub link is starting"),
                    LinkCondition.unknown("NotConnected", "no heartbeat sent yet"));
}
