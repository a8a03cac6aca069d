package io.fednode.hub.enrolment;

import io.fednode.api.v1alpha1.FederationMemberStatus.MemberCertificate;
import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import io.fednode.hub.member.MemberEvents;
import io.fednode.hub.member.MemberState;
import io.fednode.hub.member.MemberStatusSync;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Signs a member's client certificate and records its serial in the member's status before the node
 * gets it, so a certificate the hub hands out is always one the hub will recognise.
 */
public final class CertificateIssuer {
    private final FederationCa ca;
    private final Duration lifetime;
    private final MemberStatusSync statusSync;
    private final MemberEvents events;
    private final Clock clock;

    public CertificateIssuer(
            FederationCa ca,
            Duration lifetime,
            MemberStatusSync statusSync,
            MemberEvents events,
            Clock clock) {
        this.ca = ca;
        this.lifetime = lifetime;
        this.statusSync = statusSync;
        this.events = events;
        this.clock = clock;
    }

    public IssuedCertificate issue(MemberState state, PublicKey key, boolean renewal) {
        X509Certificate cert = ca.signClient(state.nodeId(), key, lifetime);
        MemberCertificate record = new MemberCertificate();
        record.setSerialNumber(cert.getSerialNumber().toString(16));
        record.setNotAfter(cert.getNotAfter().toInstant().toString());
        MemberCertificate previous = state.certificate();
        if (renewal && previous != null) {
            record.setPreviousSerialNumber(previous.getSerialNumber());
            record.setPreviousNotAfter(previous.getNotAfter());
        }
        state.certificate(record);
        Instant now = clock.instant();
        if (!statusSync.write(state, now)) {
            // do not hand out a certificate the member's status does not record
            state.certificate(previous);
            throw new IllegalStateException("cannot record the certificate in the member status");
        }
        events.normal(
                state.resource(),
                renewal ? "CertificateRenewed" : "Enrolled",
                "client certificate "
                        + record.getSerialNumber()
                        + " issued, valid until "
                        + record.getNotAfter());
        return new IssuedCertificate(
                Pem.encode(cert, ca.certificate()),
                Pem.encode(ca.certificate()),
                record.getNotAfter());
    }
}
