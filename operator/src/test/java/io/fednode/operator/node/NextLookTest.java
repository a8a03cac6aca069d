package io.fednode.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a node is reconciled again for its components, beyond the periodic reconcile. */
class NextLookTest {
    static final Duration RESYNC = Duration.ofMinutes(10);

    @Test
    void nothingWaitingLeavesItToThePeriodicReconcile() {
        assertThat(FederationNodeReconciler.nextLook(false, Optional.empty(), RESYNC)).isEmpty();
    }

    @Test
    void aRetryLooksAgainInThirtySeconds() {
        assertThat(FederationNodeReconciler.nextLook(true, Optional.empty(), RESYNC))
                .contains(Duration.ofSeconds(30));
    }

    @Test
    void aWindowOpeningBeforeTheResyncIsWhenToLook() {
        assertThat(
                        FederationNodeReconciler.nextLook(
                                false, Optional.of(Duration.ofMinutes(4)), RESYNC))
                .contains(Duration.ofMinutes(4));
        // with a retry, the sooner of the two
        assertThat(
                        FederationNodeReconciler.nextLook(
                                true, Optional.of(Duration.ofMinutes(4)), RESYNC))
                .contains(Duration.ofSeconds(30));
        assertThat(
                        FederationNodeReconciler.nextLook(
                                true, Optional.of(Duration.ofSeconds(7)), RESYNC))
                .contains(Duration.ofSeconds(7));
    }

    @Test
    void aWindowOpeningAfterTheResyncIsLookedAtAgainAfterTheResync() {
        // a reschedule replaces the max interval: a two-day wait would stop the drift checks
        assertThat(
                        FederationNodeReconciler.nextLook(
                                false, Optional.of(Duration.ofDays(2)), RESYNC))
                .contains(RESYNC);
        assertThat(FederationNodeReconciler.nextLook(true, Optional.of(Duration.ofDays(2)), RESYNC))
                .contains(Duration.ofSeconds(30));
    }
}
