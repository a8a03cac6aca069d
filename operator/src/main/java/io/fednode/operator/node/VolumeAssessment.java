package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fednode.api.v1alpha1.FederationNodeConditions.Reasons;
import io.fednode.api.v1alpha1.VolumeSpec;
import io.fednode.operator.common.VolumeKind;
import java.util.HashSet;
import java.util.List;

/** How one declared volume stands, judged from the spec and the claim that exists. */
public record VolumeAssessment(VolumeKind kind, State state, String reason, String message) {

    public enum State {
        READY,
        /** Waiting on the cluster (binding, resizing); no action from the user needed. */
        PENDING,
        /** Cannot progress until the user changes the spec (or the cluster's storage setup). */
        BLOCKED
    }

    /**
     * @param rejection the API server's message when it refused to apply the claim, else null
     */
    public static VolumeAssessment of(
            VolumeKind kind,
            VolumeSpec declared,
            String claimName,
            PersistentVolumeClaim claim,
            String rejection) {
        String field = kind.fieldPath();
        if (rejection != null) {
            return new VolumeAssessment(
                    kind,
                    State.BLOCKED,
                    Reasons.VOLUME_CLAIM_REJECTED,
                    field + ": the API server rejected claim " + claimName + ": " + rejection);
        }
        if (claim == null) {
            return new VolumeAssessment(
                    kind,
                    State.PENDING,
                    Reasons.VOLUME_CLAIM_CREATING,
                    "creating claim " + claimName);
        }
        Quantity declaredSize = new Quantity(declared.getSize());
        Quantity requested = VolumeClaim.currentRequest(claim);
        if (requested != null && VolumeClaim.compare(declaredSize, requested) < 0) {
            return new VolumeAssessment(
                    kind,
                    State.BLOCKED,
                    Reasons.VOLUME_SHRINK_NOT_ALLOWED,
                    field
                            + ".size is "
                            + declared.getSize()
                            + " but claim "
                            + claimName
                            + " already requests "
                            + requested
                            + "; volumes never shrink (set the size to at least "
                            + requested
                            + ")");
        }
        String storageClass = claim.getSpec().getStorageClassName();
        if (declared.getStorageClassName() != null
                && !declared.getStorageClassName().equals(storageClass)) {
            return immutable(
                    kind,
                    claimName,
                    field + ".storageClassName",
                    declared.getStorageClassName(),
                    String.valueOf(storageClass));
        }
        if (declared.getAccessModes() != null && !declared.getAccessModes().isEmpty()) {
            List<String> wanted = declared.getAccessModes().stream().map(Enum::name).toList();
            List<String> actual = claim.getSpec().getAccessModes();
            if (actual == null || !new HashSet<>(wanted).equals(new HashSet<>(actual))) {
                return immutable(
                        kind,
                        claimName,
                        field + ".accessModes",
                        wanted.toString(),
                        String.valueOf(actual));
            }
        }
        boolean growing = requested != null && VolumeClaim.compare(declaredSize, requested) > 0;
        if (!VolumeClaim.isBound(claim)) {
            String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
            return new VolumeAssessment(
                    kind,
                    State.PENDING,
                    Reasons.VOLUME_CLAIM_PENDING,
                    "claim "
                            + claimName
                            + " is "
                            + (phase == null ? "Pending" : phase)
                            + ", waiting for a volume"
                            + (storageClass == null ? "" : " of StorageClass " + storageClass)
                            + (growing
                                    ? "; the new size "
                                            + declared.getSize()
                                            + " is applied once it is bound"
                                    : ""));
        }
        Quantity capacity = VolumeClaim.capacity(claim);
        if (capacity == null || VolumeClaim.compare(capacity, declaredSize) < 0) {
            return new VolumeAssessment(
                    kind,
                    State.PENDING,
                    Reasons.VOLUME_EXPANSION_IN_PROGRESS,
                    "claim "
                            + claimName
                            + " has "
                            + capacity
                            + ", expanding to "
                            + declared.getSize());
        }
        return new VolumeAssessment(
                kind,
                State.READY,
                Reasons.VOLUME_CLAIM_BOUND,
                claimName + " bound (" + capacity + ")");
    }

    private static VolumeAssessment immutable(
            VolumeKind kind, String claimName, String field, String wanted, String actual) {
        return new VolumeAssessment(
                kind,
                State.BLOCKED,
                Reasons.VOLUME_SPEC_IMMUTABLE,
                field
                        + " is "
                        + wanted
                        + " but claim "
                        + claimName
                        + " was created with "
                        + actual
                        + " and a claim cannot change it; restore the field or move the data to a"
                        + " new claim");
    }
}
