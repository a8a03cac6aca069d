package io.fednode.api.common;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place where fednode builds status conditions, for the operator and the hub alike.
 *
 * <p>Rules (Kubernetes API conventions, kstatus): a condition carries the generation it was
 * computed from; its {@code lastTransitionTime} moves only when its {@code status} changes, so a
 * reconcile that finds nothing new writes an identical status; every timestamp fednode writes is
 * RFC 3339 in UTC to the second ({@link #timestamp}), the precision of {@code metav1.Time}.
 */
public final class Conditions {
    private Conditions() {}

    /** A condition without a transition time yet; {@link #settle} gives it one. */
    public static Condition of(
            String type, String status, String reason, String message, long generation) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .build();
    }

    /** The timestamp format of every time fednode writes into a status or an Event. */
    public static String timestamp(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The condition of this type in {@code conditions} (null or empty lists allowed). */
    public static Optional<Condition> find(Collection<Condition> conditions, String type) {
        if (conditions == null) {
            return Optional.empty();
        }
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** Whether the condition of this type is present with this status. */
    public static boolean is(Collection<Condition> conditions, String type, String status) {
        return find(conditions, type).map(c -> status.equals(c.getStatus())).orElse(false);
    }

    /**
     * New copies of {@code computed}, in their order, each with the {@code lastTransitionTime} of
     * the previous condition of its type when the status is unchanged, else {@code now}. Neither
     * argument is modified (previous conditions may be objects held in an informer's cache).
     */
    public static List<Condition> settle(
            List<Condition> computed, Collection<Condition> previous, Instant now) {
        String at = timestamp(now);
        List<Condition> out = new ArrayList<>(computed.size());
        for (Condition next : computed) {
            String since =
                    find(previous, next.getType())
                            .filter(p -> Objects.equals(p.getStatus(), next.getStatus()))
                            .map(Condition::getLastTransitionTime)
                            .filter(Objects::nonNull)
                            .orElse(at);
            out.add(new ConditionBuilder(next).withLastTransitionTime(since).build());
        }
        return out;
    }

    /** {@link #settle} of a single condition. */
    public static Condition settle(
            Condition computed, Collection<Condition> previous, Instant now) {
        return settle(List.of(computed), previous, now).get(0);
    }

    /**
     * Whether two condition lists say the same thing: the same types in the same order with the
     * same status, reason, message and generation (transition times are not compared).
     */
    public static boolean sameMeaning(List<Condition> a, List<Condition> b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Condition x = a.get(i);
            Condition y = b.get(i);
            if (!Objects.equals(x.getType(), y.getType())
                    || !Objects.equals(x.getStatus(), y.getStatus())
                    || !Objects.equals(x.getReason(), y.getReason())
                    || !Objects.equals(x.getMessage(), y.getMessage())
                    || !Objects.equals(x.getObservedGeneration(), y.getObservedGeneration())) {
                return false;
            }
        }
        return true;
    }
}
