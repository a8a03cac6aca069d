package io.fednode.operator.hublink;

/**
 * A condition value the hub link reports for the FederationNode ({@code Registered} or {@code
 * Connected}): status True/False/Unknown, a CamelCase reason and a message for people.
 */
public record LinkCondition(String status, String reason, String message) {
    /** Messages go into the node's status and events: at most this long, printable only. */
    static final int MAX_MESSAGE = 1024;

    public LinkCondition {
        message = bounded(message, MAX_MESSAGE);
    }

    /** The text with control characters replaced and cut to {@code max} characters. */
    static String bounded(String text, int max) {
        if (text == null) {
            return null;
        }
        String clean = text.replaceAll("\\p{Cntrl}", " ");
        return clean.length() <= max ? clean : clean.substring(0, max - 1) + "…";
    }

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
