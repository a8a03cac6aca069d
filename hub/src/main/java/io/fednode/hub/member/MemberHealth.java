package io.fednode.hub.member;

/** The one-word health of a member, as the fleet view shows it. */
public enum MemberHealth {
    /** Enrolled and heartbeating, node reports itself ready. */
    AVAILABLE,
    /** Heartbeating, but the node reports itself not ready. */
    UNAVAILABLE,
    /** Enrolled, but no heartbeat for longer than the allowed number of intervals. */
    UNKNOWN,
    /** Created, not enrolled yet. */
    PENDING,
    /** spec.revoked is true. */
    REVOKED;

    public String label() {
        return name().charAt(0) + name().substring(1).toLowerCase();
    }
}
