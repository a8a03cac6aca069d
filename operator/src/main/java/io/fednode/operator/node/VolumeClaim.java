package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fednode.api.v1alpha1.DeletionPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.VolumeSpec;
import io.fednode.operator.common.Labels;
import io.fednode.operator.common.VolumeKind;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;
import java.util.Map;

/**
 * The claim of one declared volume. Never deleted by the operator: an owner reference (and so
 * deletion with the node) exists only under {@code deletionPolicy: Delete}, and a volume the role
 * no longer needs is left in place. Never shrunk; grown only once bound (expansion needs a bound
 * claim and a StorageClass that allows it — the status says when it is refused).
 */
public class VolumeClaim extends NodeDependent<PersistentVolumeClaim> {
    public static final String STORAGE = "storage";

    private final VolumeKind kind;

    public VolumeClaim(VolumeKind kind) {
        super(PersistentVolumeClaim.class, "volume-" + kind.key());
        this.kind = kind;
    }

    public VolumeKind kind() {
        return kind;
    }

    @Override
    boolean requiredFor(FederationNode node) {
        return kind.declaredIn(node.getSpec()) != null;
    }

    @Override
    String objectName(FederationNode node) {
        return kind.claimName(node.getMetadata().getName());
    }

    @Override
    protected PersistentVolumeClaim desired(FederationNode node, Context<FederationNode> context) {
        return desired(kind, node, getSecondaryResource(node, context).orElse(null));
    }

    /**
     * The claim the node wants, given the claim that exists (null if none). Fields Kubernetes does
     * not allow to change on a claim (storage class, access modes) keep their current values; a
     * changed request in the spec is reported in the status instead.
     */
    public static PersistentVolumeClaim desired(
            VolumeKind kind, FederationNode node, PersistentVolumeClaim actual) {
        VolumeSpec volume = kind.declaredIn(node.getSpec());
        boolean deleteWithNode = node.getSpec().getDeletionPolicy() == DeletionPolicy.Delete;
        String storageClass;
        List<String> accessModes;
        if (actual != null) {
            storageClass = actual.getSpec().getStorageClassName();
            accessModes = actual.getSpec().getAccessModes();
        } else {
            storageClass = volume.getStorageClassName();
            accessModes =
                    volume.getAccessModes() == null || volume.getAccessModes().isEmpty()
                            ? List.of(VolumeSpec.AccessMode.ReadWriteOnce.name())
                            : volume.getAccessModes().stream().map(Enum::name).toList();
        }
        return new PersistentVolumeClaimBuilder()
                .withMetadata(
                        Labels.metadata(
                                node,
                                kind.claimName(node.getMetadata().getName()),
                                "volume-" + kind.key(),
                                deleteWithNode))
                .withNewSpec()
                .withStorageClassName(storageClass)
                .withAccessModes(accessModes)
                .withNewResources()
                .withRequests(Map.of(STORAGE, request(volume, actual)))
                .endResources()
                .endSpec()
                .build();
    }

    /**
     * The storage request to apply: the declared size, except that a claim never shrinks and an
     * unbound claim cannot be expanded (the API server refuses), so it keeps its current request.
     */
    static Quantity request(VolumeSpec volume, PersistentVolumeClaim actual) {
        Quantity declared = new Quantity(volume.getSize());
        Quantity current = currentRequest(actual);
        if (current == null) {
            return declared;
        }
        int cmp = compare(declared, current);
        if (cmp < 0 || (cmp > 0 && !isBound(actual))) {
            return current;
        }
        return declared;
    }

    static Quantity currentRequest(PersistentVolumeClaim claim) {
        if (claim == null
                || claim.getSpec() == null
                || claim.getSpec().getResources() == null
                || claim.getSpec().getResources().getRequests() == null) {
            return null;
        }
        return claim.getSpec().getResources().getRequests().get(STORAGE);
    }

    static Quantity capacity(PersistentVolumeClaim claim) {
        if (claim == null || claim.getStatus() == null || claim.getStatus().getCapacity() == null) {
            return null;
        }
        return claim.getStatus().getCapacity().get(STORAGE);
    }

    static boolean isBound(PersistentVolumeClaim claim) {
        return claim != null
                && claim.getStatus() != null
                && "Bound".equals(claim.getStatus().getPhase());
    }

    static int compare(Quantity a, Quantity b) {
        return a.getNumericalAmount().compareTo(b.getNumericalAmount());
    }

    /** Only labels, our owner reference and the storage request can change on a claim. */
    @Override
    public Result<PersistentVolumeClaim> match(
            PersistentVolumeClaim actual, FederationNode node, Context<FederationNode> context) {
        PersistentVolumeClaim desired = desired(kind, node, actual);
        Quantity want = currentRequest(desired);
        Quantity have = currentRequest(actual);
        boolean matches =
                metadataMatches(actual, desired) && have != null && compare(want, have) == 0;
        return Result.computed(matches, desired);
    }
}
