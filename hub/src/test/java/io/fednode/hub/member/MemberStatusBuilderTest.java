package io.fednode.hub.member;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberSpec;
import io.fednode.api.v1alpha1.FederationMemberStatus;
import io.fednode.api.v1alpha1.FederationMemberStatus.MemberCertificate;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.hub.heartbeat.HeartbeatReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemberStatusBuilderTest {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    final MemberStatusBuilder builder = new MemberStatusBuilder(5, Duration.ofSeconds(30), T0);

    @Test
    void newMemberIsPendingUntilItEnrols() {
        MemberState state = member(false);
        state.joinTokenExpiry(T0.plus(Duration.ofHours(24)));
        FederationMemberStatus status = builder.build(state, T0);
        assertThat(builder.health(state, T0)).isEqualTo(MemberHealth.PENDING);
        assertThat(condition(status, "Enrolled").getReason()).isEqualTo("AwaitingEnrolment");
        assertThat(condition(status, "Available").getStatus()).isEqualTo("Unknown");
        assertThat(condition(status, "Ready").getStatus()).isEqualTo("False");
        assertThat(status.getObservedGeneration()).isEqualTo(3L);
    }

    @Test
    void expiredTokenIsReported() {
        MemberState state = member(false);
        state.joinTokenExpiry(T0.minusSeconds(1));
        assertThat(condition(builder.build(state, T0), "Enrolled").getReason())
                .isEqualTo("JoinTokenExpired");
    }

    @Test
    void availabilityFollowsHeartbeats() {
        MemberState state = member(true);
        state.heartbeat(report(10, "True"), T0.plusSeconds(5));
        assertThat(builder.health(state, T0.plusSeconds(10))).isEqualTo(MemberHealth.AVAILABLE);
        FederationMemberStatus available = builder.build(state, T0.plusSeconds(10));
        assertThat(condition(available, "Ready").getStatus()).isEqualTo("True");
        assertThat(available.getVersion()).isEqualTo("1.2.3");
        assertThat(available.getDatasets().getBytes()).isEqualTo(30L);

        // 5 x 10 s allowed: still available at 50 s of silence, unknown after
        assertThat(builder.health(state, T0.plusSeconds(55))).isEqualTo(MemberHealth.AVAILABLE);
        assertThat(builder.health(state, T0.plusSeconds(56))).isEqualTo(MemberHealth.UNKNOWN);
        Condition silent = condition(builder.build(state, T0.plusSeconds(56)), "Available");
        assertThat(silent.getStatus()).isEqualTo("Unknown");
        assertThat(silent.getReason()).isEqualTo("HeartbeatsStopped");

        state.heartbeat(report(10, "False"), T0.plusSeconds(60));
        assertThat(builder.health(state, T0.plusSeconds(60))).isEqualTo(MemberHealth.UNAVAILABLE);
    }

    @Test
    void afterARestartEveryMemberGetsAFullWindow() {
        Instant restart = T0.plus(Duration.ofHours(1));
        MemberStatusBuilder restarted = new MemberStatusBuilder(5, Duration.ofSeconds(30), restart);
        MemberState state = member(true);
        state.heartbeat(report(30, "True"), T0); // as read back from status: an hour old
        assertThat(restarted.health(state, restart.plusSeconds(60)))
                .isEqualTo(MemberHealth.AVAILABLE);
        assertThat(restarted.health(state, restart.plusSeconds(151)))
                .isEqualTo(MemberHealth.UNKNOWN);
    }

    @Test
    void revokedWins() {
        MemberState state = member(true);
        state.resource().getSpec().setRevoked(true);
        state.heartbeat(report(10, "True"), T0);
        assertThat(builder.health(state, T0)).isEqualTo(MemberHealth.REVOKED);
        assertThat(condition(builder.build(state, T0), "Available").getReason())
                .isEqualTo("Revoked");
    }

    @Test
    void transitionTimesAreKeptAndHeartbeatTimeAloneIsNoChange() {
        MemberState state = member(true);
        state.heartbeat(report(10, "True"), T0);
        FederationMemberStatus first = builder.build(state, T0);
        state.written = first;
        state.heartbeat(report(10, "True"), T0.plusSeconds(10));
        FederationMemberStatus second = builder.build(state, T0.plusSeconds(10));
        assertThat(condition(second, "Available").getLastTransitionTime())
                .isEqualTo(condition(first, "Available").getLastTransitionTime());
        assertThat(second.getLastHeartbeat()).isNotEqualTo(first.getLastHeartbeat());
        assertThat(MemberStatusBuilder.differs(first, second)).isFalse();

        state.heartbeat(
                new HeartbeatReport(null, "1.2.4", NodeRole.DATA, 10, List.of(), null, null),
                T0.plusSeconds(20));
        assertThat(MemberStatusBuilder.differs(first, builder.build(state, T0.plusSeconds(20))))
                .isTrue();
    }

    @Test
    void transitionTimeMovesOnlyWithTheStatusAndTheWrittenStatusIsNotChanged() {
        MemberState state = member(true);
        state.heartbeat(report(10, "True"), T0);
        FederationMemberStatus first = builder.build(state, T0.plusMillis(700));
        assertThat(condition(first, "Available").getLastTransitionTime())
                .as("whole seconds, RFC 3339 UTC")
                .isEqualTo("2026-01-01T10:00:00Z");
        state.written = first; // as if read from the informer's cache
        String before = condition(first, "Available").toString();

        FederationMemberStatus silent = builder.build(state, T0.plusSeconds(56));
        assertThat(condition(silent, "Available").getStatus()).isEqualTo("Unknown");
        assertThat(condition(silent, "Available").getLastTransitionTime())
                .isEqualTo("2026-01-01T10:00:56Z");
        assertThat(condition(silent, "Enrolled").getLastTransitionTime())
                .as("Enrolled did not change")
                .isEqualTo("2026-01-01T10:00:00Z");
        assertThat(condition(first, "Available").toString())
                .as("the previous status is only read")
                .isEqualTo(before);
        assertThat(MemberStatusBuilder.differs(first, silent)).isTrue();
    }

    static MemberState member(boolean enrolled) {
        FederationMember m = new FederationMember();
        m.getMetadata().setName("m");
        m.getMetadata().setNamespace("ns");
        m.getMetadata().setUid("uid");
        m.getMetadata().setGeneration(3L);
        FederationMemberSpec spec = new FederationMemberSpec();
        spec.setNodeId("node");
        spec.setRole(NodeRole.HYBRID);
        m.setSpec(spec);
        MemberState state = new MemberState("node");
        state.resource(m);
        if (enrolled) {
            MemberCertificate c = new MemberCertificate();
            c.setSerialNumber("abc");
            c.setNotAfter(T0.plus(Duration.ofDays(30)).toString());
            state.certificate(c);
        }
        return state;
    }

    static HeartbeatReport report(int interval, String ready) {
        return new HeartbeatReport(
                "node",
                "1.2.3",
                NodeRole.HYBRID,
                interval,
                List.of(new HeartbeatReport.NodeCondition("Ready", ready, "Because", null)),
                new HeartbeatReport.Gpus(4, 1),
                List.of(
                        new HeartbeatReport.Dataset("b", 1L, 10L, true),
                        new HeartbeatReport.Dataset("a", 2L, 20L, true)));
    }

    static Condition condition(FederationMemberStatus status, String type) {
        return status.getConditions().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow();
    }
}
