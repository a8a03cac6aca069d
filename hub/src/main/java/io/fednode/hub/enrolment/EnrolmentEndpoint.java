package io.fednode.hub.enrolment;

import io.fednode.hub.http.ApiException;
import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.member.JoinTokens;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The {@code reason} label of {@code fednode_hub_enrolments_total}: {@code none} when enrolled,
     * else why the hub refused (bounded; the caller only ever sees "join token refused" or the
     * request error).
     */
    public static final List<String> REASONS =
            List.of(
                    "none",
                    "invalid_request",
                    "no_member",
                    "revoked",
                    "no_token",
                    "token_wrong_node",
                    "token_expired",
                    "token_mismatch",
                    "token_already_used",
                    "timeout",
                    "too_large",
                    "busy",
                    "internal_error",
                    "other");

    private final Members members;
    private final JoinTokens tokens;
    private final CertificateIssuer issuer;
    private final Map<String, Counter> outcomes = new HashMap<>();

    public EnrolmentEndpoint(
            Members members, JoinTokens tokens, CertificateIssuer issuer, MeterRegistry meters) {
        super("enrol", EnrolmentRequest.class, MAX_BODY_BYTES, meters);
        this.members = members;
        this.tokens = tokens;
        this.issuer = issuer;
        for (String reason : REASONS) {
            outcomes.put(
                    reason,
                    Counter.builder("fednode_hub_enrolments")
                            .description("enrolment attempts by outcome and refusal reason")
                            .tag("outcome", reason.equals("none") ? "enrolled" : "refused")
                            .tag("reason", reason)
                            .register(meters));
        }
    }

    /** A refusal that knows its {@link #REASONS} entry. */
    private static final class Refused extends ApiException {
        final String reason;

        Refused(ApiException answer, String reason) {
            super(answer.status(), answer.getMessage());
            this.reason = reason;
        }
    }

    @Override
    protected void answered(int status, RuntimeException error, long nanos) {
        String reason =
                switch (status) {
                    case 200 -> "none";
                    case 400 -> "invalid_request";
                    case 408 -> "timeout";
                    case 413 -> "too_large";
                    case 503 -> "busy";
                    case 500 -> "internal_error";
                    default -> "other";
                };
        if (error instanceof Refused r) {
            reason = r.reason;
        }
        outcomes.get(reason).increment();
    }

    private static String reason(JoinTokens.Refusal refusal) {
        return switch (refusal) {
            case NO_TOKEN -> "no_token";
            case WRONG_NODE -> "token_wrong_node";
            case EXPIRED -> "token_expired";
            case MISMATCH -> "token_mismatch";
            case ALREADY_USED -> "token_already_used";
        };
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
            throw new Refused(
                    ApiException.forbidden(REFUSED), state == null ? "no_member" : "revoked");
        }
        synchronized (state) {
            state.enrolling(true);
            try {
                JoinTokens.Refusal refusal = tokens.redeem(state, body.token(), csr.publicKey());
                if (refusal != null) {
                    LOG.warn("enrolment of {} refused: {}", csr.nodeId(), refusal);
                    throw new Refused(ApiException.forbidden(REFUSED), reason(refusal));
                }
                LOG.info("node {} enrolled; join token burnt", csr.nodeId());
                return issuer.issue(state, csr.publicKey(), CertificateIssuer.Kind.ENROLMENT);
            } finally {
                state.enrolling(false);
            }
        }
    }
}
