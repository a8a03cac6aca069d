package io.fednode.hub.heartbeat;

import io.fednode.hub.enrolment.CertificateIssuer;
import io.fednode.hub.enrolment.CsrPolicy;
import io.fednode.hub.http.ApiException;
import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.eclipse.jetty.server.Request;

/** {@code POST /api/v1/renew} over mTLS: a new certificate for the caller's own nodeId. */
public final class RenewalEndpoint
        extends JsonEndpoint<RenewalEndpoint.RenewalRequest, MemberState> {
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private final Members members;
    private final CertificateIssuer issuer;
    private final Clock clock;

    public RenewalEndpoint(
            Members members, CertificateIssuer issuer, Clock clock, MeterRegistry meters) {
        super("renew", RenewalRequest.class, MAX_BODY_BYTES, meters);
        this.members = members;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** A PEM PKCS#10 request for a new key (or the same key) with CN = the caller's nodeId. */
    public record RenewalRequest(String csr) {}

    @Override
    protected MemberState authenticate(Request request) {
        return NodeIdentity.authenticate(request, members, clock.instant());
    }

    @Override
    protected Object handle(RenewalRequest body, MemberState member) {
        CsrPolicy.CheckedCsr csr = CsrPolicy.check(body.csr());
        if (!csr.nodeId().equals(member.nodeId())) {
            throw ApiException.forbidden("a node can only renew its own certificate");
        }
        synchronized (member) {
            return issuer.issue(member, csr.publicKey(), true);
        }
    }
}
