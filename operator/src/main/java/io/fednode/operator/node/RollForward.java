package io.fednode.operator.node;

import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.operator.maintenance.MaintenanceWindow;
import io.fednode.operator.maintenance.MaintenanceWindow.Closed;
import io.fednode.operator.maintenance.MaintenanceWindow.Open;
import io.fednode.operator.maintenance.MaintenanceWindow.Unusable;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether this operator version's roll-forward of a node's objects waits for the node's maintenance
 * window.
 *
 * <p>A node's objects were made by the operator version its {@code status.operatorVersion} names
 * (none recorded: a version before 0.2.0). When a different version reconciles the node and the
 * node declares a {@code spec.maintenanceWindow} that is closed now (or unusable), the roll-forward
 * is <b>held</b>: existing objects are neither changed nor removed (the new version's NetworkPolicy
 * rules, labels, claim metadata wait), missing ones are still made (a deleted default-deny policy
 * is a hole, not a shape), the status keeps the old version and says {@code UpgradePending=True}
 * until the window opens. Nothing is held for a node without a window, for a node the operator sees
 * for the first time, or once the user changed the spec (a generation not observed yet): a change
 * asked for is made at once, and it brings the roll-forward with it, since the running operator
 * makes every object the way it makes them.
 *
 * @param from the version the node's objects are from (null: not recorded, before 0.2.0)
 * @param window the window's verdict now; {@link Open} when no roll-forward is held
 */
record RollForward(String from, MaintenanceWindow.Verdict window) {
    /** Key in the reconcile's managed-workflow context: the dependents read it in match/delete. */
    static final String HELD = "fednode.io/roll-forward-held";

    /** Nothing waits: the node's objects are (or become now) what this version makes. */
    static final RollForward NONE = new RollForward(null, new Open());

    /**
     * The roll-forward for {@code node} judged at {@code now}, unless {@code rolledForward} (this
     * process already brought the node to its version: a stale cached status must not hold it
     * again).
     */
    static RollForward of(FederationNode node, Instant now, boolean rolledForward) {
        FederationNodeStatus status = node.getStatus();
        if (rolledForward
                || node.getSpec().getMaintenanceWindow() == null
                || status == null
                || status.getObservedGeneration() == null
                || !Objects.equals(
                        status.getObservedGeneration(), node.getMetadata().getGeneration())
                || OperatorIdentity.version().equals(status.getOperatorVersion())) {
            return NONE;
        }
        MaintenanceWindow.Verdict verdict =
                MaintenanceWindow.verdict(node.getSpec().getMaintenanceWindow(), now);
        return verdict instanceof Open
                ? NONE
                : new RollForward(status.getOperatorVersion(), verdict);
    }

    boolean held() {
        return !(window instanceof Open);
    }

    /** The version to record in status.operatorVersion: the old one while held. */
    String recordedVersion() {
        return held() ? from : OperatorIdentity.version();
    }

    /** How long until the window opens (a second after, so that reconcile finds it open). */
    Optional<Duration> opensIn(Instant now) {
        return window instanceof Closed closed
                ? Optional.of(Duration.between(now, closed.opens()).plusSeconds(1))
                : Optional.empty();
    }

    /** The version the objects are from, as a person reads it. */
    String fromShown() {
        return from == null ? "an operator before 0.2.0" : "operator " + from;
    }

    /** What UpgradePending=True says; null when nothing is held. */
    String message() {
        String what =
                "operator "
                        + OperatorIdentity.version()
                        + " keeps the node's objects as "
                        + fromShown()
                        + " made them (missing ones are made)";
        if (window instanceof Closed c) {
            return what
                    + " and rolls them forward when spec.maintenanceWindow next opens, "
                    + c.description();
        }
        if (window instanceof Unusable u) {
            return what + " until spec.maintenanceWindow is fixed: " + u.problem();
        }
        return null;
    }

    /** Marks the reconcile's dependents to hold changes to existing objects. */
    void markIn(Context<FederationNode> context) {
        context.managedWorkflowAndDependentResourceContext().put(HELD, held());
    }

    /** Whether the reconcile running the dependents holds the roll-forward. */
    static boolean heldIn(Context<FederationNode> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .get(HELD, Boolean.class)
                .orElse(false);
    }
}
