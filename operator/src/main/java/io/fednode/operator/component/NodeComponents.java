package io.fednode.operator.component;

import static io.fednode.api.common.ConditionTypes.FALSE;
import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.api.v1alpha1.ComponentConditions.FAILED;
import static io.fednode.api.v1alpha1.ComponentConditions.READY;
import static io.fednode.api.v1alpha1.ComponentConditions.UPGRADE_PENDING;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.ComponentConditions.Operations;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentStatus;
import io.fednode.api.v1alpha1.DeletionPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.component.HelmReleases.ReleaseState;
import io.fednode.operator.maintenance.MaintenanceWindow;
import io.fednode.operator.maintenance.MaintenanceWindow.Closed;
import io.fednode.operator.maintenance.MaintenanceWindow.Open;
import io.fednode.operator.maintenance.MaintenanceWindow.Unusable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a node's Helm releases to {@code spec.components} and reports each in {@code
 * status.components}.
 *
 * <p>A component is left alone — no Helm call that writes, no API write — when its status records
 * the digest of the inputs declared now ({@link ComponentValues#digest}) and Helm's latest revision
 * of the release is the one the status records, deployed, at the chart version the status records.
 * Anything else is acted on: no release while the status says one was deployed (deleted by hand) →
 * reinstall; another revision (upgraded or rolled back by hand) or a new digest → upgrade. An
 * install or upgrade that fails is not tried again until the declaration changes (a failed upgrade
 * was rolled back by Helm, the previous revision keeps serving); a problem that may go away
 * (repository unreachable, a valuesFrom Secret missing) is retried. Releases recorded in the status
 * whose component is removed or disabled are uninstalled; releases the status never recorded are
 * never touched.
 *
 * <p>With a {@code spec.maintenanceWindow}, an upgrade — a new declaration for a deployed release,
 * or a release changed by hand brought back by upgrading it — waits while the window is closed: no
 * Helm write, the component reports {@code UpgradePending=True} naming the next opening, and {@link
 * Outcome#windowOpensIn()} tells the reconciler when to look again. Installs, reinstalls of a
 * release deleted by hand and uninstalls do not wait: they add or remove a service the declaration
 * asks for, they do not disrupt one that runs. A window the operator cannot use (an unknown time
 * zone) never opens, and says so.
 */
public final class NodeComponents {
    private static final Logger LOG = LoggerFactory.getLogger(NodeComponents.class);

    private final HelmReleases helm;
    private final ComponentCharts charts;
    private final ComponentSettings settings;
    private final EventRecorder events = new EventRecorder();
    private final Clock clock;

    /**
     * The last failed install or upgrade per component (node UID and component name), as reported
     * in its status. The reconcile after a failure may read the node from the informer's cache
     * before the failed status reached it; without this, that reconcile would take the failure for
     * a new declaration and try (and roll back) once more. Entries go when the component deploys,
     * is disabled or is removed.
     */
    private final Map<String, ComponentStatus> failures = new ConcurrentHashMap<>();

    public NodeComponents(HelmReleases helm, ComponentSettings settings, Clock clock) {
        this.helm = helm;
        this.settings = settings;
        this.charts = new ComponentCharts(settings.allowLoopbackRepository());
        this.clock = clock;
    }

    /**
     * What {@link #reconcile} found.
     *
     * @param statuses one per declared component, in the declared order
     * @param retry whether a component waits for a problem that may go away
     * @param windowOpensIn when an upgrade waits for the maintenance window: how long until it
     *     opens (a second after, so the reconcile then finds it open)
     */
    public record Outcome(
            List<ComponentStatus> statuses, boolean retry, Optional<Duration> windowOpensIn) {
        public Outcome(List<ComponentStatus> statuses, boolean retry) {
            this(statuses, retry, Optional.empty());
        }
    }

    public Outcome reconcile(FederationNode node, KubernetesClient client) {
        String namespace = node.getMetadata().getNamespace();
        long generation = node.getMetadata().getGeneration();
        Map<String, ComponentStatus> previous = new LinkedHashMap<>();
        if (node.getStatus() != null) {
            node.getStatus().getComponents().forEach(s -> previous.put(s.getName(), s));
        }
        List<ComponentSpec> declared = node.getSpec().getComponents();
        List<ComponentStatus> out = new ArrayList<>();
        boolean retry = false;
        Instant now = clock.instant();
        MaintenanceWindow.Verdict window =
                MaintenanceWindow.verdict(node.getSpec().getMaintenanceWindow(), now);
        boolean held = false;
        String uid = node.getMetadata().getUid();
        Set<String> enabledKeys =
                declared.stream()
                        .filter(ComponentSpec::isEnabled)
                        .map(c -> failureKey(node, c))
                        .collect(Collectors.toSet());
        failures.keySet().removeIf(k -> k.startsWith(uid + "/") && !enabledKeys.contains(k));
        for (ComponentStatus old : previous.values()) {
            boolean stillDeclared =
                    declared.stream().anyMatch(c -> c.getName().equals(old.getName()));
            Optional<ReleaseState> release =
                    stillDeclared ? Optional.empty() : helm.find(namespace, old.getRelease());
            if (release.isPresent()) {
                uninstall(node, client, release.get());
            }
        }
        for (ComponentSpec spec : declared) {
            ComponentStatus old = previous.get(spec.getName());
            Optional<ReleaseState> release = helm.find(namespace, spec.getName());
            ComponentStatus next;
            if (!spec.isEnabled()) {
                next = disabled(node, client, spec, old, release, generation);
            } else {
                try {
                    next = enabled(node, client, spec, old, release, generation, window);
                    held |= Conditions.is(next.getConditions(), UPGRADE_PENDING, TRUE);
                } catch (ComponentProblem p) {
                    retry |= p.retry();
                    next = refused(spec, old, release, p, generation);
                    if (old == null || !failedMessage(old).startsWith(p.getMessage() + ";")) {
                        events.record(
                                client,
                                node,
                                EventRecorder.WARNING,
                                p.reason(),
                                "component " + spec.getName() + ": " + p.getMessage());
                    }
                }
            }
            out.add(next);
        }
        Optional<Duration> opensIn =
                held && window instanceof Closed closed
                        ? Optional.of(Duration.between(now, closed.opens()).plusSeconds(1))
                        : Optional.empty();
        return new Outcome(out, retry, opensIn);
    }

    private ComponentStatus enabled(
            FederationNode node,
            KubernetesClient client,
            ComponentSpec spec,
            ComponentStatus old,
            Optional<ReleaseState> release,
            long generation,
            MaintenanceWindow.Verdict window)
            throws ComponentProblem {
        String namespace = node.getMetadata().getNamespace();
        List<String> egress =
                node.getSpec().getConnectivity() == null
                        ? List.of()
                        : node.getSpec().getConnectivity().getEgressCIDRs();
        charts.checkSource(spec, egress);
        ComponentValues values =
                ComponentValues.of(
                        spec, name -> client.secrets().inNamespace(namespace).withName(name).get());
        if (release.isPresent() && release.get().madeFor(values.digest())) {
            if (old != null
                    && values.digest().equals(old.getAppliedDigest())
                    && unchangedSince(old, release)) {
                return restamped(old, generation);
            }
            // deployed for these inputs, and the status does not say so yet (a stale read)
            return deployedStatus(
                    spec, old, release.get(), values, Operations.INSTALL, generation, false);
        }
        if (old != null
                && values.digest().equals(old.getAppliedDigest())
                && Conditions.is(old.getConditions(), FAILED, TRUE)
                && unchangedSince(old, release)) {
            // failed for these inputs: not again until they change
            return restamped(old, generation);
        }
        ComponentStatus lastFailure = failures.get(failureKey(node, spec));
        if (lastFailure != null
                && values.digest().equals(lastFailure.getAppliedDigest())
                && unchangedSince(lastFailure, release)) {
            // the same, when the node was read before its failed status reached the cache
            return restamped(lastFailure, generation);
        }
        // a first install that never deployed: Helm cannot upgrade it, start again
        boolean restart =
                release.isPresent() && !release.get().deployed() && release.get().revision() <= 1;
        String operation =
                release.isEmpty()
                        ? (old != null && old.getRevision() != null && old.getRevision() > 0
                                ? Operations.REINSTALL
                                : Operations.INSTALL)
                        : restart ? Operations.INSTALL : Operations.UPGRADE;
        if (operation.equals(Operations.UPGRADE)) {
            if (!(window instanceof Open)) {
                return held(node, client, spec, old, release.get(), window, generation);
            }
            if (old != null && Conditions.is(old.getConditions(), UPGRADE_PENDING, TRUE)) {
                events.record(
                        client,
                        node,
                        EventRecorder.NORMAL,
                        Reasons.MAINTENANCE_WINDOW_OPEN,
                        "component "
                                + spec.getName()
                                + ": the maintenance window is open, applying the held upgrade to"
                                + " chart "
                                + spec.getChart()
                                + " "
                                + spec.getVersion());
            }
        }
        Path dir = tempDir();
        try {
            Path chart = charts.fetch(spec, egress, dir);
            Path valuesFile = dir.resolve("values.yaml");
            Files.writeString(valuesFile, values.yaml());
            PodSecurityPreflight.check(
                    client, namespace, spec.getName(), chart, valuesFile, values);
            LOG.info(
                    "component {} of node {}/{}: {} chart {} {}",
                    spec.getName(),
                    namespace,
                    node.getMetadata().getName(),
                    operation,
                    spec.getChart(),
                    spec.getVersion());
            ReleaseState deployed;
            try {
                if (restart) {
                    helm.uninstall(namespace, spec.getName());
                }
                deployed =
                        operation.equals(Operations.UPGRADE)
                                ? helm.upgrade(
                                        namespace,
                                        spec.getName(),
                                        chart,
                                        valuesFile,
                                        values.digest(),
                                        settings.timeout())
                                : helm.install(
                                        namespace,
                                        spec.getName(),
                                        chart,
                                        valuesFile,
                                        values.digest(),
                                        settings.timeout());
            } catch (RuntimeException e) {
                ComponentStatus failure =
                        failed(node, client, spec, old, operation, values, e, generation);
                failures.put(failureKey(node, spec), failure);
                return failure;
            }
            failures.remove(failureKey(node, spec));
            ComponentStatus done =
                    deployedStatus(spec, old, deployed, values, operation, generation, true);
            Condition ready = Conditions.find(done.getConditions(), READY).orElseThrow();
            events.record(
                    client,
                    node,
                    EventRecorder.NORMAL,
                    ready.getReason(),
                    "component " + spec.getName() + ": " + ready.getMessage());
            return done;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot write the component's files: " + e.getMessage(), e);
        } finally {
            delete(dir);
        }
    }

    /**
     * An upgrade that waits for the maintenance window: what the status recorded stays (the release
     * keeps serving it), plus {@code UpgradePending=True} saying until when and why. An event tells
     * when an upgrade starts waiting, or waits for another reason.
     */
    private ComponentStatus held(
            FederationNode node,
            KubernetesClient client,
            ComponentSpec spec,
            ComponentStatus old,
            ReleaseState release,
            MaintenanceWindow.Verdict window,
            long generation) {
        String upgrade = "upgrade to chart " + spec.getChart() + " " + spec.getVersion();
        String serving =
                "revision "
                        + release.revision()
                        + " (chart "
                        + release.chartVersion()
                        + ") keeps serving";
        boolean unusable = window instanceof Unusable;
        String reason =
                unusable ? Reasons.MAINTENANCE_WINDOW_INVALID : Reasons.OUTSIDE_MAINTENANCE_WINDOW;
        String message =
                window instanceof Closed closed
                        ? upgrade
                                + " waits for the maintenance window, which opens next "
                                + closed.description()
                                + "; "
                                + serving
                        : upgrade
                                + " waits: "
                                + ((Unusable) window).problem()
                                + ", so no maintenance window opens until it is fixed; "
                                + serving;
        List<Condition> conditions = new ArrayList<>();
        if (old != null) {
            old.getConditions().stream()
                    .filter(c -> !UPGRADE_PENDING.equals(c.getType()))
                    .map(c -> new ConditionBuilder(c).withObservedGeneration(generation).build())
                    .forEach(conditions::add);
        } else {
            // the status was lost while the release stayed: its readiness is checked when the
            // upgrade runs
            String found =
                    "release "
                            + spec.getName()
                            + " found at revision "
                            + release.revision()
                            + " (chart "
                            + release.chartVersion()
                            + "), not yet brought to the declaration";
            conditions.add(Conditions.of(READY, ConditionTypes.UNKNOWN, reason, found, generation));
            conditions.add(Conditions.of(FAILED, FALSE, Reasons.NO_FAILURE, found, generation));
        }
        conditions.add(Conditions.of(UPGRADE_PENDING, TRUE, reason, message, generation));
        Optional<Condition> before =
                old == null
                        ? Optional.empty()
                        : Conditions.find(old.getConditions(), UPGRADE_PENDING);
        if (before.isEmpty()
                || !TRUE.equals(before.get().getStatus())
                || !reason.equals(before.get().getReason())
                || !message.equals(before.get().getMessage())) {
            LOG.info(
                    "component {} of node {}/{}: {}",
                    spec.getName(),
                    node.getMetadata().getNamespace(),
                    node.getMetadata().getName(),
                    message);
            events.record(
                    client,
                    node,
                    unusable ? EventRecorder.WARNING : EventRecorder.NORMAL,
                    reason,
                    "component " + spec.getName() + ": " + message);
        }
        return status(
                spec,
                old,
                old == null ? release.revision() : old.getRevision(),
                old == null ? release.chartVersion() : old.getChartVersion(),
                old == null ? null : old.getAppliedDigest(),
                old == null ? null : old.getLastOperation(),
                conditions,
                false);
    }

    private ComponentStatus deployedStatus(
            ComponentSpec spec,
            ComponentStatus old,
            ReleaseState deployed,
            ComponentValues values,
            String operation,
            long generation,
            boolean operated) {
        String reason =
                switch (operation) {
                    case Operations.INSTALL -> Reasons.INSTALLED;
                    case Operations.REINSTALL -> Reasons.REINSTALLED;
                    default -> Reasons.UPGRADED;
                };
        String message =
                "chart "
                        + spec.getChart()
                        + " "
                        + deployed.chartVersion()
                        + " deployed as revision "
                        + deployed.revision()
                        + " of release "
                        + spec.getName()
                        + ", resources ready";
        return status(
                spec,
                old,
                deployed.revision(),
                deployed.chartVersion(),
                values.digest(),
                operated || old == null ? operation : old.getLastOperation(),
                List.of(
                        Conditions.of(READY, TRUE, reason, message, generation),
                        Conditions.of(
                                FAILED,
                                FALSE,
                                Reasons.NO_FAILURE,
                                "the last " + operation.toLowerCase() + " succeeded",
                                generation)),
                operated);
    }

    /** Whether Helm's release is still what the status recorded after the last operation. */
    private static boolean unchangedSince(ComponentStatus old, Optional<ReleaseState> release) {
        int revision = old.getRevision() == null ? 0 : old.getRevision();
        if (release.isEmpty()) {
            return revision == 0; // an install that failed for these inputs: not again
        }
        ReleaseState r = release.get();
        return r.deployed()
                && r.revision() == revision
                && r.chartVersion().equals(old.getChartVersion());
    }

    private ComponentStatus failed(
            FederationNode node,
            KubernetesClient client,
            ComponentSpec spec,
            ComponentStatus old,
            String operation,
            ComponentValues values,
            RuntimeException e,
            long generation) {
        String namespace = node.getMetadata().getNamespace();
        Optional<ReleaseState> after =
                helm.find(namespace, spec.getName()).filter(ReleaseState::deployed);
        String helmMessage =
                values.redact(
                        Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()));
        if (helmMessage.length() > 400) {
            helmMessage = helmMessage.substring(0, 400) + "…";
        }
        boolean upgrade = operation.equals(Operations.UPGRADE);
        String reason =
                helmMessage.contains("violates PodSecurity")
                        ? Reasons.POD_SECURITY_VIOLATION
                        : upgrade ? Reasons.UPGRADE_FAILED : Reasons.INSTALL_FAILED;
        String message =
                operation.toLowerCase()
                        + " to chart "
                        + spec.getChart()
                        + " "
                        + spec.getVersion()
                        + " failed"
                        + (after.isPresent()
                                ? ", rolled back: revision "
                                        + after.get().revision()
                                        + " (chart "
                                        + after.get().chartVersion()
                                        + ") keeps serving"
                                : ", nothing left installed")
                        + ": "
                        + helmMessage;
        LOG.warn(
                "component {} of node {}/{}: {}",
                spec.getName(),
                namespace,
                node.getMetadata().getName(),
                message);
        events.record(
                client,
                node,
                EventRecorder.WARNING,
                reason,
                "component " + spec.getName() + ": " + message);
        return status(
                spec,
                old,
                after.map(ReleaseState::revision).orElse(0),
                after.map(ReleaseState::chartVersion).orElse(""),
                values.digest(),
                operation,
                List.of(
                        Conditions.of(READY, FALSE, reason, message, generation),
                        Conditions.of(FAILED, TRUE, reason, message, generation)),
                true);
    }

    private ComponentStatus refused(
            ComponentSpec spec,
            ComponentStatus old,
            Optional<ReleaseState> release,
            ComponentProblem p,
            long generation) {
        Optional<ReleaseState> deployed = release.filter(ReleaseState::deployed);
        String message =
                p.getMessage()
                        + (deployed.isPresent()
                                ? "; revision "
                                        + deployed.get().revision()
                                        + " (chart "
                                        + deployed.get().chartVersion()
                                        + ") keeps serving"
                                : "; nothing installed");
        boolean sameAsBefore = old != null && message.equals(failedMessage(old));
        return status(
                spec,
                old,
                deployed.map(ReleaseState::revision).orElse(0),
                deployed.map(ReleaseState::chartVersion).orElse(""),
                // a problem that may go away leaves no digest, so the next reconcile tries again
                p.retry() ? null : "refused:" + p.reason(),
                Operations.REFUSED,
                List.of(
                        Conditions.of(READY, FALSE, p.reason(), message, generation),
                        Conditions.of(FAILED, TRUE, p.reason(), message, generation)),
                !sameAsBefore);
    }

    private ComponentStatus disabled(
            FederationNode node,
            KubernetesClient client,
            ComponentSpec spec,
            ComponentStatus old,
            Optional<ReleaseState> release,
            long generation) {
        boolean uninstalled = false;
        String message = "spec.components[" + spec.getName() + "].enabled is false: not installed";
        if (release.isPresent() && old != null) {
            String volumes = uninstall(node, client, release.get());
            uninstalled = true;
            if (!volumes.isEmpty()) {
                message += "; " + volumes;
            }
        }
        if (!uninstalled
                && old != null
                && Conditions.is(old.getConditions(), READY, FALSE)
                && Reasons.DISABLED.equals(
                        Conditions.find(old.getConditions(), READY).get().getReason())) {
            return restamped(old, generation);
        }
        return status(
                spec,
                old,
                0,
                "",
                null,
                uninstalled
                        ? Operations.UNINSTALL
                        : Optional.ofNullable(old)
                                .map(ComponentStatus::getLastOperation)
                                .orElse(null),
                List.of(
                        Conditions.of(READY, FALSE, Reasons.DISABLED, message, generation),
                        Conditions.of(FAILED, FALSE, Reasons.NO_FAILURE, message, generation)),
                uninstalled);
    }

    /**
     * Uninstalls the components recorded in the status of a node that is deleted (or being
     * deleted). There is no finalizer (the operator writes nothing on the node itself), so this
     * happens when the operator sees the deletion; a node deleted while no operator runs leaves its
     * releases installed.
     */
    public void uninstallAll(FederationNode node, KubernetesClient client) {
        if (node.getStatus() == null) {
            return;
        }
        String namespace = node.getMetadata().getNamespace();
        String uid = node.getMetadata().getUid();
        failures.keySet().removeIf(k -> k.startsWith(uid + "/"));
        for (ComponentStatus recorded : node.getStatus().getComponents()) {
            helm.find(namespace, recorded.getRelease())
                    .ifPresent(release -> uninstall(node, client, release));
        }
    }

    /**
     * Uninstalls the release; its volumes (the claims of its StatefulSets, found before Helm
     * deletes them) follow the node's deletionPolicy: Retain keeps them untouched; Delete gives
     * each the owner reference to its StatefulSet that the StatefulSet controller gives claims
     * under {@code persistentVolumeClaimRetentionPolicy.whenDeleted: Delete}, so the garbage
     * collector deletes them once Helm has deleted the StatefulSet. The operator deletes no claim
     * itself (it has no delete on claims).
     *
     * @return what became of the volumes, naming the claims ("" when the release had none)
     */
    private String uninstall(FederationNode node, KubernetesClient client, ReleaseState release) {
        String namespace = node.getMetadata().getNamespace();
        List<ComponentVolumes.StatefulSetClaims> volumes =
                ComponentVolumes.of(client, namespace, release.name(), release.revision());
        boolean delete = node.getSpec().getDeletionPolicy() == DeletionPolicy.Delete;
        if (delete) {
            volumes.forEach(v -> ComponentVolumes.deleteWithStatefulSet(client, namespace, v));
        }
        List<String> claims = volumes.stream().flatMap(v -> v.claims().stream()).sorted().toList();
        LOG.info(
                "component {} of node {}/{}: uninstall ({} claims {})",
                release.name(),
                namespace,
                node.getMetadata().getName(),
                delete ? "deleting" : "keeping",
                claims);
        helm.uninstall(namespace, release.name());
        String volumesSentence =
                claims.isEmpty()
                        ? ""
                        : delete
                                ? "PersistentVolumeClaims deleted with their StatefulSets"
                                        + " (deletionPolicy Delete): "
                                        + ComponentVolumes.names(claims)
                                : "PersistentVolumeClaims kept (deletionPolicy Retain): "
                                        + ComponentVolumes.names(claims);
        events.record(
                client,
                node,
                EventRecorder.NORMAL,
                "Uninstalled",
                "component "
                        + release.name()
                        + ": release uninstalled"
                        + (volumesSentence.isEmpty() ? "" : "; " + volumesSentence));
        return volumesSentence;
    }

    private ComponentStatus status(
            ComponentSpec spec,
            ComponentStatus old,
            int revision,
            String chartVersion,
            String digest,
            String operation,
            List<Condition> conditions,
            boolean operated) {
        ComponentStatus s = new ComponentStatus();
        s.setName(spec.getName());
        s.setRelease(spec.getName());
        s.setRevision(revision);
        s.setChartVersion(chartVersion);
        s.setAppliedDigest(digest);
        s.setLastOperation(operation);
        s.setLastOperationTime(
                operated || old == null
                        ? Conditions.timestamp(clock.instant())
                        : old.getLastOperationTime());
        s.setConditions(
                Conditions.settle(
                        conditions, old == null ? null : old.getConditions(), clock.instant()));
        return s;
    }

    /** {@code old} as it is, its conditions stamped with the node's current generation. */
    private static ComponentStatus restamped(ComponentStatus old, long generation) {
        ComponentStatus s = new ComponentStatus();
        s.setName(old.getName());
        s.setRelease(old.getRelease());
        s.setRevision(old.getRevision());
        s.setChartVersion(old.getChartVersion());
        s.setAppliedDigest(old.getAppliedDigest());
        s.setLastOperation(old.getLastOperation());
        s.setLastOperationTime(old.getLastOperationTime());
        // nothing waits for the window when a component is left as it is
        s.setConditions(
                old.getConditions().stream()
                        .filter(c -> !UPGRADE_PENDING.equals(c.getType()))
                        .map(
                                c ->
                                        new ConditionBuilder(c)
                                                .withObservedGeneration(generation)
                                                .build())
                        .toList());
        return s;
    }

    private static String failureKey(FederationNode node, ComponentSpec spec) {
        return node.getMetadata().getUid() + "/" + spec.getName();
    }

    private static String failedMessage(ComponentStatus s) {
        return Conditions.find(s.getConditions(), FAILED).map(Condition::getMessage).orElse("");
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory(
                    "fednode-component-",
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.getMessage());
        }
    }
}
