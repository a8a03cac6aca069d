package io.fednode.hub.heartbeat;

import io.fednode.hub.enrolment.CertificateIssuer;
import io.fednode.hub.enrolment.CsrPolicy;
import io.fednode.hub.http.ApiException;
import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.member.JoinTokens;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.eclipse.jetty.server.Request;

/**
 * {@code POST /api/v1/renew} over mTLS: a new certificate for the caller's own nodeId, from the
 * member's current certificate only. The new key is recorded (join token ledger) before the
 * certificate is signed; a node whose renewal answer was lost still holds the previous certificate
 * and may renew from it once more, but only for that recorded key (which a thief holding an older
 * certificate does not have).
 */
public final class RenewalEndpoint
        extends JsonEndpoint<RenewalEndpoint.RenewalRequest, NodeIdentity.Caller> {
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private final Members members;
    private final JoinTokens tokens;
    private final CertificateIssuer issuer;
    private final Clock clock;

    public RenewalEndpoint(
            Members members,
            JoinTokens tokens,
            CertificateIssuer issuer,
            Clock clock,
            MeterRegistry meters) {
        super("renew", RenewalRequest.class, MAX_BODY_BYTES, meters);
        this.members = members;
        this.tokens = tokens;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** A PEM PKCS#10 request for a new key (or the same key) with CN = the caller's nodeId. */
    public record RenewalRequest(String csr) {}

    @Override
    protected NodeIdentity.Caller authenticate(Request request) {
        NodeIdentity.Caller caller = NodeIdentity.caller(request, members);
        MemberState member = caller.state();
        if (!member.acceptsSerial(caller.serial())
                && !member.isPreviousSerial(caller.serial(), clock.instant())) {
            throw ApiException.forbidden(NodeIdentity.NOT_CURRENT);
        }
        return caller;
    }

    @Override
    protected Object handle(RenewalRequest body, NodeIdentity.Caller caller) {
        MemberState member = caller.state();
        CsrPolicy.CheckedCsr csr = CsrPolicy.check(body.csr());
        if (!csr.nodeId().equals(member.nodeId())) {
            throw ApiException.forbidden("a node can only renew its own certificate");
        }
        synchronized (member) {
            if (member.acceptsSerial(caller.serial())) {
                tokens.bindKey(member, csr.publicKey());
                return issuer.issue(member, csr.publicKey(), CertificateIssuer.Kind.RENEWAL);
            }
            String name = member.resource().getMetadata().getName();
            if (member.isPreviousSerial(caller.serial(), clock.instant())
                    && tokens.isCurrentKey(name, csr.publicKey())) {
                return issuer.issue(member, csr.publicKey(), CertificateIssuer.Kind.RENEWAL_RETRY);
            }
            throw ApiException.forbidden(NodeIdentity.NOT_CURRENT);
        }
    }
}
