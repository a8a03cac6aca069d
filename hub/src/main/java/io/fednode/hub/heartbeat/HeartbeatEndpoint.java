package io.fednode.hub.heartbeat;

import io.fednode.hub.http.ApiException;
import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.server.Request;

/**
 * {@code POST /api/v1/heartbeat} over mTLS. Only touches memory: the status sync decides what, if
 * anything, the API server hears.
 */
public final class HeartbeatEndpoint extends JsonEndpoint<HeartbeatReport, MemberState> {
    public static final int MAX_BODY_BYTES = 32 * 1024;

    private final Members members;
    private final Clock clock;
    private final Counter accepted;
    private final Counter rejected;
    private final Timer duration;
    private final Function<String, List<JobRef>> jobs;

    public HeartbeatEndpoint(Members members, Clock clock, MeterRegistry meters) {
        this(members, clock, meters, nodeId -> List.of());
    }

    /**
     * @param jobs the federated jobs to list for a node in its heartbeat response
     */
    public HeartbeatEndpoint(
            Members members,
            Clock clock,
            MeterRegistry meters,
            Function<String, List<JobRef>> jobs) {
        super("heartbeat", HeartbeatReport.class, MAX_BODY_BYTES, meters);
        this.members = members;
        this.jobs = jobs;
        this.clock = clock;
        this.accepted = heartbeats(meters, "accepted");
        this.rejected = heartbeats(meters, "rejected");
        this.duration =
                Timer.builder("fednode_hub_heartbeat_duration")
                        .description("time to handle one heartbeat, from its headers to the answer")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(10))
                        .register(meters);
    }

    private static Counter heartbeats(MeterRegistry meters, String outcome) {
        return Counter.builder("fednode_hub_heartbeats")
                .description("heartbeats received: accepted (200) or rejected (any other answer)")
                .tag("outcome", outcome)
                .register(meters);
    }

    @Override
    protected void answered(int status, RuntimeException error, long nanos) {
        (status == 200 ? accepted : rejected).increment();
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    protected MemberState authenticate(Request request) {
        return NodeIdentity.authenticate(request, members);
    }

    @Override
    protected Object handle(HeartbeatReport report, MemberState member) {
        report.validate();
        if (report.nodeId() != null && !report.nodeId().equals(member.nodeId())) {
            throw ApiException.forbidden("a node can only report for itself");
        }
        Instant now = clock.instant();
        member.heartbeat(report, now);
        return new HeartbeatResponse(
                member.nodeId(),
                now.toString(),
                member.certificate() == null ? null : member.certificate().getNotAfter(),
                jobs.apply(member.nodeId()));
    }

    /**
     * Acknowledgement, with the certificate expiry the hub has on record and the federated jobs the
     * node has work in (fetch each with {@code /api/v1/jobs/fetch}).
     */
    public record HeartbeatResponse(
            String nodeId, String receivedAt, String certificateNotAfter, List<JobRef> jobs) {}

    /** A federated job with work for the node: its UID, generation and namespace/name. */
    public record JobRef(String uid, long generation, String name) {}
}
