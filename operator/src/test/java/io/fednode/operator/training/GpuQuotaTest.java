package io.fednode.operator.training;

import static io.fednode.operator.training.GpuQuota.State.HOLDS_SLOT;
import static io.fednode.operator.training.GpuQuota.State.OUT;
import static io.fednode.operator.training.GpuQuota.State.WAITING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fednode.operator.training.GpuQuota.Entry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuQuotaTest {
    private static Entry entry(String name, int second, GpuQuota.State state) {
        return new Entry(name, "2026-11-26T10:00:%02dZ".formatted(second), state);
    }

    @Test
    void freeSlotsGoToTheOldestWaitingRuns() {
        List<Entry> runs =
                List.of(
                        entry("c", 3, WAITING),
                        entry("a", 1, WAITING),
                        entry("b", 2, WAITING),
                        entry("d", 4, WAITING),
                        entry("e", 5, WAITING));
        assertThat(GpuQuota.decide(2, runs, "a").start()).isTrue();
        assertThat(GpuQuota.decide(2, runs, "b").start()).isTrue();
        GpuQuota.Decision c = GpuQuota.decide(2, runs, "c");
        assertThat(c.start()).isFalse();
        assertThat(c.position()).isEqualTo(2);
        assertThat(GpuQuota.decide(2, runs, "e").position()).isEqualTo(4);
    }

    @Test
    void runsHoldingSlotsLeaveFewerFree() {
        List<Entry> runs =
                List.of(entry("a", 1, HOLDS_SLOT), entry("b", 2, WAITING), entry("c", 3, WAITING));
        assertThat(GpuQuota.decide(2, runs, "b").start()).isTrue();
        assertThat(GpuQuota.decide(2, runs, "c").start()).isFalse();
        assertThat(GpuQuota.decide(2, runs, "c").running()).isEqualTo(1);
    }

    @Test
    void fullNodeQueuesEvenTheOldestRun() {
        List<Entry> runs =
                List.of(
                        entry("x", 9, HOLDS_SLOT),
                        entry("y", 8, HOLDS_SLOT),
                        entry("a", 1, WAITING));
        GpuQuota.Decision d = GpuQuota.decide(2, runs, "a");
        assertThat(d.start()).isFalse();
        assertThat(d.position()).isZero();
    }

    @Test
    void finishedAndRefusedRunsNeitherHoldNorQueue() {
        List<Entry> runs =
                List.of(
                        entry("done", 0, OUT),
                        entry("refused", 1, OUT),
                        entry("a", 2, HOLDS_SLOT),
                        entry("b", 3, WAITING));
        assertThat(GpuQuota.decide(2, runs, "b").start()).isTrue();
    }

    @Test
    void sameCreationSecondIsOrderedByName() {
        List<Entry> runs = List.of(entry("run-b", 1, WAITING), entry("run-a", 1, WAITING));
        assertThat(GpuQuota.decide(1, runs, "run-a").start()).isTrue();
        assertThat(GpuQuota.decide(1, runs, "run-b").start()).isFalse();
    }

    @Test
    void slotsFreeUpOneByOneInCreationOrder() {
        List<Entry> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(entry("run-" + i, i, WAITING));
        }
        List<String> startOrder = new ArrayList<>();
        for (int step = 0; step < 10 && startOrder.size() < 5; step++) {
            for (Entry e : List.copyOf(runs)) {
                if (e.state() == WAITING && GpuQuota.decide(2, runs, e.name()).start()) {
                    runs.set(
                            runs.indexOf(e),
                            new Entry(e.name(), e.creationTimestamp(), HOLDS_SLOT));
                    startOrder.add(e.name());
                }
            }
            assertThat(runs.stream().filter(e -> e.state() == HOLDS_SLOT))
                    .hasSizeLessThanOrEqualTo(2);
            // the oldest running run finishes
            runs.stream()
                    .filter(e -> e.state() == HOLDS_SLOT)
                    .findFirst()
                    .ifPresent(
                            e ->
                                    runs.set(
                                            runs.indexOf(e),
                                            new Entry(e.name(), e.creationTimestamp(), OUT)));
        }
        assertThat(startOrder).containsExactly("run-0", "run-1", "run-2", "run-3", "run-4");
    }

    @Test
    void aRunThatIsNotWaitingCannotAsk() {
        assertThatThrownBy(() -> GpuQuota.decide(1, List.of(entry("a", 1, OUT)), "a"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReleasedSlotWakesOnlyTheOldestWaitingRun() {
        List<Entry> runs =
                List.of(
                        entry("held", 1, HOLDS_SLOT),
                        entry("c", 4, WAITING),
                        entry("b", 3, WAITING),
                        entry("gone", 0, OUT),
                        entry("d", 5, WAITING));
        // 2 slots, 1 held: exactly one run can start, the oldest waiting one.
        assertThat(GpuQuota.next(2, runs)).containsExactly("b");
        assertThat(GpuQuota.next(4, runs)).containsExactly("b", "c", "d");
        assertThat(GpuQuota.next(1, runs)).isEmpty();
    }
}
