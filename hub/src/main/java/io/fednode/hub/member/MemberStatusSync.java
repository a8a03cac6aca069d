package io.fednode.hub.member;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberConditions;
import io.fednode.api.v1alpha1.FederationMemberConditions.Reasons;
import io.fednode.api.v1alpha1.FederationMemberStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes member status to the API server only when it changed, or on the slow refresh of {@code
 * lastHeartbeat}. Heartbeats never write; a periodic pass compares the in-memory state with what
 * was last written. That pass also notices silence: a member whose heartbeats stopped turns
 * Available=Unknown with a Warning event.
 */
public final class MemberStatusSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberStatusSync.class);
    private static final String FIELD_MANAGER = "fednode-hub";

    private final KubernetesClient client;
    private final Members members;
    private final MemberStatusBuilder builder;
    private final MemberEvents events;
    private final Clock clock;
    private final Duration refresh;
    private final Duration period;
    private final Counter writes;
    private final Counter writeFailures;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "status-sync"));

    /** At most this many status writes in flight, so a mass change cannot flood the API server. */
    private final ExecutorService writers;

    private static final int MAX_IN_FLIGHT = 4;

    /** Bounds the writers' queue; the sync pass waits rather than piling up work. */
    private final Semaphore queued = new Semaphore(MAX_IN_FLIGHT * 4);

    public MemberStatusSync(
            KubernetesClient client,
            Members members,
            MemberStatusBuilder builder,
            MemberEvents events,
            Clock clock,
            Duration refresh,
            Duration period,
            MeterRegistry meters) {
        this.client = client;
        this.members = members;
        this.builder = builder;
        this.events = events;
        this.clock = clock;
        this.refresh = refresh;
        this.period = period;
        this.writes = Counter.builder("fednode_hub_status_writes").register(meters);
        this.writeFailures = Counter.builder("fednode_hub_status_write_failures").register(meters);
        this.writers =
                Executors.newFixedThreadPool(MAX_IN_FLIGHT, r -> new Thread(r, "status-writer"));
    }

    public void start() {
        ticker.scheduleWithFixedDelay(
                this::syncAll, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void syncAll() {
        try {
            Instant now = clock.instant();
            for (MemberState state : members.all()) {
                if (state.writeInFlight || state.resource() == null) {
                    continue;
                }
                if (due(state, now)) {
                    queued.acquire();
                    state.writeInFlight = true;
                    writers.execute(
                            () -> {
                                try {
                                    write(state, clock.instant());
                                } finally {
                                    state.writeInFlight = false;
                                    queued.release();
                                }
                            });
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("status sync pass failed", e);
        }
    }

    private boolean due(MemberState state, Instant now) {
        if (state.dirty || state.written == null) {
            return true;
        }
        if (builder.health(state, now) != state.writtenHealth) {
            return true;
        }
        Instant last = state.lastHeartbeat();
        return last != null
                && !now.isBefore(state.writtenAt.plus(refresh))
                && !Objects.equals(Conditions.timestamp(last), state.written.getLastHeartbeat());
    }

    /**
     * Computes and writes the member's status now, if it differs from what the API has. Returns
     * false when the API server did not take it.
     */
    public boolean write(MemberState state, Instant now) {
        synchronized (state) {
            FederationMember member = state.resource();
            if (member == null || members.byNodeId(state.nodeId()) != state) {
                return false;
            }
            state.dirty = false;
            MemberHealth health = builder.health(state, now);
            FederationMemberStatus desired = builder.build(state, now);
            FederationMemberStatus previous = state.written;
            boolean changed = MemberStatusBuilder.differs(desired, previous);
            boolean refreshDue =
                    !now.isBefore(state.writtenAt.plus(refresh))
                            && !Objects.equals(
                                    desired.getLastHeartbeat(),
                                    previous == null ? null : previous.getLastHeartbeat());
            if (!changed && !refreshDue) {
                state.writtenHealth = health;
                return true;
            }
            FederationMember patch = new FederationMember();
            patch.setMetadata(
                    new ObjectMetaBuilder()
                            .withName(member.getMetadata().getName())
                            .withNamespace(member.getMetadata().getNamespace())
                            .build());
            patch.setStatus(desired);
            try {
                client.resource(patch).patchStatus();
                writes.increment();
            } catch (KubernetesClientException e) {
                writeFailures.increment();
                state.dirty = true;
                if (e.getCode() != 404) {
                    LOG.warn(
                            "status of member {}: {}",
                            member.getMetadata().getName(),
                            e.getMessage());
                }
                return false;
            }
            state.written = desired;
            state.writtenAt = now;
            state.writtenHealth = health;
            announce(member, previous, desired);
            return true;
        }
    }

    private void announce(
            FederationMember member, FederationMemberStatus before, FederationMemberStatus after) {
        String was = availability(before);
        String is = availability(after);
        if (Objects.equals(was, is)) {
            return;
        }
        Condition condition =
                Conditions.find(after.getConditions(), FederationMemberConditions.AVAILABLE)
                        .orElseThrow();
        if (ConditionTypes.UNKNOWN.equals(is)
                && Reasons.HEARTBEATS_STOPPED.equals(condition.getReason())) {
            events.warning(member, Reasons.HEARTBEATS_STOPPED, condition.getMessage());
        } else if (ConditionTypes.TRUE.equals(is)) {
            events.normal(
                    member, Reasons.AVAILABLE, "heartbeats received; " + condition.getMessage());
        } else if (ConditionTypes.FALSE.equals(is)) {
            events.warning(member, condition.getReason(), condition.getMessage());
        }
    }

    private static String availability(FederationMemberStatus status) {
        if (status == null) {
            return null;
        }
        return Conditions.find(status.getConditions(), FederationMemberConditions.AVAILABLE)
                .map(Condition::getStatus)
                .orElse(null);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        writers.shutdown();
        try {
            writers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
