package io.fednode.operator.node;

import static io.fednode.api.common.ConditionTypes.READY;
import static io.fednode.api.common.ConditionTypes.STALLED;
import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.api.v1alpha1.FederationNodeConditions.CONNECTED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.NETWORK_ISOLATED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.PAUSED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.REGISTERED;
import static io.fednode.api.v1alpha1.FederationNodeConditions.STORAGE_READY;
import static io.fednode.api.v1alpha1.FederationNodeConditions.UPGRADE_PENDING;

import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions;
import io.fednode.api.v1alpha1.FederationNodeConditions.Reasons;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.RefusedClaimChange;
import io.fednode.operator.common.CachedResources;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.operator.common.StatusPatch;
import io.fednode.operator.component.NodeComponents;
import io.fednode.operator.hublink.HubLinkStatus;
import io.fednode.operator.hublink.HubLinks;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a FederationNode's namespace in shape — volumes, workload ServiceAccounts, the
 * pseudonymisation key, NetworkPolicies — and reports how it stands in the status.
 *
 * <p>One shape, as every fednode reconciler: <b>act</b> through the node's JOSDK workflow of
 * dependents ({@link NodeWorkflow}: one dependent per managed object, what it wants decided by its
 * pure {@code desired()} and its reconcile precondition), <b>observe</b> what the cluster then
 * holds from the framework's caches ({@link NodeObservation}), and build the one status from it
 * ({@link NodeConditions}). Dependents are applied with server-side apply only when they differ
 * from what exists, and the status is patched only when it changed, so a reconcile with nothing to
 * do makes no write call. A paused node ({@value FederationNodeConditions#PAUSED_ANNOTATION}) is
 * checked before the workflow runs: nothing it owns is touched, only {@code Paused} is reported.
 *
 * <p>The reconciler is also called when a node is deleted ({@code triggerReconcilerOnAllEvents}):
 * it stops the node's hub link at once (already when the node is marked for deletion) and
 * uninstalls the components its status records (their volumes following the node's deletionPolicy,
 * {@link NodeComponents}; not for a paused node), and adds no finalizer, so the operator needs no
 * write on the node itself and a node is deleted even while no operator runs. What the reconciler
 * learns about a node (a refused claim change, that its NetworkPolicies were in place) is kept in
 * the node's status, not in memory, so it survives a restart or a new leader and goes with the
 * node.
 */
@ControllerConfiguration(
        name = FederationNodeReconciler.NAME,
        fieldManager = FederationNodeReconciler.FIELD_MANAGER,
        generationAwareEventProcessing = false,
        triggerReconcilerOnAllEvents = true,
        informer = @Informer(onUpdateFilter = SpecOrPauseChanged.class))
public class FederationNodeReconciler implements Reconciler<FederationNode> {
    private final CachedResources<FederationNode> cached = new CachedResources<>();

    /** The informer's FederationNodes, for scrape-time metrics (no API call). */
    public CachedResources<FederationNode> cached() {
        return cached;
    }

    public static final String NAME = "federationnode";
    public static final String FIELD_MANAGER = OperatorIdentity.NAME;

    private static final Logger LOG = LoggerFactory.getLogger(FederationNodeReconciler.class);

    private final NodeWorkflow workflow = new NodeWorkflow();
    private final EventRecorder events = new EventRecorder();

    /** Enrolment and heartbeats to the hub; null runs the operator without a hub link. */
    private final HubLinks hubLinks;

    public FederationNodeReconciler() {
        this(null);
    }

    public FederationNodeReconciler(HubLinks hubLinks) {
        this(hubLinks, null);
    }

    /**
     * @param components installs spec.components with Helm; null leaves them alone (they are then
     *     reported not ready)
     */
    public FederationNodeReconciler(HubLinks hubLinks, NodeComponents components) {
        this(hubLinks, components, DEFAULT_RESYNC);
    }

    /**
     * @param resyncPeriod the controller's reconciliation max interval: a wait for the maintenance
     *     window is rescheduled for at most this long, since JOSDK's reschedule replaces that
     *     interval and would otherwise stop the periodic drift check meanwhile
     */
    public FederationNodeReconciler(
            HubLinks hubLinks, NodeComponents components, java.time.Duration resyncPeriod) {
        this(hubLinks, components, resyncPeriod, Clock.systemUTC());
    }

    /**
     * @param windowClock the clock the maintenance window is judged by, for the roll-forward of a
     *     new operator version ({@link RollForward}); tests move it
     */
    public FederationNodeReconciler(
            HubLinks hubLinks,
            NodeComponents components,
            java.time.Duration resyncPeriod,
            Clock windowClock) {
        this.hubLinks = hubLinks;
        this.components = components;
        this.resyncPeriod = resyncPeriod;
        this.windowClock = windowClock;
    }

    private final Clock windowClock;

    /**
     * Nodes (uid) this process has rolled forward to its version: never held again, whatever a
     * stale cached status says.
     */
    private final Set<String> rolledForward = ConcurrentHashMap.newKeySet();

    /**
     * Per node (uid), the value each condition was last announced with: a reconcile that reads a
     * cached status from before this process's last write sees the same transition again, and must
     * not announce it twice.
     */
    private final Map<String, Map<String, String>> announced = new ConcurrentHashMap<>();

    /** JOSDK's default reconciliation max interval. */
    private static final java.time.Duration DEFAULT_RESYNC = java.time.Duration.ofHours(10);

    private final java.time.Duration resyncPeriod;

    /** Helm releases of spec.components, or null. */
    private final NodeComponents components;

    private static final java.time.Duration COMPONENT_RETRY = java.time.Duration.ofSeconds(30);

    public static boolean isPaused(FederationNode node) {
        var annotations = node.getMetadata().getAnnotations();
        return annotations != null
                && SpecOrPauseChanged.pausedValue(
                        annotations.get(FederationNodeConditions.PAUSED_ANNOTATION));
    }

    @Override
    public List<EventSource<?, FederationNode>> prepareEventSources(
            EventSourceContext<FederationNode> context) {
        cached.attach(context.getPrimaryCache());
        List<EventSource<?, FederationNode>> sources =
                new ArrayList<>(workflow.eventSources(context));
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

    @Override
    public UpdateControl<FederationNode> reconcile(
            FederationNode node, Context<FederationNode> context) throws Exception {
        if (context.isPrimaryResourceDeleted() || node.isMarkedForDeletion()) {
            // Gone, or going (another controller's finalizer holds it): nothing to bring in shape.
            if (hubLinks != null) {
                hubLinks.forget(node);
            }
            rolledForward.remove(node.getMetadata().getUid());
            announced.remove(node.getMetadata().getUid());
            if (components != null && !isPaused(node)) {
                // removed with the node, as when removed from spec.components
                components.uninstallAll(node, context.getClient());
            }
            return UpdateControl.noUpdate();
        }
        if (isPaused(node)) {
            return report(node, context, NodeConditions.paused(node, Instant.now()));
        }
        Instant windowNow = windowClock.instant();
        String uid = node.getMetadata().getUid();
        RollForward rollForward = RollForward.of(node, windowNow, rolledForward.contains(uid));
        rollForward.markIn(context);
        List<RefusedClaimChange> refused = workflow.act(node, context);
        if (!rollForward.held()) {
            rolledForward.add(uid);
        }
        NodeObservation observation = workflow.observe(node, context, refused);
        HubLinkStatus hubLink = hubLinks == null ? null : hubLinks.ensure(node);
        NodeComponents.Outcome components =
                this.components == null
                        ? new NodeComponents.Outcome(List.of(), false)
                        : this.components.reconcile(node, context.getClient());
        UpdateControl<FederationNode> control =
                report(
                        node,
                        context,
                        NodeConditions.reconciled(
                                node,
                                observation,
                                hubLink,
                                components.statuses(),
                                rollForward,
                                Instant.now()));
        Optional<java.time.Duration> opensIn =
                Stream.of(components.windowOpensIn(), rollForward.opensIn(windowNow))
                        .flatMap(Optional::stream)
                        .min(Comparator.naturalOrder());
        Optional<java.time.Duration> wait = nextLook(components.retry(), opensIn, resyncPeriod);
        return wait.isPresent() ? control.rescheduleAfter(wait.get()) : control;
    }

    /**
     * When to reconcile a node again, if sooner than the controller's max interval would: soon when
     * a component waits for a problem that may go away (a repository that may come back, a Secret
     * that may appear), when the maintenance window opens when an upgrade waits for it; the sooner
     * of the two. A reschedule replaces the periodic reconcile, so a window that opens after {@code
     * resyncPeriod} is looked at again after {@code resyncPeriod}: drift checks carry on, and the
     * reconcile within one period of the opening reschedules for the opening itself.
     */
    static Optional<java.time.Duration> nextLook(
            boolean retry,
            Optional<java.time.Duration> windowOpensIn,
            java.time.Duration resyncPeriod) {
        Optional<java.time.Duration> window =
                windowOpensIn.map(d -> d.compareTo(resyncPeriod) < 0 ? d : resyncPeriod);
        if (!retry) {
            return window;
        }
        return Optional.of(
                window.filter(d -> d.compareTo(COMPONENT_RETRY) < 0).orElse(COMPONENT_RETRY));
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
        for (String type :
                List.of(PAUSED, STALLED, STORAGE_READY, NETWORK_ISOLATED, UPGRADE_PENDING, READY)) {
            Optional<Condition> was = NodeConditions.find(before, type);
            Condition now = NodeConditions.find(after, type).orElseThrow();
            if (was.map(c -> Objects.equals(c.getStatus(), now.getStatus())).orElse(false)) {
                continue;
            }
            boolean trueIsBad =
                    type.equals(STALLED) || type.equals(PAUSED) || type.equals(UPGRADE_PENDING);
            boolean good = trueIsBad ? !TRUE.equals(now.getStatus()) : TRUE.equals(now.getStatus());
            if (was.isEmpty() && trueIsBad && good) {
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
            String reason = type.equals(PAUSED) && good ? Reasons.RESUMED : now.getReason();
            if (!firstAnnouncement(node, type, now.getStatus())) {
                continue;
            }
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
            if (!firstAnnouncement(node, type, now.getStatus())) {
                continue;
            }
            if (TRUE.equals(now.getStatus())) {
                events.record(
                        context.getClient(),
                        node,
                        EventRecorder.NORMAL,
                        type.equals(REGISTERED) ? Reasons.REGISTERED : Reasons.HUB_CONNECTED,
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

    /**
     * Whether {@code type} turning {@code status} is news for this node, and remembers it: false
     * when this process announced that very value last (the transition was read again from a stale
     * cached status).
     */
    private boolean firstAnnouncement(FederationNode node, String type, String status) {
        Map<String, String> byType =
                announced.computeIfAbsent(
                        node.getMetadata().getUid(), uid -> new ConcurrentHashMap<>());
        return !Objects.equals(byType.put(type, status), status);
    }

    private static FederationNode statusPatch(FederationNode node, FederationNodeStatus status) {
        return StatusPatch.of(node, status, FederationNode::new);
    }

    /**
     * A reconcile that failed (after JOSDK's retries are scheduled) says so in Ready; the message
     * is the API server's, which never contains secret data.
     */
    @Override
    public ErrorStatusUpdateControl<FederationNode> updateErrorStatus(
            FederationNode node, Context<FederationNode> context, Exception e) {
        String message = StatusPatch.errorMessage(e);
        LOG.warn(
                "reconcile of FederationNode {}/{} failed: {}",
                node.getMetadata().getNamespace(),
                node.getMetadata().getName(),
                message);
        FederationNodeStatus status = NodeConditions.failed(node, message, Instant.now());
        if (NodeConditions.same(node.getStatus(), status)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        announceTransitions(node, context, node.getStatus(), status);
        return ErrorStatusUpdateControl.patchStatus(statusPatch(node, status));
    }
}
