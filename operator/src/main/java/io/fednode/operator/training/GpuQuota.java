package io.fednode.operator.training;

import java.util.Comparator;
import java.util.List;

/**
 * The node's run slots: at most {@code maxConcurrentRuns} runs hold one (their Job exists and has
 * not finished); admitted runs without a slot wait in creation order (ties by name) and take slots
 * as they free up. Pure: the reconciler supplies what it observed.
 */
public final class GpuQuota {
    private GpuQuota() {}

    /** One run of the node as the quota sees it. */
    public record Entry(String name, String creationTimestamp, State state) {}

    public enum State {
        /** Its Job exists (or was just created) and has not finished. */
        HOLDS_SLOT,
        /** Admitted (or not yet decided but within policy), no Job yet: in the queue. */
        WAITING,
        /** Finished, refused, or waiting for a prerequisite: neither holds nor queues. */
        OUT
    }

    /** Start now, or wait at a (0-based) position behind {@code running} runs. */
    public record Decision(boolean start, int running, int limit, int position) {}

    private static final Comparator<Entry> CREATION_ORDER =
            Comparator.comparing(Entry::creationTimestamp, Comparator.nullsLast(String::compareTo))
                    .thenComparing(Entry::name);

    /**
     * Whether {@code self} (which must be {@link State#WAITING} in {@code entries}) may start.
     * Creation timestamps are RFC 3339 in UTC as the API server writes them, so they sort as
     * strings.
     */
    public static Decision decide(int maxConcurrentRuns, List<Entry> entries, String self) {
        int running = (int) entries.stream().filter(e -> e.state() == State.HOLDS_SLOT).count();
        List<Entry> queue =
                entries.stream()
                        .filter(e -> e.state() == State.WAITING)
                        .sorted(CREATION_ORDER)
                        .toList();
        int position = 0;
        while (position < queue.size() && !queue.get(position).name().equals(self)) {
            position++;
        }
        if (position == queue.size()) {
            throw new IllegalArgumentException(self + " is not waiting in the queue");
        }
        int free = Math.max(0, maxConcurrentRuns - running);
        return new Decision(position < free, running, maxConcurrentRuns, position);
    }

    /**
     * The runs that can take the node's free slots now: the first {@code maxConcurrentRuns -
     * running} of the queue in creation order. Only these are woken when a slot frees, so a release
     * costs one decision per freed slot, not one per queued run.
     */
    public static List<String> next(int maxConcurrentRuns, List<Entry> entries) {
        int running = (int) entries.stream().filter(e -> e.state() == State.HOLDS_SLOT).count();
        int free = Math.max(0, maxConcurrentRuns - running);
        return entries.stream()
                .filter(e -> e.state() == State.WAITING)
                .sorted(CREATION_ORDER)
                .limit(free)
                .map(Entry::name)
                .toList();
    }
}
