package io.fednode.hub.fleet;

import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberStatus;
import io.fednode.hub.heartbeat.HeartbeatReport;
import io.fednode.hub.member.MemberHealth;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.MemberStatusBuilder;
import io.fednode.hub.member.Members;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The fleet as the hub sees it right now (from memory, so fresher than the resources). */
public final class FleetView {
    private final Members members;
    private final MemberStatusBuilder builder;
    private final Clock clock;

    public FleetView(Members members, MemberStatusBuilder builder, Clock clock) {
        this.members = members;
        this.builder = builder;
        this.clock = clock;
    }

    /** One row of the fleet. */
    public record MemberRow(
            String nodeId,
            String name,
            String namespace,
            String displayName,
            String country,
            String role,
            MemberHealth health,
            String version,
            String lastHeartbeat,
            Integer gpuCapacity,
            Integer gpuAllocated,
            Integer datasets,
            Long datasetBytes,
            String certificateNotAfter) {}

    /** The whole fleet, with a count per health. */
    public record Fleet(
            String generatedAt, Map<MemberHealth, Integer> summary, List<MemberRow> members) {}

    public Fleet snapshot(MemberHealth filter) {
        Instant now = clock.instant();
        Map<MemberHealth, Integer> summary = new EnumMap<>(MemberHealth.class);
        for (MemberHealth h : MemberHealth.values()) {
            summary.put(h, 0);
        }
        List<MemberRow> rows =
                members.all().stream()
                        .filter(s -> s.resource() != null)
                        .map(s -> row(s, now))
                        .peek(r -> summary.merge(r.health(), 1, Integer::sum))
                        .filter(r -> filter == null || r.health() == filter)
                        .sorted(Comparator.comparing(MemberRow::nodeId))
                        .toList();
        return new Fleet(now.toString(), summary, rows);
    }

    public Map<MemberHealth, Integer> counts() {
        return snapshot(null).summary();
    }

    private MemberRow row(MemberState state, Instant now) {
        FederationMember r = state.resource();
        HeartbeatReport report = state.lastReport();
        FederationMemberStatus status = r.getStatus();
        String version =
                report != null ? report.version() : status == null ? null : status.getVersion();
        Integer capacity = null;
        Integer allocated = null;
        if (report != null && report.gpus() != null) {
            capacity = report.gpus().capacity();
            allocated = report.gpus().allocated();
        } else if (status != null && status.getGpus() != null) {
            capacity = status.getGpus().getCapacity();
            allocated = status.getGpus().getAllocated();
        }
        Integer datasets = null;
        Long bytes = null;
        if (report != null && report.datasets() != null) {
            datasets = report.datasets().size();
            bytes =
                    report.datasets().stream()
                            .mapToLong(d -> d.bytes() == null ? 0 : d.bytes())
                            .sum();
        } else if (status != null && status.getDatasets() != null) {
            datasets = status.getDatasets().getCount();
            bytes = status.getDatasets().getBytes();
        }
        return new MemberRow(
                state.nodeId(),
                r.getMetadata().getName(),
                r.getMetadata().getNamespace(),
                r.getSpec().getDisplayName(),
                r.getSpec().getCountry(),
                r.getSpec().getRole() == null ? null : r.getSpec().getRole().name().toLowerCase(),
                builder.health(state, now),
                version,
                state.lastHeartbeat() == null ? null : state.lastHeartbeat().toString(),
                capacity,
                allocated,
                datasets,
                bytes,
                state.certificate() == null ? null : state.certificate().getNotAfter());
    }
}
