package io.fednode.hub.heartbeat;

import io.fednode.hub.http.ApiException;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.Members;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * The caller's identity is the client certificate TLS verified against the federation CA: its CN is
 * the nodeId, and its serial must be the one the hub last issued to that member (or the one before,
 * until it expires). Deleted and revoked members are refused at once.
 */
public final class NodeIdentity {
    private NodeIdentity() {}

    public static MemberState authenticate(Request request, Members members, Instant now) {
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
        if (!state.acceptsSerial(cert.getSerialNumber(), now)) {
            throw ApiException.forbidden("certificate is no longer valid for this member");
        }
        return state;
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
