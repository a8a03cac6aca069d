package io.fednode.api.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:15:30.987654Z");

    private static Condition written(String type, String status, String since) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason("Old")
                .withMessage("old")
                .withObservedGeneration(1L)
                .withLastTransitionTime(since)
                .build();
    }

    @Test
    void timestampsAreUtcSeconds() {
        assertEquals("2026-12-02T10:15:30Z", Conditions.timestamp(NOW));
    }

    @Test
    void unchangedStatusKeepsItsTransitionTimeAndAChangedOneMoves() {
        List<Condition> previous =
                List.of(
                        written("Ready", "True", "2026-01-01T00:00:00Z"),
                        written("Stalled", "False", "2026-01-01T00:00:00Z"));
        List<Condition> settled =
                Conditions.settle(
                        List.of(
                                Conditions.of("Ready", "False", "NodeGone", "gone", 2),
                                Conditions.of("Stalled", "False", "NoBlockingErrors", "ok", 2),
                                Conditions.of("Reconciling", "True", "Working", "busy", 2)),
                        previous,
                        NOW);
        assertEquals("2026-12-02T10:15:30Z", settled.get(0).getLastTransitionTime());
        assertEquals("2026-01-01T00:00:00Z", settled.get(1).getLastTransitionTime());
        assertEquals("NoBlockingErrors", settled.get(1).getReason());
        assertEquals("2026-12-02T10:15:30Z", settled.get(2).getLastTransitionTime());
        assertEquals(2L, settled.get(0).getObservedGeneration());
    }

    @Test
    void settleModifiesNeitherInput() {
        Condition old = written("Ready", "True", "2026-01-01T00:00:00Z");
        Condition computed = Conditions.of("Ready", "True", "Ready", "fine", 3);
        Conditions.settle(List.of(computed), List.of(old), NOW);
        assertNull(computed.getLastTransitionTime());
        assertEquals("Old", old.getReason());
        assertEquals(1L, old.getObservedGeneration());
    }

    @Test
    void sameMeaningIgnoresOnlyTransitionTimes() {
        Condition a = written("Ready", "True", "2026-01-01T00:00:00Z");
        Condition b = written("Ready", "True", "2026-06-01T00:00:00Z");
        assertTrue(Conditions.sameMeaning(List.of(a), List.of(b)));
        Condition c = new ConditionBuilder(b).withMessage("other").build();
        assertFalse(Conditions.sameMeaning(List.of(a), List.of(c)));
        assertFalse(Conditions.sameMeaning(List.of(a), List.of()));
    }

    @Test
    void findAndIsToleratesMissingLists() {
        assertTrue(Conditions.find(null, "Ready").isEmpty());
        assertFalse(Conditions.is(null, "Ready", "True"));
        assertTrue(
                Conditions.is(
                        List.of(written("Ready", "True", "2026-01-01T00:00:00Z")),
                        "Ready",
                        "True"));
    }
}
