package io.fednode.hub.enrolment;

import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.FederationMemberConditions.Reasons;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs a member's client certificate and records its serial in the member's status before the node
 * gets it, so a certificate the hub hands out is always one the hub will recognise.
 */
public final class CertificateIssuer {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateIssuer.class);

    /**
     * A fault point for tests only: with the system property {@code
     * fednode.hub.testing.pauseAfterRecordMillis} set, the hub waits that long after recording a
     * certificate and before answering, so a test can SIGKILL it exactly there. Unset (as in every
     * deployment) it costs nothing.
     */
    private static final long PAUSE_AFTER_RECORD_MILLIS =
            Long.getLong("fednode.hub.testing.pauseAfterRecordMillis", 0L);

    /** Why a certificate is issued. */
    public enum Kind {
        /** First enrolment, or enrolling again with the same token and key. */
        ENROLMENT,
        /** Renewal from the member's current certificate: that one becomes the previous one. */
        RENEWAL,
        /**
         * Renewal again from the previous certificate, for the key of the current one (the node did
         * not get the answer): the previous certificate stays the previous one.
         */
        RENEWAL_RETRY
    }

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

    public IssuedCertificate issue(MemberState state, PublicKey key, Kind kind) {
        boolean renewal = kind != Kind.ENROLMENT;
        X509Certificate cert = ca.signClient(state.nodeId(), key, lifetime);
        MemberCertificate record = new MemberCertificate();
        record.setSerialNumber(cert.getSerialNumber().toString(16));
        record.setNotAfter(Conditions.timestamp(cert.getNotAfter().toInstant()));
        MemberCertificate previous = state.certificate();
        if (kind == Kind.RENEWAL && previous != null) {
            record.setPreviousSerialNumber(previous.getSerialNumber());
            record.setPreviousNotAfter(previous.getNotAfter());
        } else if (kind == Kind.RENEWAL_RETRY && previous != null) {
            record.setPreviousSerialNumber(previous.getPreviousSerialNumber());
            record.setPreviousNotAfter(previous.getPreviousNotAfter());
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
                renewal ? Reasons.CERTIFICATE_RENEWED : Reasons.ENROLLED,
                "client certificate "
                        + record.getSerialNumber()
                        + " issued, valid until "
                        + record.getNotAfter());
        if (PAUSE_AFTER_RECORD_MILLIS > 0) {
            LOG.warn("testing: pausing {} ms after recording", PAUSE_AFTER_RECORD_MILLIS);
            try {
                Thread.sleep(PAUSE_AFTER_RECORD_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new IssuedCertificate(
                Pem.encode(cert, ca.certificate()),
                Pem.encode(ca.certificate()),
                record.getNotAfter());
    }
}
