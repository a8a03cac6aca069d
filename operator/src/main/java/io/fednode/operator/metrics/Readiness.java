package io.fednode.operator.metrics;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.RuntimeInfo;
import java.util.Optional;

/**
 * What {@code /readyz} answers: ready once the operator has started with its informers synced
 * (JOSDK's start returns only then) and healthy. Leadership does not count: a standby replica is
 * ready too, because a rolling update replaces the leader only once the new Pod is ready, and the
 * new Pod can lead only after the old one is gone (with readiness tied to leadership a one-replica
 * upgrade never finishes). The body says which role the replica has.
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
        return Optional.empty();
    }

    /** The body of a ready answer: with leader election, whether this replica leads. */
    public String readyBody() {
        if (!leaderElection) {
            return "ready\n";
        }
        return leading ? "ready: leader\n" : "ready: standby (another replica leads)\n";
    }
}
