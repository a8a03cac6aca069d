package io.fednode.operator.node;

import static io.fednode.api.common.ConditionTypes.FALSE;
import static io.fednode.api.common.ConditionTypes.READY;
import static io.fednode.api.common.ConditionTypes.RECONCILING;
import static io.fednode.api.common.ConditionTypes.STALLED;
import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.api.common.ConditionTypes.UNKNOWN;
import static io.fednode.api.v1alpha1.ComponentConditions.COMPONENTS_READY;
import static io.fednode.api.v1alpha1.FederationNodeConditions.CONNECTED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.NETWORK_ISOLATED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.PAUSED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.REGISTERED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.STORAGE_READY;
import static io.fednode.api.v1alpha1.FederationNodeConditions.UPGRADE_PENDING;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.ComponentConditions;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentStatus;
import io.fednode.api.v1alpha1.FederatedJobOffer;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions;
import io.fednode.api.v1alpha1.FederationNodeConditions.Reasons;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.RefusedClaimChange;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.operator.hublink.HubLinkStatus;
import io.fednode.operator.hublink.LinkCondition;
import io.fednode.operator.maintenance.MaintenanceWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds a FederationNode's status from what a reconcile observed. Pure: the same node, observation
 * and previous status give the same result, and an unchanged condition keeps its
 * lastTransitionTime, so a reconcile that changes nothing produces an identical status (and no
 * write).
 */
public final class NodeConditions {
    /** The order conditions appear in; every one is always present. */
    public static final List<String> TYPES =
            List.of(
                    READY,
                    RECONCILING,
                    STALLED,
                    STORAGE_READY,
                    NETWORK_ISOLATED,
                    REGISTERED,
                    CONNECTED,
                    COMPONENTS_READY,
                    UPGRADE_PENDING,
                    PAUSED);

    private NodeConditions() {}

    /** The status of a node that was reconciled. */
    public static FederationNodeStatus reconciled(
            FederationNode node, NodeObservation observation, Instant now) {
        return reconciled(node, observation, null, now);
    }

    /**
     * The status of a node that was reconciled, with {@code Registered} and {@code Connected} from
     * its hub link (null: no hub link in this operator, both Unknown).
     */
    public static FederationNodeStatus reconciled(
            FederationNode node,
            NodeObservation observation,
            HubLinkStatus hubLinkStatus,
            Instant now) {
        return reconciled(node, observation, hubLinkStatus, List.of(), now);
    }

    /** As above, with the statuses of the node's components (one per declared component). */
    public static FederationNodeStatus reconciled(
            FederationNode node,
            NodeObservation observation,
            HubLinkStatus hubLinkStatus,
            List<ComponentStatus> components,
            Instant now) {
        return reconciled(node, observation, hubLinkStatus, components, RollForward.NONE, now);
    }

    /**
     * As above, with whether a new operator version's roll-forward of the node's objects waits for
     * the maintenance window: {@code UpgradePending}, and the version {@code
     * status.operatorVersion} records (the one the objects are from).
     */
    static FederationNodeStatus reconciled(
            FederationNode node,
            NodeObservation observation,
            HubLinkStatus hubLinkStatus,
            List<ComponentStatus> components,
            RollForward rollForward,
            Instant now) {
        long generation = node.getMetadata().getGeneration();
        Map<String, Condition> c = new LinkedHashMap<>();

        List<VolumeAssessment> blocked = with(observation, VolumeAssessment.State.BLOCKED);
        List<VolumeAssessment> pending = with(observation, VolumeAssessment.State.PENDING);
        if (!blocked.isEmpty()) {
            put(c, STORAGE_READY, FALSE, blocked.get(0).reason(), messages(blocked), generation);
        } else if (!pending.isEmpty()) {
            put(c, STORAGE_READY, FALSE, pending.get(0).reason(), messages(pending), generation);
        } else if (observation.volumes().isEmpty()) {
            put(
                    c,
                    STORAGE_READY,
                    TRUE,
                    Reasons.NO_VOLUMES_DECLARED,
                    "spec.storage declares no volumes",
                    generation);
        } else {
            put(
                    c,
                    STORAGE_READY,
                    TRUE,
                    Reasons.VOLUMES_BOUND,
                    messages(observation.volumes()),
                    generation);
        }

        if (observation.missingNetworkPolicies().isEmpty()) {
            put(
                    c,
                    NETWORK_ISOLATED,
                    TRUE,
                    Reasons.DEFAULT_DENY_IN_PLACE,
                    "namespace "
                            + node.getMetadata().getNamespace()
                            + " denies all ingress and egress except DNS"
                            + (observation.federationEgress()
                                    ? " and egress to spec.connectivity.egressCIDRs for workloads"
                                            + " that talk to the federation"
                                    : "")
                            + " (NetworkPolicies "
                            + String.join(", ", observation.networkPolicies())
                            + ")",
                    generation);
        } else {
            put(
                    c,
                    NETWORK_ISOLATED,
                    FALSE,
                    Reasons.NETWORK_POLICIES_MISSING,
                    "NetworkPolicies not in place: "
                            + String.join(", ", observation.missingNetworkPolicies()),
                    generation);
        }

        String hubLink = "this reconciler runs no hub link for the node";
        if (hubLinkStatus == null) {
            put(c, REGISTERED, UNKNOWN, Reasons.NO_HUB_LINK, hubLink, generation);
            put(c, CONNECTED, UNKNOWN, Reasons.NO_HUB_LINK, hubLink, generation);
        } else {
            LinkCondition registered = hubLinkStatus.registered();
            LinkCondition connected = hubLinkStatus.connected();
            put(
                    c,
                    REGISTERED,
                    registered.status(),
                    registered.reason(),
                    registered.message(),
                    generation);
            put(
                    c,
                    CONNECTED,
                    connected.status(),
                    connected.reason(),
                    connected.message(),
                    generation);
        }

        componentsReady(c, node, components, generation);

        boolean keyBlocked = observation.keyProblem() != null && observation.keyUserProvided();
        Optional<Condition> stalledBy =
                !blocked.isEmpty()
                        ? Optional.of(c.get(STORAGE_READY))
                        : keyBlocked
                                ? Optional.of(
                                        condition(
                                                STALLED,
                                                TRUE,
                                                Reasons.PSEUDONYM_KEY_INVALID,
                                                observation.keyProblem()
                                                        + " (a Secret the operator did not create is"
                                                        + " never changed by it)",
                                                generation))
                                : Optional.empty();
        if (stalledBy.isPresent()) {
            put(
                    c,
                    STALLED,
                    TRUE,
                    stalledBy.get().getReason(),
                    stalledBy.get().getMessage(),
                    generation);
        } else {
            put(
                    c,
                    STALLED,
                    FALSE,
                    ConditionTypes.Reasons.NO_BLOCKING_ERRORS,
                    "nothing blocks progress",
                    generation);
        }

        Condition storage = c.get(STORAGE_READY);
        Condition network = c.get(NETWORK_ISOLATED);
        if (stalledBy.isPresent()) {
            put(
                    c,
                    READY,
                    FALSE,
                    stalledBy.get().getReason(),
                    stalledBy.get().getMessage(),
                    generation);
        } else if (!TRUE.equals(storage.getStatus())) {
            put(c, READY, FALSE, storage.getReason(), storage.getMessage(), generation);
        } else if (!TRUE.equals(network.getStatus())) {
            put(c, READY, FALSE, network.getReason(), network.getMessage(), generation);
        } else if (observation.keyProblem() != null) {
            put(
                    c,
                    READY,
                    FALSE,
                    Reasons.PSEUDONYM_KEY_MISSING,
                    observation.keyProblem(),
                    generation);
        } else if (!TRUE.equals(c.get(COMPONENTS_READY).getStatus())) {
            Condition notReady = c.get(COMPONENTS_READY);
            put(c, READY, FALSE, notReady.getReason(), notReady.getMessage(), generation);
        } else {
            put(
                    c,
                    READY,
                    TRUE,
                    Reasons.NODE_READY,
                    "volumes bound, namespace isolated, pseudonymisation key in place"
                            + (enabled(node).isEmpty() ? "" : ", components ready"),
                    generation);
        }

        Condition ready = c.get(READY);
        if (stalledBy.isEmpty() && !TRUE.equals(ready.getStatus())) {
            put(c, RECONCILING, TRUE, ready.getReason(), ready.getMessage(), generation);
        } else {
            put(c, RECONCILING, FALSE, Reasons.CONVERGED, "the node matches its spec", generation);
        }
        upgradePending(c, rollForward, generation);
        put(c, PAUSED, FALSE, Reasons.NOT_PAUSED, "reconciling normally", generation);

        FederationNodeStatus status = new FederationNodeStatus();
        status.setOperatorVersion(rollForward.recordedVersion());
        status.setObservedGeneration(generation);
        status.setConditions(ordered(c, node.getStatus(), now));
        status.setRefusedClaimChanges(new ArrayList<>(observation.refusedClaimChanges()));
        status.setFederatedJobs(
                hubLinkStatus == null
                        ? new ArrayList<>(federatedJobs(node.getStatus()))
                        : new ArrayList<>(hubLinkStatus.federatedJobs()));
        status.setComponents(new ArrayList<>(components));
        return status;
    }

    /** UpgradePending: True while a roll-forward waits for the window, naming its opening. */
    private static void upgradePending(
            Map<String, Condition> c, RollForward rollForward, long generation) {
        if (!rollForward.held()) {
            put(
                    c,
                    UPGRADE_PENDING,
                    FALSE,
                    Reasons.UP_TO_DATE,
                    "the node's objects are as operator "
                            + OperatorIdentity.version()
                            + " makes them",
                    generation);
            return;
        }
        put(
                c,
                UPGRADE_PENDING,
                TRUE,
                rollForward.window() instanceof MaintenanceWindow.Closed
                        ? ComponentConditions.Reasons.OUTSIDE_MAINTENANCE_WINDOW
                        : ComponentConditions.Reasons.MAINTENANCE_WINDOW_INVALID,
                rollForward.message(),
                generation);
    }

    private static List<ComponentSpec> enabled(FederationNode node) {
        return node.getSpec().getComponents().stream().filter(ComponentSpec::isEnabled).toList();
    }

    /** ComponentsReady: every enabled component's Ready is True. */
    private static void componentsReady(
            Map<String, Condition> c,
            FederationNode node,
            List<ComponentStatus> components,
            long generation) {
        List<ComponentSpec> enabled = enabled(node);
        if (enabled.isEmpty()) {
            put(
                    c,
                    COMPONENTS_READY,
                    TRUE,
                    ComponentConditions.Reasons.NO_COMPONENTS,
                    "spec.components declares no enabled component",
                    generation);
            return;
        }
        for (ComponentSpec spec : enabled) {
            Optional<Condition> ready =
                    components.stream()
                            .filter(s -> spec.getName().equals(s.getName()))
                            .findFirst()
                            .flatMap(s -> Conditions.find(s.getConditions(), READY));
            if (ready.isEmpty() || !TRUE.equals(ready.get().getStatus())) {
                put(
                        c,
                        COMPONENTS_READY,
                        FALSE,
                        ComponentConditions.Reasons.COMPONENT_NOT_READY,
                        "component "
                                + spec.getName()
                                + " is not ready: "
                                + ready.map(Condition::getMessage).orElse("not installed yet"),
                        generation);
                return;
            }
        }
        put(
                c,
                COMPONENTS_READY,
                TRUE,
                ComponentConditions.Reasons.ALL_COMPONENTS_READY,
                enabled.size() + " component(s) deployed and ready",
                generation);
    }

    /**
     * The previous status's conditions (copies: the node is an informer-cache object), with each
     * type it lacks added as Unknown for {@code reason}.
     */
    private static Map<String, Condition> lastObserved(
            FederationNodeStatus previous, String reason, String message, long generation) {
        Map<String, Condition> c = new LinkedHashMap<>();
        if (previous != null && previous.getConditions() != null) {
            for (Condition old : previous.getConditions()) {
                c.put(old.getType(), new ConditionBuilder(old).build());
            }
        }
        for (String type : TYPES) {
            c.computeIfAbsent(type, t -> condition(t, UNKNOWN, reason, message, generation));
        }
        return c;
    }

    /**
     * The status of a paused node: what was last observed stays (including observedGeneration,
     * since a spec changed while paused has not been acted on), plus {@code Paused=True}.
     */
    public static FederationNodeStatus paused(FederationNode node, Instant now) {
        long generation = node.getMetadata().getGeneration();
        FederationNodeStatus previous = node.getStatus();
        Map<String, Condition> c =
                lastObserved(
                        previous,
                        Reasons.PAUSED,
                        "not reconciled yet: the node is paused",
                        generation);
        put(
                c,
                PAUSED,
                TRUE,
                Reasons.PAUSED_BY_ANNOTATION,
                "reconciliation is paused by the annotation "
                        + FederationNodeConditions.PAUSED_ANNOTATION
                        + "=true; remove it to resume",
                generation);
        FederationNodeStatus status = new FederationNodeStatus();
        // the objects are still what the version that last reconciled them made
        status.setOperatorVersion(previous == null ? null : previous.getOperatorVersion());
        status.setObservedGeneration(previous == null ? null : previous.getObservedGeneration());
        status.setConditions(ordered(c, previous, now));
        status.setRefusedClaimChanges(new ArrayList<>(refusals(node)));
        status.setFederatedJobs(new ArrayList<>(federatedJobs(previous)));
        status.setComponents(
                previous == null ? new ArrayList<>() : new ArrayList<>(previous.getComponents()));
        return status;
    }

    /**
     * The status after a reconcile failed with an error the operator retries: the last observation
     * stays, Ready turns False and Reconciling True, both naming the error.
     */
    public static FederationNodeStatus failed(FederationNode node, String error, Instant now) {
        long generation = node.getMetadata().getGeneration();
        FederationNodeStatus previous = node.getStatus();
        Map<String, Condition> c =
                lastObserved(
                        previous,
                        ConditionTypes.Reasons.RECONCILE_ERROR,
                        "not observed yet",
                        generation);
        String message = "reconcile failed and is retried: " + error;
        put(c, READY, FALSE, ConditionTypes.Reasons.RECONCILE_ERROR, message, generation);
        put(c, RECONCILING, TRUE, ConditionTypes.Reasons.RECONCILE_ERROR, message, generation);
        FederationNodeStatus status = new FederationNodeStatus();
        // the objects are still what the version that last reconciled them made
        status.setOperatorVersion(previous == null ? null : previous.getOperatorVersion());
        status.setObservedGeneration(previous == null ? null : previous.getObservedGeneration());
        status.setConditions(ordered(c, previous, now));
        status.setRefusedClaimChanges(new ArrayList<>(refusals(node)));
        status.setFederatedJobs(new ArrayList<>(federatedJobs(previous)));
        status.setComponents(
                previous == null ? new ArrayList<>() : new ArrayList<>(previous.getComponents()));
        return status;
    }

    /** Whether two statuses say the same thing (the API server may reorder nothing we care for). */
    public static boolean same(FederationNodeStatus a, FederationNodeStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                && Objects.equals(a.getOperatorVersion(), b.getOperatorVersion())
                && Objects.equals(byType(a), byType(b))
                && Objects.equals(refusals(a), refusals(b))
                && Objects.equals(federatedJobs(a), federatedJobs(b))
                && Objects.equals(a.getComponents(), b.getComponents());
    }

    /** The federated job offers a status holds (empty when none). */
    private static List<FederatedJobOffer> federatedJobs(FederationNodeStatus s) {
        return s == null || s.getFederatedJobs() == null ? List.of() : s.getFederatedJobs();
    }

    private static List<?> refusals(FederationNodeStatus s) {
        return s.getRefusedClaimChanges() == null ? List.of() : s.getRefusedClaimChanges();
    }

    public static Optional<Condition> find(FederationNodeStatus status, String type) {
        return Conditions.find(status == null ? null : status.getConditions(), type);
    }

    /** The refused claim changes the node's status remembers (empty when none). */
    public static List<RefusedClaimChange> refusals(FederationNode node) {
        return node.getStatus() == null || node.getStatus().getRefusedClaimChanges() == null
                ? List.of()
                : node.getStatus().getRefusedClaimChanges();
    }

    /**
     * Whether the node's status says every NetworkPolicy it needs was in place, for the spec it has
     * now (a spec change can require a policy that never existed).
     */
    public static boolean isolatedAtThisGeneration(FederationNode node) {
        return find(node.getStatus(), NETWORK_ISOLATED)
                .filter(c -> TRUE.equals(c.getStatus()))
                .filter(
                        c ->
                                Objects.equals(
                                        c.getObservedGeneration(),
                                        node.getMetadata().getGeneration()))
                .isPresent();
    }

    private static Map<String, Condition> byType(FederationNodeStatus s) {
        return s.getConditions() == null
                ? Map.of()
                : s.getConditions().stream()
                        .collect(Collectors.toMap(Condition::getType, x -> x, (x, y) -> y));
    }

    /** The conditions in {@link #TYPES} order, each keeping its transition time if unchanged. */
    private static List<Condition> ordered(
            Map<String, Condition> computed, FederationNodeStatus previous, Instant now) {
        return Conditions.settle(
                TYPES.stream().map(computed::get).toList(),
                previous == null ? null : previous.getConditions(),
                now);
    }

    private static List<VolumeAssessment> with(NodeObservation o, VolumeAssessment.State state) {
        return o.volumes().stream().filter(v -> v.state() == state).toList();
    }

    private static String messages(List<VolumeAssessment> volumes) {
        return volumes.stream().map(VolumeAssessment::message).collect(Collectors.joining("; "));
    }

    private static void put(
            Map<String, Condition> c,
            String type,
            String status,
            String reason,
            String message,
            long generation) {
        c.put(type, condition(type, status, reason, message, generation));
    }

    private static Condition condition(
            String type, String status, String reason, String message, long generation) {
        return Conditions.of(type, status, reason, message, generation);
    }
}
