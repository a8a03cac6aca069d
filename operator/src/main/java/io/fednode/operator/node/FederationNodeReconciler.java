package io.fednode.operator.node;

import static io.fednode.api.common.ConditionTypes.READY;
import static io.fednode.api.common.ConditionTypes.STALLED;
import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.api.v1alpha1.FederationNodeConditions.CONNECTED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.NETWORK_ISOLATED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.PAUSED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.REGISTERED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.STORAGE_READY;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.RefusedClaimChange;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.Labels;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.operator.common.VolumeKind;
import io.fednode.operator.common.WorkloadKind;
import io.fednode.operator.hublink.HubLinkStatus;
import io.fednode.operator.hublink.HubLinks;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a FederationNode's namespace in shape — volumes, workload ServiceAccounts, the
 * pseudonymisation key, NetworkPolicies — and reports how it stands in the status.
 *
 * <p>Each managed object is a standalone JOSDK dependent whose {@code desired()} is computed from
 * the node; this class only decides, from the node's role and spec, which of them are reconciled
 * and which are removed (volumes are never removed). Dependents are applied with server-side apply
 * only when they differ from what exists, and the status is patched only when it changed, so a
 * reconcile with nothing to do makes no write call.
 *
 * <p>The reconciler is also called when a node is deleted ({@code triggerReconcilerOnAllEvents}):
 * it stops the node's hub link at once (already when the node is marked for deletion), and adds no
 * finalizer, so the operator needs no write on the node itself and a node is deleted even while no
 * operator runs. What the reconciler learns about a node (a refused claim change, that its
 * NetworkPolicies were in place) is kept in the node's status, not in memory, so it survives a
 * restart or a new leader and goes with the node.
 */
@ControllerConfiguration(
        name = FederationNodeReconciler.NAME,
        fieldManager = FederationNodeReconciler.FIELD_MANAGER,
        generationAwareEventProcessing = false,
        triggerReconcilerOnAllEvents = true,
        informer = @Informer(onUpdateFilter = SpecOrPauseChanged.class))
public class FederationNodeReconciler implements Reconciler<FederationNode> {
    public static final String NAME = "federationnode";
    public static final String FIELD_MANAGER = OperatorIdentity.NAME;

    private static final Logger LOG = LoggerFactory.getLogger(FederationNodeReconciler.class);

    private final List<VolumeClaim> volumes =
            Arrays.stream(VolumeKind.values()).map(VolumeClaim::new).toList();
    private final List<WorkloadServiceAccount> serviceAccounts =
            Arrays.stream(WorkloadKind.values()).map(WorkloadServiceAccount::new).toList();
    private final PseudonymKeySecret pseudonymKey = new PseudonymKeySecret();
    private final List<NodeNetworkPolicy> networkPolicies =
            List.of(
                    new NodeNetworkPolicy.DefaultDeny(),
                    new NodeNetworkPolicy.DnsEgress(),
                    new NodeNetworkPolicy.FederationEgress());
    private final EventRecorder events = new EventRecorder();

    /** Enrolment and heartbeats to the hub; null runs the operator without a hub link. */
    private final HubLinks hubLinks;

    public FederationNodeReconciler() {
        this(null);
    }

    public FederationNodeReconciler(HubLinks hubLinks) {
        this.hubLinks = hubLinks;
    }

    public static boolean isPaused(FederationNode node) {
        var annotations = node.getMetadata().getAnnotations();
        return annotations != null
                && SpecOrPauseChanged.pausedValue(
                        annotations.get(FederationNodeConditions.PAUSED_ANNOTATION));
    }

    @Override
    public List<EventSource<?, FederationNode>> prepareEventSources(
            EventSourceContext<FederationNode> context) {
        List<EventSource<?, FederationNode>> sources =
                new ArrayList<>(
                        List.of(
                                sharedInformer(context, PersistentVolumeClaim.class, volumes),
                                sharedInformer(context, ServiceAccount.class, serviceAccounts),
                                sharedInformer(context, Secret.class, List.of(pseudonymKey)),
                                sharedInformer(context, NetworkPolicy.class, networkPolicies)));
        if (hubLinks != null) {
            // Registered/Connected change between reconciles: the hub link asks for one.
            SimpleInboundEventSource<FederationNode> hubLinkChanges =
                    new SimpleInboundEventSource<>("HubLink");
            hubLinks.onChange(
                    (namespace, name) ->
                            hubLinkChanges.propagateEvent(new ResourceID(name, namespace)));
            sources.add(hubLinkChanges);
        }
        return sources;
    }

    /** One informer per type, watching only objects this operator labelled as its own. */
    private static <R extends HasMetadata> InformerEventSource<R, FederationNode> sharedInformer(
            EventSourceContext<FederationNode> context,
            Class<R> type,
            List<? extends NodeDependent<R>> dependents) {
        var config =
                InformerEventSourceConfiguration.from(type, FederationNode.class)
                        .withName(type.getSimpleName())
                        .withLabelSelector(Labels.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(Labels::primaryOf)
                        .build();
        InformerEventSource<R, FederationNode> source = new InformerEventSource<>(config, context);
        dependents.forEach(d -> d.setEventSource(source));
        return source;
    }

    @Override
    public UpdateControl<FederationNode> reconcile(
            FederationNode node, Context<FederationNode> context) {
        if (context.isPrimaryResourceDeleted() || node.isMarkedForDeletion()) {
            // Gone, or going (another controller's finalizer holds it): nothing to bring in shape.
            if (hubLinks != null) {
                hubLinks.forget(node);
            }
            return UpdateControl.noUpdate();
        }
        if (isPaused(node)) {
            return report(
                    node,
                    context,
                    withRefusals(NodeConditions.paused(node, Instant.now()), refusals(node)));
        }
        List<VolumeAssessment> volumeStates = new ArrayList<>();
        List<RefusedClaimChange> refused = new ArrayList<>();
        for (VolumeClaim volume : volumes) {
            if (volume.requiredFor(node)) {
                volumeStates.add(reconcileVolume(volume, node, context, refused));
            }
            // A volume the node no longer declares is retained: data outlives configuration.
        }

        for (WorkloadServiceAccount account : serviceAccounts) {
            reconcileOrRemove(account, node, context);
        }

        ReconcileResult<Secret> key = pseudonymKey.reconcile(node, context);
        Secret keySecret = key.getSingleResource().orElse(null);
        boolean keyUserProvided =
                keySecret != null && !PseudonymKeySecret.createdByOperator(keySecret);
        if (created(key) && !keyUserProvided) {
            events.record(
                    context.getClient(),
                    node,
                    EventRecorder.NORMAL,
                    "PseudonymKeyGenerated",
                    "generated a "
                            + PseudonymKeySecret.KEY_BYTES
                            + "-byte pseudonymisation key in Secret "
                            + PseudonymKeySecret.name(node)
                            + "; it is never rotated or overwritten");
        }

        List<String> policiesInPlace = new ArrayList<>();
        List<String> policiesMissing = new ArrayList<>();
        for (NodeNetworkPolicy policy : networkPolicies) {
            Optional<NetworkPolicy> inPlace = reconcileOrRemove(policy, node, context);
            if (policy.requiredFor(node)) {
                (inPlace.isPresent() ? policiesInPlace : policiesMissing)
                        .add(policy.objectName(node));
            }
        }

        NodeObservation observation =
                new NodeObservation(
                        volumeStates,
                        PseudonymKeySecret.problem(keySecret),
                        keyUserProvided,
                        policiesInPlace,
                        policiesMissing,
                        new NodeNetworkPolicy.FederationEgress().requiredFor(node));
        HubLinkStatus hubLink = hubLinks == null ? null : hubLinks.ensure(node);
        return report(
                node,
                context,
                withRefusals(
                        NodeConditions.reconciled(node, observation, hubLink, Instant.now()),
                        refused));
    }

    /** The refused claim changes the node's status remembers (empty when none). */
    private static List<RefusedClaimChange> refusals(FederationNode node) {
        return node.getStatus() == null || node.getStatus().getRefusedClaimChanges() == null
                ? List.of()
                : node.getStatus().getRefusedClaimChanges();
    }

    private static FederationNodeStatus withRefusals(
            FederationNodeStatus status, List<RefusedClaimChange> refused) {
        status.setRefusedClaimChanges(new ArrayList<>(refused));
        return status;
    }

    /**
     * Creates or grows one claim. A change the API server refused is remembered in the status
     * ({@code status.refusedClaimChanges}, added to {@code refused}) and not sent again while the
     * spec asks the same of the same claim, so a refused expansion costs no write per resync, after
     * a restart or on a new leader either.
     */
    private VolumeAssessment reconcileVolume(
            VolumeClaim volume,
            FederationNode node,
            Context<FederationNode> context,
            List<RefusedClaimChange> refused) {
        var declared = volume.kind().declaredIn(node.getSpec());
        String claimName = volume.objectName(node);
        Optional<PersistentVolumeClaim> before = volume.getSecondaryResource(node, context);
        String uid = before.map(claim -> claim.getMetadata().getUid()).orElse(null);
        String request =
                before.map(
                                claim ->
                                        String.valueOf(
                                                VolumeClaim.currentRequest(
                                                        VolumeClaim.desired(
                                                                volume.kind(), node, claim))))
                        .orElse(null);
        Optional<RefusedClaimChange> known =
                uid == null
                        ? Optional.empty()
                        : refusals(node).stream().filter(r -> r.refuses(uid, request)).findFirst();
        if (known.isPresent()) {
            refused.add(known.get());
            return VolumeAssessment.of(
                    volume.kind(), declared, claimName, before.get(), known.get().getMessage());
        }
        try {
            ReconcileResult<PersistentVolumeClaim> result = volume.reconcile(node, context);
            PersistentVolumeClaim claim = result.getSingleResource().orElse(null);
            if (created(result)) {
                events.record(
                        context.getClient(),
                        node,
                        EventRecorder.NORMAL,
                        "VolumeClaimCreated",
                        "created PersistentVolumeClaim "
                                + claimName
                                + " ("
                                + declared.getSize()
                                + ") for "
                                + volume.kind().fieldPath());
            } else if (before.isPresent() && grew(before.get(), claim)) {
                events.record(
                        context.getClient(),
                        node,
                        EventRecorder.NORMAL,
                        "VolumeExpansionRequested",
                        "requested "
                                + declared.getSize()
                                + " for PersistentVolumeClaim "
                                + claimName);
            }
            return VolumeAssessment.of(volume.kind(), declared, claimName, claim, null);
        } catch (KubernetesClientException e) {
            // The API server refuses claims it cannot honour (e.g. expansion where the
            // StorageClass does not allow it): a user-fixable state, reported, not retried.
            if (before.isPresent() && (e.getCode() == 403 || e.getCode() == 422) && !isRbac(e)) {
                String reason = e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
                LOG.info("claim {} rejected: {}", claimName, reason);
                refused.add(new RefusedClaimChange(claimName, uid, request, reason));
                return VolumeAssessment.of(
                        volume.kind(), declared, claimName, before.get(), reason);
            }
            throw e;
        }
    }

    private static boolean isRbac(KubernetesClientException e) {
        String message = e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
        return message != null && message.contains("cannot ");
    }

    private static boolean grew(PersistentVolumeClaim before, PersistentVolumeClaim after) {
        Quantity was = VolumeClaim.currentRequest(before);
        Quantity now = VolumeClaim.currentRequest(after);
        return was != null && now != null && VolumeClaim.compare(now, was) > 0;
    }

    /**
     * Reconciles a dependent the node needs, removes one it no longer needs. A NetworkPolicy the
     * node's status reports in place for this generation ({@code NetworkIsolated=True}) but which
     * has to be created was removed by someone else: that is announced as a Warning. The status is
     * the memory, so a restarted operator or a new leader tells it too.
     */
    private <R extends HasMetadata> Optional<R> reconcileOrRemove(
            NodeDependent.Removable<R> dependent,
            FederationNode node,
            Context<FederationNode> context) {
        if (dependent.requiredFor(node)) {
            ReconcileResult<R> result = dependent.reconcile(node, context);
            if (created(result)
                    && dependent.resourceType() == NetworkPolicy.class
                    && isolatedAtThisGeneration(node)) {
                events.record(
                        context.getClient(),
                        node,
                        EventRecorder.WARNING,
                        "NetworkPolicyRestored",
                        dependent.describe(node)
                                + " was removed by someone else and has been restored");
            }
            return result.getSingleResource();
        }
        if (dependent.getSecondaryResource(node, context).isPresent()) {
            dependent.delete(node, context);
            events.record(
                    context.getClient(),
                    node,
                    EventRecorder.NORMAL,
                    "Removed",
                    "removed "
                            + dependent.describe(node)
                            + ": not needed for role "
                            + node.getSpec().getRole().name().toLowerCase()
                            + " with this spec");
        }
        return Optional.empty();
    }

    /**
     * Whether the node's status says every NetworkPolicy it needs was in place, for the spec it has
     * now (a spec change can require a policy that never existed).
     */
    private static boolean isolatedAtThisGeneration(FederationNode node) {
        return NodeConditions.find(node.getStatus(), NETWORK_ISOLATED)
                .filter(c -> TRUE.equals(c.getStatus()))
                .filter(
                        c ->
                                Objects.equals(
                                        c.getObservedGeneration(),
                                        node.getMetadata().getGeneration()))
                .isPresent();
    }

    private static boolean created(ReconcileResult<?> result) {
        return result.getSingleOperation() == ReconcileResult.Operation.CREATED;
    }

    /** Announces transitions as events and patches the status only if it changed. */
    private UpdateControl<FederationNode> report(
            FederationNode node, Context<FederationNode> context, FederationNodeStatus status) {
        if (NodeConditions.same(node.getStatus(), status)) {
            return UpdateControl.noUpdate();
        }
        announceTransitions(node, context, node.getStatus(), status);
        return UpdateControl.patchStatus(statusPatch(node, status));
    }

    private void announceTransitions(
            FederationNode node,
            Context<FederationNode> context,
            FederationNodeStatus before,
            FederationNodeStatus after) {
        for (String type : List.of(PAUSED, STALLED, STORAGE_READY, NETWORK_ISOLATED, READY)) {
            Optional<Condition> was = NodeConditions.find(before, type);
            Condition now = NodeConditions.find(after, type).orElseThrow();
            if (was.map(c -> Objects.equals(c.getStatus(), now.getStatus())).orElse(false)) {
                continue;
            }
            boolean good =
                    type.equals(STALLED) || type.equals(PAUSED)
                            ? !TRUE.equals(now.getStatus())
                            : TRUE.equals(now.getStatus());
            if (was.isEmpty() && (type.equals(STALLED) || type.equals(PAUSED)) && good) {
                continue; // nothing worth telling on a node's first reconcile
            }
            if (was.isEmpty() && ConditionTypes.UNKNOWN.equals(now.getStatus())) {
                continue;
            }
            boolean degraded = was.map(c -> TRUE.equals(c.getStatus())).orElse(false) && !good;
            String eventType =
                    (type.equals(STALLED) && !good) || degraded
                            ? EventRecorder.WARNING
                            : EventRecorder.NORMAL;
            String reason = type.equals(PAUSED) && good ? "Resumed" : now.getReason();
            events.record(
                    context.getClient(),
                    node,
                    eventType,
                    reason,
                    type + " is " + now.getStatus() + ": " + now.getMessage());
        }
        announceHubLinkTransitions(node, context, before, after);
    }

    /**
     * {@code Registered} and {@code Connected} events, once per change of their value (never per
     * heartbeat: the hub link only asks for a reconcile when a value changed, and an unchanged
     * status writes nothing). True is announced as {@code Registered} / {@code HubConnected}; False
     * as a Warning with the condition's reason ({@code HubUnreachable}, {@code RefusedByHub},
     * {@code JoinTokenRefused}…). Unknown (the link is starting) is not news, nor is {@code
     * Connected} turning False while the node is not registered: the Registered event says why.
     */
    private void announceHubLinkTransitions(
            FederationNode node,
            Context<FederationNode> context,
            FederationNodeStatus before,
            FederationNodeStatus after) {
        boolean registeredAfter =
                NodeConditions.find(after, REGISTERED)
                        .map(c -> TRUE.equals(c.getStatus()))
                        .orElse(false);
        for (String type : List.of(REGISTERED, CONNECTED)) {
            Optional<Condition> was = NodeConditions.find(before, type);
            Optional<Condition> is = NodeConditions.find(after, type);
            if (is.isEmpty()
                    || ConditionTypes.UNKNOWN.equals(is.get().getStatus())
                    || was.map(c -> Objects.equals(c.getStatus(), is.get().getStatus()))
                            .orElse(false)) {
                continue;
            }
            Condition now = is.get();
            if (TRUE.equals(now.getStatus())) {
                events.record(
                        context.getClient(),
                        node,
                        EventRecorder.NORMAL,
                        type.equals(REGISTERED) ? "Registered" : "HubConnected",
                        type + " is True: " + now.getMessage());
            } else if (type.equals(REGISTERED) || registeredAfter) {
                events.record(
                        context.getClient(),
                        node,
                        EventRecorder.WARNING,
                        now.getReason(),
                        type + " is " + now.getStatus() + ": " + now.getMessage());
            }
        }
    }

    private static FederationNode statusPatch(FederationNode node, FederationNodeStatus status) {
        FederationNode patch = new FederationNode();
        patch.setMetadata(
                new ObjectMetaBuilder()
                        .withName(node.getMetadata().getName())
                        .withNamespace(node.getMetadata().getNamespace())
                        .build());
        patch.setStatus(status);
        return patch;
    }

    /**
     * A reconcile that failed (after JOSDK's retries are scheduled) says so in Ready; the message
     * is the API server's, which never contains secret data.
     */
    @Override
    public ErrorStatusUpdateControl<FederationNode> updateErrorStatus(
            FederationNode node, Context<FederationNode> context, Exception e) {
        String message = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
        if (message.length() > 400) {
            message = message.substring(0, 400) + "…";
        }
        LOG.warn(
                "reconcile of FederationNode {}/{} failed: {}",
                node.getMetadata().getNamespace(),
                node.getMetadata().getName(),
                message);
        FederationNodeStatus status =
                withRefusals(NodeConditions.failed(node, message, Instant.now()), refusals(node));
        if (NodeConditions.same(node.getStatus(), status)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        announceTransitions(node, context, node.getStatus(), status);
        return ErrorStatusUpdateControl.patchStatus(statusPatch(node, status));
    }
}
