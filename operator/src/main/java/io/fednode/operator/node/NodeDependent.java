package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions.Reasons;
import io.fednode.operator.common.EventRecorder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One object a FederationNode owns, one node of the node's JOSDK workflow ({@link NodeWorkflow}).
 * Its {@code desired()} is a function of the node (and, for volumes, of the claim that exists);
 * {@link #requiredFor} is its reconcile precondition: when it does not hold, the workflow deletes a
 * {@link Removable} object and leaves any other alone. What a dependent does that people should
 * know of (an object created, grown, restored, removed) it records as an Event right where it does
 * it.
 *
 * <p>Several dependents of one type share one informer (filtered to objects this operator manages),
 * so each picks its own object by name.
 */
abstract class NodeDependent<R extends HasMetadata>
        extends KubernetesDependentResource<R, FederationNode>
        implements Creator<R, FederationNode>, Updater<R, FederationNode> {

    static final EventRecorder EVENTS = new EventRecorder();

    NodeDependent(Class<R> type, String name) {
        super(type, name);
    }

    /** Whether the node, as its spec stands, needs this object. */
    abstract boolean requiredFor(FederationNode node);

    /** The object's name; stable, so a re-created node adopts what it left behind. */
    abstract String objectName(FederationNode node);

    /** Short description for events and messages, e.g. {@code NetworkPolicy hospital-a-dns}. */
    String describe(FederationNode node) {
        return resourceType().getSimpleName() + " " + objectName(node);
    }

    @Override
    protected abstract R desired(FederationNode node, Context<FederationNode> context);

    @Override
    protected ResourceID targetSecondaryResourceID(
            FederationNode node, Context<FederationNode> context) {
        return new ResourceID(objectName(node), node.getMetadata().getNamespace());
    }

    /**
     * Ownership is part of {@code desired()} (volumes carry an owner reference only under {@code
     * deletionPolicy: Delete}); JOSDK must not add references or mapping annotations of its own.
     */
    @Override
    protected void addReferenceHandlingMetadata(R desired, FederationNode primary) {}

    /**
     * An existing object is left as it is while a new operator version's roll-forward waits for the
     * node's maintenance window ({@link RollForward}); otherwise {@link #matchDesired} decides.
     */
    @Override
    public final Result<R> match(R actual, FederationNode node, Context<FederationNode> context) {
        if (RollForward.heldIn(context)) {
            return Result.nonComputed(true);
        }
        return matchDesired(actual, node, context);
    }

    /** Whether {@code actual} is as this operator wants it (default: JOSDK's SSA comparison). */
    Result<R> matchDesired(R actual, FederationNode node, Context<FederationNode> context) {
        return super.match(actual, node, context);
    }

    /** Our labels are present and the owner references we manage are exactly the desired ones. */
    static boolean metadataMatches(HasMetadata actual, HasMetadata desired) {
        Map<String, String> actualLabels = actual.getMetadata().getLabels();
        boolean labels =
                desired.getMetadata().getLabels() == null
                        || (actualLabels != null
                                && actualLabels
                                        .entrySet()
                                        .containsAll(desired.getMetadata().getLabels().entrySet()));
        return labels && ownerUids(actual).equals(ownerUids(desired));
    }

    private static List<String> ownerUids(HasMetadata object) {
        List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
        return refs == null
                ? List.of()
                : refs.stream()
                        .filter(r -> FederationNode.class.getSimpleName().equals(r.getKind()))
                        .map(OwnerReference::getUid)
                        .filter(Objects::nonNull)
                        .sorted()
                        .toList();
    }

    /** A dependent the node stops needing when its role or spec changes; it is then deleted. */
    abstract static class Removable<R extends HasMetadata> extends NodeDependent<R>
            implements Deleter<FederationNode> {
        Removable(Class<R> type, String name) {
            super(type, name);
        }

        /** Called by the workflow when {@link #requiredFor} does not hold (null: nothing there). */
        @Override
        protected void handleDelete(
                FederationNode node, R secondary, Context<FederationNode> context) {
            if (secondary == null || RollForward.heldIn(context)) {
                return; // a removal the new version wants waits with its roll-forward
            }
            super.handleDelete(node, secondary, context);
            EVENTS.record(
                    context.getClient(),
                    node,
                    EventRecorder.NORMAL,
                    Reasons.REMOVED,
                    "removed "
                            + describe(node)
                            + ": not needed for role "
                            + node.getSpec().getRole().name().toLowerCase()
                            + " with this spec");
        }
    }
}
