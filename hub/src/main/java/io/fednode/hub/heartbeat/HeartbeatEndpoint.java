package io.fednode.hub.heartbeat;

import io.fednode.hub.http.ApiException;
import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import org.eclipse.jetty.server.Request;

/**
 * {@code POST /api/v1/heartbeat} over mTLS. Only touches memory: the status sync decides what, if
 * anything, the API server hears.
 */
public final class HeartbeatEndpoint extends JsonEndpoint<HeartbeatReport, MemberState> {
    public static final int MAX_BODY_BYTES = 32 * 1024;

    private final Members members;
    private final Clock clock;

    public HeartbeatEndpoint(Members members, Clock clock, MeterRegistry meters) {
        super("heartbeat", HeartbeatReport.class, MAX_BODY_BYTES, meters);
        this.members = members;
        this.clock = clock;
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
                member.certificate() == null ? null : member.certificate().getNotAfter());
    }

    /** Acknowledgement, with the certificate expiry the hub has on record. */
    public record HeartbeatResponse(String nodeId, String receivedAt, String certificateNotAfter) {}
}
