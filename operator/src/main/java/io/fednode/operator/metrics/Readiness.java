package io.fednode.operator.metrics;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.RuntimeInfo;
import java.util.Optional;

/**
 * What {@code /readyz} answers: ready once the operator has started with its informers synced
 * (JOSDK's start returns only then) and healthy, and leadership has settled: without leader
 * election that is at once; with it, only while this replica leads (a standby is not ready, so a
 * Service or a rollout sees which replica works).
 */
public final class Readiness {
    private final boolean leaderElection;
    private volatile boolean synced;
    private volatile boolean leading;

    public Readiness(boolean leaderElection) {
        this.leaderElection = leaderElection;
    }

    /** The callbacks to hand JOSDK's leader election; it calls them after its own. */
    public LeaderCallbacks leaderCallbacks() {
        return new LeaderCallbacks(() -> leading = true, () -> leading = false, leader -> {});
    }

    /** Called once the operator's start has returned (its informers have synced). */
    public void synced() {
        synced = true;
    }

    /** Empty when ready, else why not (for the probe's body; no names or secrets). */
    public Optional<String> notReady(RuntimeInfo info) {
        if (!synced || !info.isStarted()) {
            return Optional.of("informers not synced yet");
        }
        if (!info.allEventSourcesAreHealthy()) {
            return Optional.of("event sources not healthy");
        }
        if (leaderElection && !leading) {
            return Optional.of("not the leader (standby replica)");
        }
        return Optional.empty();
    }
}
