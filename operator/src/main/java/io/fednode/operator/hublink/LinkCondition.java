package io.fednode.operator.hublink;

/**
 * A condition value the hub link reports for the FederationNode ({@code Registered} or {@code
 * Connected}): status True/False/Unknown, a CamelCase reason and a message for people.
 */
public record LinkCondition(String status, String reason, String message) {
    static LinkCondition isTrue(String reason, String message) {
        return new LinkCondition("True", reason, message);
    }

    static LinkCondition isFalse(String reason, String message) {
        return new LinkCondition("False", reason, message);
    }

    static LinkCondition unknown(String reason, String message) {
        return new LinkCondition("Unknown", reason, message);
    }
}
