package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.v1alpha1.DeletionPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions.Reasons;
import io.fednode.api.v1alpha1.RefusedClaimChange;
import io.fednode.api.v1alpha1.VolumeSpec;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.Labels;
import io.fednode.operator.common.VolumeKind;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim of one declared volume. Never deleted by the operator: an owner reference (and so
 * deletion with the node) exists only under {@code deletionPolicy: Delete}, and a volume the role
 * no longer needs is left in place. Never shrunk; grown only once bound (expansion needs a bound
 * claim and a StorageClass that allows it — the status says when it is refused).
 */
public class VolumeClaim extends NodeDependent<PersistentVolumeClaim> {
    public static final String STORAGE = "storage";

    private static final Logger LOG = LoggerFactory.getLogger(VolumeClaim.class);

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

    /** The claim of this volume in the framework's cache (including this reconcile's writes). */
    Optional<PersistentVolumeClaim> claim(FederationNode node, Context<FederationNode> context) {
        return getSecondaryResource(node, context);
    }

    /**
     * The refusal the node's status remembers for the change the spec asks of this claim now, if
     * any: the same claim (uid) and the same request. While it holds the claim is not reconciled
     * (the change is not sent again); a changed size or a new claim of that name tries again.
     */
    Optional<RefusedClaimChange> knownRefusal(
            FederationNode node, Context<FederationNode> context) {
        return claim(node, context)
                .flatMap(
                        claim -> {
                            String uid = claim.getMetadata().getUid();
                            String request = requestOf(node, claim);
                            return NodeConditions.refusals(node).stream()
                                    .filter(r -> r.refuses(uid, request))
                                    .findFirst();
                        });
    }

    /**
     * The refusal {@code error} stands for, if the API server refused to change the existing claim
     * (403/422 that is not RBAC, e.g. an expansion the StorageClass does not allow): a state the
     * user fixes, kept in the status, not retried. Empty for any other error.
     */
    Optional<RefusedClaimChange> refusal(
            FederationNode node, Context<FederationNode> context, Exception error) {
        if (!(error instanceof KubernetesClientException e)
                || (e.getCode() != 403 && e.getCode() != 422)) {
            return Optional.empty();
        }
        String message = e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
        if (message != null && message.contains("cannot ")) {
            return Optional.empty(); // RBAC: the operator's fault, retried
        }
        return claim(node, context)
                .map(
                        claim -> {
                            LOG.info("claim {} rejected: {}", objectName(node), message);
                            return new RefusedClaimChange(
                                    objectName(node),
                                    claim.getMetadata().getUid(),
                                    requestOf(node, claim),
                                    message);
                        });
    }

    /** The storage request the spec asks of the existing claim, as the status records it. */
    private String requestOf(FederationNode node, PersistentVolumeClaim claim) {
        return String.valueOf(currentRequest(desired(kind, node, claim)));
    }

    @Override
    public PersistentVolumeClaim create(
            PersistentVolumeClaim desired, FederationNode node, Context<FederationNode> context) {
        PersistentVolumeClaim created = super.create(desired, node, context);
        EVENTS.record(
                context.getClient(),
                node,
                EventRecorder.NORMAL,
                Reasons.VOLUME_CLAIM_CREATED,
                "created PersistentVolumeClaim "
                        + objectName(node)
                        + " ("
                        + kind.declaredIn(node.getSpec()).getSize()
                        + ") for "
                        + kind.fieldPath());
        return created;
    }

    @Override
    public PersistentVolumeClaim update(
            PersistentVolumeClaim actual,
            PersistentVolumeClaim desired,
            FederationNode node,
            Context<FederationNode> context) {
        PersistentVolumeClaim updated = super.update(actual, desired, node, context);
        Quantity was = currentRequest(actual);
        Quantity now = currentRequest(updated);
        if (was != null && now != null && compare(now, was) > 0) {
            EVENTS.record(
                    context.getClient(),
                    node,
                    EventRecorder.NORMAL,
                    Reasons.VOLUME_EXPANSION_REQUESTED,
                    "requested "
                            + kind.declaredIn(node.getSpec()).getSize()
                            + " for PersistentVolumeClaim "
                            + objectName(node));
        }
        return updated;
    }

    /** Only labels, our owner reference and the storage request can change on a claim. */
    @Override
    Result<PersistentVolumeClaim> matchDesired(
            PersistentVolumeClaim actual, FederationNode node, Context<FederationNode> context) {
        PersistentVolumeClaim desired = desired(kind, node, actual);
        Quantity want = currentRequest(desired);
        Quantity have = currentRequest(actual);
        boolean matches =
                metadataMatches(actual, desired) && have != null && compare(want, have) == 0;
        return Result.computed(matches, desired);
    }
}
