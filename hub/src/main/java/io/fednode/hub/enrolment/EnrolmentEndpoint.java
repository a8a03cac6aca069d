package io.fednode.hub.enrolment;

import io.fednode.hub.http.ApiException;
import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.member.JoinTokens;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/enrol}: the only request the hub takes without a client certificate. A join
 * token and a CSR for the node's own key go in, a client certificate comes out. The token is burnt
 * and bound to that key before anything is signed; the same token with the same key is answered
 * again (a lost reply, a crash, a certificate that expired while the node was offline), within the
 * bounds {@link JoinTokens#redeem} sets. Every token refusal looks the same to the caller; the
 * reason goes to the hub's log (never the token).
 */
public final class EnrolmentEndpoint
        extends JsonEndpoint<EnrolmentEndpoint.EnrolmentRequest, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(EnrolmentEndpoint.class);
    public static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Pattern TOKEN_SHAPE = Pattern.compile("^[A-Za-z0-9_-]{16,256}$");
    private static final String REFUSED = "join token refused";

    private final Members members;
    private final JoinTokens tokens;
    private final CertificateIssuer issuer;

    public EnrolmentEndpoint(
            Members members, JoinTokens tokens, CertificateIssuer issuer, MeterRegistry meters) {
        super("enrol", EnrolmentRequest.class, MAX_BODY_BYTES, meters);
        this.members = members;
        this.tokens = tokens;
        this.issuer = issuer;
    }

    /**
     * @param nodeId the node enrolling; must be the CSR's CN
     * @param token the join token the central operators handed over
     * @param csr PEM PKCS#10 certificate request, subject CN=nodeId
     */
    public record EnrolmentRequest(String nodeId, String token, String csr) {
        @Override
        public String toString() { // keep the token out of any accidental log line
            return "EnrolmentRequest[nodeId=" + nodeId + "]";
        }
    }

    @Override
    protected Object handle(EnrolmentRequest body, Void unused) {
        if (body.nodeId() == null) {
            throw ApiException.badRequest("nodeId is required");
        }
        if (body.token() == null || !TOKEN_SHAPE.matcher(body.token()).matches()) {
            throw ApiException.badRequest("token is missing or malformed");
        }
        CsrPolicy.CheckedCsr csr = CsrPolicy.check(body.csr());
        if (!csr.nodeId().equals(body.nodeId())) {
            throw ApiException.badRequest("csr CN must be the nodeId " + body.nodeId());
        }
        MemberState state = members.byNodeId(csr.nodeId());
        if (state == null || state.revoked()) {
            LOG.warn(
                    "enrolment of {} refused: {}",
                    csr.nodeId(),
                    state == null ? "no FederationMember" : "member revoked");
            throw ApiException.forbidden(REFUSED);
        }
        synchronized (state) {
            state.enrolling(true);
            try {
                JoinTokens.Refusal refusal = tokens.redeem(state, body.token(), csr.publicKey());
                if (refusal != null) {
                    LOG.warn("enrolment of {} refused: {}", csr.nodeId(), refusal);
                    throw ApiException.forbidden(REFUSED);
                }
                LOG.info("node {} enrolled; join token burnt", csr.nodeId());
                return issuer.issue(state, csr.publicKey(), CertificateIssuer.Kind.ENROLMENT);
            } finally {
                state.enrolling(false);
            }
        }
    }
}
