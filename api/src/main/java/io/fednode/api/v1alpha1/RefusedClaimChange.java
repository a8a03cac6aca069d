package io.fednode.api.v1alpha1;

import java.util.Objects;

/**
 * A change to one of the node's PersistentVolumeClaims that the API server refused (for example an
 * expansion where the StorageClass does not allow it). Kept in the status so that the operator —
 * this instance, a restarted one or a new leader — does not send the same refused request again
 * until the spec asks for something else or the claim is replaced.
 */
public class RefusedClaimChange {
    /** The claim's name. */
    private String claim;

    /** The uid of the claim the change was refused for; a new claim of that name is tried anew. */
    private String claimUid;

    /** The storage request that was refused (a Kubernetes quantity, e.g. 2Gi). */
    private String request;

    /** The API server's message. */
    private String message;

    public RefusedClaimChange() {}

    public RefusedClaimChange(String claim, String claimUid, String request, String message) {
        this.claim = claim;
        this.claimUid = claimUid;
        this.request = request;
        this.message = message;
    }

    public String getClaim() {
        return claim;
    }

    public void setClaim(String claim) {
        this.claim = claim;
    }

    public String getClaimUid() {
        return claimUid;
    }

    public void setClaimUid(String claimUid) {
        this.claimUid = claimUid;
    }

    public String getRequest() {
        return request;
    }

    public void setRequest(String request) {
        this.request = request;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    /** Whether this is the refusal of asking {@code request} of the claim with that uid. */
    public boolean refuses(String uid, String request) {
        return Objects.equals(claimUid, uid) && Objects.equals(this.request, request);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RefusedClaimChange r
                && Objects.equals(claim, r.claim)
                && Objects.equals(claimUid, r.claimUid)
                && Objects.equals(request, r.request)
                && Objects.equals(message, r.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(claim, claimUid, request, message);
    }
}
