package io.fednode.hub.member;

import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberStatus;
import io.fednode.api.v1alpha1.FederationMemberStatus.MemberCertificate;
import io.fednode.hub.heartbeat.HeartbeatReport;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Everything the hub holds in memory about one member: the resource as last seen, its certificate
 * serials, the last heartbeat, and the status last written to the API server. Heartbeats touch only
 * this object; the {@link MemberStatusSync} decides when the API server hears about it.
 */
public final class MemberState {
    private final String nodeId;
    private volatile FederationMember resource;
    private volatile MemberCertificate certificate;
    private volatile boolean enrolling;
    private volatile HeartbeatReport lastReport;
    private volatile Instant lastHeartbeat;
    private volatile Instant joinTokenExpiry;

    /** Something the status shows changed since the last write. */
    volatile boolean dirty = true;

    // Guarded by this object's monitor: what the API server has.
    FederationMemberStatus written;
    Instant writtenAt = Instant.EPOCH;
    MemberHealth writtenHealth;
    volatile boolean writeInFlight;

    MemberState(String nodeId) {
        this.nodeId = nodeId;
    }

    public String nodeId() {
        return nodeId;
    }

    public FederationMember resource() {
        return resource;
    }

    void resource(FederationMember member) {
        FederationMember previous = this.resource;
        this.resource = member;
        if (previous == null
                || !previous.getMetadata()
                        .getGeneration()
                        .equals(member.getMetadata().getGeneration())) {
            dirty = true;
        }
        FederationMemberStatus status = member.getStatus();
        if (status != null) {
            if (certificate == null && status.getCertificate() != null) {
                certificate = status.getCertificate();
            }
            if (lastHeartbeat == null && status.getLastHeartbeat() != null) {
                try {
                    lastHeartbeat = Instant.parse(status.getLastHeartbeat());
                } catch (DateTimeParseException ignored) {
                    // a hand-edited status: treat as never heard from
                }
            }
            if (written == null) {
                written = status;
            }
        }
    }

    /** Whether the status has changes the API server has not seen yet. */
    public boolean isDirty() {
        return dirty || writeInFlight;
    }

    public boolean revoked() {
        FederationMember r = resource;
        return r == null || r.getSpec() == null || r.getSpec().isRevoked();
    }

    public boolean enrolled() {
        return certificate != null && certificate.getSerialNumber() != null;
    }

    public boolean enrolling() {
        return enrolling;
    }

    public void enrolling(boolean value) {
        this.enrolling = value;
    }

    public MemberCertificate certificate() {
        return certificate;
    }

    public void certificate(MemberCertificate certificate) {
        this.certificate = certificate;
        this.dirty = true;
    }

    /**
     * Whether a client certificate with this serial may speak for the member: only the one the hub
     * issued last. An older certificate of the member (stolen, or kept by a node that was renewed)
     * is refused, so a renewal cannot fork the member's lineage.
     */
    public boolean acceptsSerial(BigInteger serial) {
        MemberCertificate c = certificate;
        return c != null && serial.toString(16).equals(c.getSerialNumber());
    }

    /**
     * Whether this is the serial the member's current certificate replaced, not yet expired: a node
     * whose renewal reply was lost still holds it (see the renewal endpoint: it may renew again,
     * for the key it renewed with, and do nothing else).
     */
    public boolean isPreviousSerial(BigInteger serial, Instant now) {
        MemberCertificate c = certificate;
        return c != null
                && serial.toString(16).equals(c.getPreviousSerialNumber())
                && c.getPreviousNotAfter() != null
                && now.isBefore(Instant.parse(c.getPreviousNotAfter()));
    }

    public void heartbeat(HeartbeatReport report, Instant at) {
        if (!report.equals(lastReport)) {
            dirty = true;
        }
        this.lastReport = report;
        this.lastHeartbeat = at;
    }

    public HeartbeatReport lastReport() {
        return lastReport;
    }

    public Instant lastHeartbeat() {
        return lastHeartbeat;
    }

    public Instant joinTokenExpiry() {
        return joinTokenExpiry;
    }

    void joinTokenExpiry(Instant expiry) {
        if (!java.util.Objects.equals(expiry, joinTokenExpiry)) {
            dirty = true;
        }
        this.joinTokenExpiry = expiry;
    }
}
