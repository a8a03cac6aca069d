package io.fednode.hub.member;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.FederationMemberConditions;
import io.fednode.api.v1alpha1.FederationMemberConditions.Reasons;
import io.fednode.api.v1alpha1.FederationMemberStatus;
import io.fednode.api.v1alpha1.FederationMemberStatus.MemberDatasets;
import io.fednode.api.v1alpha1.FederationMemberStatus.MemberGpus;
import io.fednode.hub.heartbeat.HeartbeatReport;
import io.fednode.hub.http.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The status a member should have, as a pure function of the hub's in-memory state and time. */
public final class MemberStatusBuilder {
    private final int missedHeartbeats;
    private final Duration defaultInterval;
    private final Instant hubStartedAt;

    public MemberStatusBuilder(
            int missedHeartbeats, Duration defaultInterval, Instant hubStartedAt) {
        this.missedHeartbeats = missedHeartbeats;
        this.defaultInterval = defaultInterval;
        this.hubStartedAt = hubStartedAt;
    }

    public Duration interval(MemberState state) {
        HeartbeatReport report = state.lastReport();
        if (report != null) {
            return Duration.ofSeconds(report.intervalSeconds());
        }
        FederationMemberStatus written = state.written;
        if (written != null && written.getHeartbeatIntervalSeconds() != null) {
            return Duration.ofSeconds(written.getHeartbeatIntervalSeconds());
        }
        return defaultInterval;
    }

    /** Cheap: called for every member on every sync tick. */
    public MemberHealth health(MemberState state, Instant now) {
        if (state.revoked()) {
            return MemberHealth.REVOKED;
        }
        if (!state.enrolled()) {
            return MemberHealth.PENDING;
        }
        Instant last = state.lastHeartbeat();
        if (last == null || silentFor(last, now).compareTo(allowedSilence(state)) > 0) {
            return MemberHealth.UNKNOWN;
        }
        HeartbeatReport report = state.lastReport();
        HeartbeatReport.NodeCondition ready = report == null ? null : report.ready();
        if (ready != null && ConditionTypes.FALSE.equals(ready.status())) {
            return MemberHealth.UNAVAILABLE;
        }
        return MemberHealth.AVAILABLE;
    }

    private Duration allowedSilence(MemberState state) {
        return interval(state).multipliedBy(missedHeartbeats);
    }

    /** After a restart the hub gives every member a full window before calling it silent. */
    private Duration silentFor(Instant last, Instant now) {
        Instant from = last.isAfter(hubStartedAt) ? last : hubStartedAt;
        return Duration.between(from, now);
    }

    public FederationMemberStatus build(MemberState state, Instant now) {
        FederationMemberStatus written = state.written;
        FederationMemberStatus status = new FederationMemberStatus();
        long generation = state.resource().getMetadata().getGeneration();
        status.setObservedGeneration(generation);
        status.setCertificate(state.certificate());
        Instant last = state.lastHeartbeat();
        status.setLastHeartbeat(last == null ? null : Conditions.timestamp(last));
        HeartbeatReport report = state.lastReport();
        if (report != null) {
            status.setVersion(report.version());
            status.setRole(report.role());
            status.setHeartbeatIntervalSeconds(report.intervalSeconds());
            if (report.gpus() != null) {
                status.setGpus(new MemberGpus(report.gpus().capacity(), report.gpus().allocated()));
            }
            status.setDatasets(datasets(report.datasets()));
        } else if (written != null) { // after a restart: keep what the last heartbeat said
            status.setVersion(written.getVersion());
            status.setRole(written.getRole());
            status.setHeartbeatIntervalSeconds(written.getHeartbeatIntervalSeconds());
            status.setGpus(written.getGpus());
            status.setDatasets(written.getDatasets());
        }

        MemberHealth health = health(state, now);
        Condition enrolled = enrolled(state, now, generation);
        Condition available = available(state, health, last, generation);
        // written may be the object of the informer's cache: settle only reads it
        status.setConditions(
                Conditions.settle(
                        List.of(ready(enrolled, available, generation), enrolled, available),
                        written == null ? null : written.getConditions(),
                        now));
        return status;
    }

    private Condition enrolled(MemberState state, Instant now, long generation) {
        String secret = JoinTokens.secretName(state.resource().getMetadata().getName());
        if (state.enrolled()) {
            return Conditions.of(
                    FederationMemberConditions.ENROLLED,
                    ConditionTypes.TRUE,
                    Reasons.ENROLLED,
                    "client certificate "
                            + state.certificate().getSerialNumber()
                            + " valid until "
                            + state.certificate().getNotAfter(),
                    generation);
        }
        if (state.revoked()) {
            return Conditions.of(
                    FederationMemberConditions.ENROLLED,
                    ConditionTypes.FALSE,
                    Reasons.REVOKED,
                    "spec.revoked is true: no join token is issued",
                    generation);
        }
        Instant expiry = state.joinTokenExpiry();
        if (expiry == null) {
            return Conditions.of(
                    FederationMemberConditions.ENROLLED,
                    ConditionTypes.FALSE,
                    Reasons.AWAITING_JOIN_TOKEN,
                    "the hub is issuing a join token in Secret " + secret,
                    generation);
        }
        if (!now.isBefore(expiry)) {
            return Conditions.of(
                    FederationMemberConditions.ENROLLED,
                    ConditionTypes.FALSE,
                    Reasons.JOIN_TOKEN_EXPIRED,
                    "the join token in Secret "
                            + secret
                            + " expired at "
                            + expiry
                            + "; delete the Secret to have a new one issued",
                    generation);
        }
        return Conditions.of(
                FederationMemberConditions.ENROLLED,
                ConditionTypes.FALSE,
                Reasons.AWAITING_ENROLMENT,
                "hand the join token in Secret " + secret + " to the node; valid until " + expiry,
                generation);
    }

    private Condition available(
            MemberState state, MemberHealth health, Instant last, long generation) {
        return switch (health) {
            case REVOKED ->
                    Conditions.of(
                            FederationMemberConditions.AVAILABLE,
                            ConditionTypes.FALSE,
                            Reasons.REVOKED,
                            "spec.revoked is true: the hub refuses every request from the node",
                            generation);
            case PENDING ->
                    Conditions.of(
                            FederationMemberConditions.AVAILABLE,
                            ConditionTypes.UNKNOWN,
                            Reasons.NOT_ENROLLED,
                            "the node has not enrolled yet",
                            generation);
            case UNKNOWN ->
                    last == null
                            ? Conditions.of(
                                    FederationMemberConditions.AVAILABLE,
                                    ConditionTypes.UNKNOWN,
                                    Reasons.NO_HEARTBEAT_YET,
                                    "enrolled; no heartbeat received yet",
                                    generation)
                            : Conditions.of(
                                    FederationMemberConditions.AVAILABLE,
                                    ConditionTypes.UNKNOWN,
                                    Reasons.HEARTBEATS_STOPPED,
                                    "no heartbeat since "
                                            + Conditions.timestamp(last)
                                            + " ("
                                            + missedHeartbeats
                                            + " x "
                                            + interval(state).toSeconds()
                                            + "s allowed)",
                                    generation);
            case UNAVAILABLE -> {
                HeartbeatReport.NodeCondition ready = state.lastReport().ready();
                yield Conditions.of(
                        FederationMemberConditions.AVAILABLE,
                        ConditionTypes.FALSE,
                        Reasons.NODE_NOT_READY,
                        "the node reports Ready=False"
                                + (ready.reason() == null ? "" : " (" + ready.reason() + ")"),
                        generation);
            }
            case AVAILABLE ->
                    Conditions.of(
                            FederationMemberConditions.AVAILABLE,
                            ConditionTypes.TRUE,
                            Reasons.HEARTBEAT_RECEIVED,
                            "heartbeating every " + interval(state).toSeconds() + "s",
                            generation);
        };
    }

    private static Condition ready(Condition enrolled, Condition available, long generation) {
        for (Condition c : List.of(enrolled, available)) {
            if (!ConditionTypes.TRUE.equals(c.getStatus())) {
                return Conditions.of(
                        ConditionTypes.READY,
                        ConditionTypes.FALSE,
                        c.getReason(),
                        c.getMessage(),
                        generation);
            }
        }
        return Conditions.of(
                ConditionTypes.READY,
                ConditionTypes.TRUE,
                Reasons.AVAILABLE,
                "enrolled and heartbeating",
                generation);
    }

    private static MemberDatasets datasets(List<HeartbeatReport.Dataset> reported) {
        if (reported == null) {
            return null;
        }
        MemberDatasets d = new MemberDatasets();
        d.setCount(reported.size());
        d.setFiles(reported.stream().mapToLong(x -> x.files() == null ? 0 : x.files()).sum());
        d.setBytes(reported.stream().mapToLong(x -> x.bytes() == null ? 0 : x.bytes()).sum());
        d.setNames(
                reported.stream()
                        .map(HeartbeatReport.Dataset::name)
                        .sorted(Comparator.naturalOrder())
                        .toList());
        return d;
    }

    /**
     * Whether two statuses differ in anything but the heartbeat time and the conditions' transition
     * times.
     */
    public static boolean differs(FederationMemberStatus a, FederationMemberStatus b) {
        if (a == null || b == null) {
            return a != b;
        }
        return !Conditions.sameMeaning(a.getConditions(), b.getConditions())
                || !withoutTimesAndConditions(a).equals(withoutTimesAndConditions(b));
    }

    private static JsonNode withoutTimesAndConditions(FederationMemberStatus status) {
        ObjectNode tree = Json.MAPPER.valueToTree(status);
        tree.remove("lastHeartbeat");
        tree.remove("conditions");
        return tree;
    }
}
