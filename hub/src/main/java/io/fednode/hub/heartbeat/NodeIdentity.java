package io.fednode.hub.heartbeat;

import io.fednode.hub.http.ApiException;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * The caller's identity is the client certificate TLS verified against the federation CA: its CN is
 * the nodeId, and its serial must be the one the hub last issued to that member (an older one only
 * for the renewal retry, see {@link #caller}). Deleted and revoked members are refused at once.
 */
public final class NodeIdentity {
    private NodeIdentity() {}

    /** A caller: its member and the serial of the certificate it presented. */
    public record Caller(MemberState state, BigInteger serial) {}

    public static MemberState authenticate(Request request, Members members) {
        Caller caller = caller(request, members);
        if (!caller.state().acceptsSerial(caller.serial())) {
            throw ApiException.forbidden(NOT_CURRENT);
        }
        return caller.state();
    }

    public static final String NOT_CURRENT = "certificate is no longer valid for this member";

    /** The member the certificate names, not yet checking that its serial is current. */
    public static Caller caller(Request request, Members members) {
        X509Certificate cert = clientCertificate(request);
        if (cert == null) {
            throw ApiException.unauthorized(
                    "a client certificate from the federation CA is required");
        }
        String nodeId = commonName(cert);
        MemberState state = nodeId == null ? null : members.byNodeId(nodeId);
        if (state == null) {
            throw ApiException.forbidden("not a member of this federation");
        }
        if (state.revoked()) {
            throw ApiException.forbidden("membership revoked");
        }
        return new Caller(state, cert.getSerialNumber());
    }

    static X509Certificate clientCertificate(Request request) {
        Object data = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        if (data instanceof EndPoint.SslSessionData ssl
                && ssl.peerCertificates() != null
                && ssl.peerCertificates().length > 0) {
            return ssl.peerCertificates()[0];
        }
        return null;
    }

    static String commonName(X509Certificate cert) {
        RDN[] cns =
                X500Name.getInstance(cert.getSubjectX500Principal().getEncoded())
                        .getRDNs(BCStyle.CN);
        return cns.length == 1 ? IETFUtils.valueToString(cns[0].getFirst().getValue()) : null;
    }
}
