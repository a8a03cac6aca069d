package io.fednode.hub.job;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.FederatedJob;
import io.fednode.api.v1alpha1.FederatedJobConditions;
import io.fednode.api.v1alpha1.FederatedJobConditions.Reasons;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import io.fednode.api.v1alpha1.FederatedJobStatus;
import io.fednode.hub.heartbeat.HeartbeatEndpoint.JobRef;
import io.fednode.hub.http.ApiException;
import io.fednode.hub.member.MemberEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's FederatedJobs (its own namespace), fed by an informer: placement, the node entries, the
 * hub's deadline and lost rules, and the status, written only when it changed. A node's report is
 * written through before it is acknowledged, so a 200 means the API server has it: a hub restart
 * loses nothing a node was told was recorded.
 */
public final class FederatedJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FederatedJobs.class);

    /** The most jobs one heartbeat response lists. */
    public static final int MAX_LISTED = 100;

    static final String NOT_FOUND = "no such job for this node";

    /** Whether a node that had a job is lost, at a time. */
    @FunctionalInterface
    public interface NodeLiveness {
        boolean lost(String nodeId, Instant now);
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Supplier<Collection<JobPlacement.Candidate>> candidates;
    private final NodeLiveness liveness;
    private final MemberEvents events;
    private final Clock clock;
    private final Duration period;
    private final Instant noMatchAfter;
    private final Map<String, JobState> byUid = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "federated-jobs"));
    private SharedIndexInformer<FederatedJob> informer;

    /**
     * @param placementGrace after the hub starts, how long a job that fits no member stays Placing
     *     before it is NoMatchingNodes (the members' datasets arrive with their first heartbeats)
     */
    public FederatedJobs(
            KubernetesClient client,
            String namespace,
            Supplier<Collection<JobPlacement.Candidate>> candidates,
            NodeLiveness liveness,
            MemberEvents events,
            Clock clock,
            Duration period,
            Duration placementGrace) {
        this.client = client;
        this.namespace = namespace;
        this.candidates = candidates;
        this.liveness = liveness;
        this.events = events;
        this.clock = clock;
        this.period = period;
        this.noMatchAfter = clock.instant().plus(placementGrace);
    }

    /** One job as the hub holds it; guarded by its own monitor. */
    static final class JobState {
        FederatedJob resource;
        List<FederatedJobNodeStatus> entries = List.of();
        boolean placed;
        FederatedJobStatus written;
        boolean finished;
    }

    public void start() {
        try {
            informer =
                    client.resources(FederatedJob.class)
                            .inNamespace(namespace)
                            .inform(new Handler(), 10 * 60 * 1000L);
        } catch (KubernetesClientException e) {
            // Without the CRD (an old chart) the hub still serves members; jobs need the CRD.
            LOG.warn(
                    "cannot watch FederatedJobs in {} (is the CRD installed?): {}; federated jobs"
                            + " are off until the hub restarts",
                    namespace,
                    e.getMessage());
            return;
        }
        ticker.scheduleWithFixedDelay(this::syncAll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- informer ----

    private void upsert(FederatedJob job) {
        JobState state = byUid.computeIfAbsent(job.getMetadata().getUid(), u -> new JobState());
        synchronized (state) {
            boolean first = state.resource == null;
            state.resource = job;
            if (first) {
                FederatedJobStatus s = job.getStatus();
                state.written = s;
                if (s != null && s.getNodes() != null && !s.getNodes().isEmpty()) {
                    state.entries = List.copyOf(s.getNodes());
                    state.placed = true;
                }
                state.finished = JobOutcome.finished(s);
            }
        }
    }

    private void remove(FederatedJob job) {
        if (byUid.remove(job.getMetadata().getUid()) != null) {
            LOG.info(
                    "federated job {}/{} deleted: no longer offered; nodes stop their runs",
                    job.getMetadata().getNamespace(),
                    job.getMetadata().getName());
        }
    }

    private final class Handler implements ResourceEventHandler<FederatedJob> {
        @Override
        public void onAdd(FederatedJob job) {
            upsert(job);
        }

        @Override
        public void onUpdate(FederatedJob old, FederatedJob job) {
            upsert(job);
        }

        @Override
        public void onDelete(FederatedJob job, boolean deletedFinalStateUnknown) {
            remove(job);
        }
    }

    // ---- the periodic pass: placement, deadlines, status ----

    void syncAll() {
        try {
            Instant now = clock.instant();
            for (JobState state : byUid.values()) {
                try {
                    sync(state, now);
                } catch (RuntimeException e) {
                    LOG.warn("federated job sync: {}", e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("federated job sync pass failed", e);
        }
    }

    void sync(JobState state, Instant now) {
        synchronized (state) {
            FederatedJob job = state.resource;
            if (job == null || job.getMetadata().getDeletionTimestamp() != null) {
                return;
            }
            List<FederatedJobNodeStatus> entries = state.entries;
            boolean placed = state.placed;
            if (!placed) {
                List<String> nodes = JobPlacement.place(job.getSpec(), candidates.get());
                if (!nodes.isEmpty()) {
                    String at = Conditions.timestamp(now);
                    List<FederatedJobNodeStatus> offered = new ArrayList<>();
                    for (String n : nodes) {
                        FederatedJobNodeStatus e = new FederatedJobNodeStatus();
                        e.setNodeId(n);
                        e.setPhase(Phase.Offered);
                        e.setReason("Offered");
                        e.setMessage("offered through the node's heartbeat");
                        e.setUpdatedAt(at);
                        offered.add(e);
                    }
                    entries = offered;
                    placed = true;
                }
            }
            if (placed && !state.finished) {
                entries =
                        JobDeadlines.apply(job.getSpec(), entries, n -> liveness.lost(n, now), now);
            }
            boolean noMatchDecided = placed || !now.isBefore(noMatchAfter);
            write(state, entries, placed, noMatchDecided, now);
        }
    }

    /**
     * Computes the status of these entries and writes it when it differs from what the API server
     * has; then (and only then) the state holds the entries. Called with the state's monitor.
     */
    private void write(
            JobState state,
            List<FederatedJobNodeStatus> entries,
            boolean placed,
            boolean placementFinal,
            Instant now) {
        FederatedJob job = state.resource;
        FederatedJobStatus previous = state.written;
        FederatedJobStatus desired =
                JobOutcome.status(
                        job.getSpec(),
                        job.getMetadata().getGeneration(),
                        entries,
                        placementFinal,
                        previous == null ? null : previous.getConditions(),
                        now);
        if (!desired.equals(previous)) {
            FederatedJob patch = new FederatedJob();
            patch.setMetadata(
                    new ObjectMetaBuilder()
                            .withName(job.getMetadata().getName())
                            .withNamespace(job.getMetadata().getNamespace())
                            .build());
            patch.setStatus(desired);
            client.resource(patch).patchStatus();
            announce(job, previous, desired);
        }
        state.written = desired;
        state.entries = entries;
        state.placed = placed;
        state.finished = JobOutcome.finished(desired);
    }

    private void announce(FederatedJob job, FederatedJobStatus before, FederatedJobStatus after) {
        Map<String, FederatedJobNodeStatus> was = new LinkedHashMap<>();
        if (before != null && before.getNodes() != null) {
            before.getNodes().forEach(e -> was.put(e.getNodeId(), e));
        }
        if (was.isEmpty() && !after.getNodes().isEmpty()) {
            events.normal(
                    job,
                    "Placed",
                    "offered to "
                            + after.getNodes().size()
                            + " node(s): "
                            + String.join(
                                    ", ",
                                    after.getNodes().stream()
                                            .map(FederatedJobNodeStatus::getNodeId)
                                            .limit(20)
                                            .toList()));
        }
        for (FederatedJobNodeStatus e : after.getNodes()) {
            FederatedJobNodeStatus old = was.get(e.getNodeId());
            if (old != null && old.getPhase() != e.getPhase()) {
                boolean bad =
                        e.getPhase() == Phase.Refused
                                || e.getPhase() == Phase.Failed
                                || e.getPhase() == Phase.Lost;
                String message =
                        "node "
                                + e.getNodeId()
                                + ": "
                                + e.getPhase()
                                + (e.getReason() == null ? "" : " (" + e.getReason() + ")")
                                + (e.getMessage() == null ? "" : ": " + e.getMessage());
                String reason = "Node" + e.getPhase();
                if (bad) {
                    events.warning(job, reason, message);
                } else {
                    events.normal(job, reason, message);
                }
            }
        }
        var wasOutcome = outcome(before);
        var isOutcome = outcome(after);
        if (isOutcome.isPresent()
                && !isOutcome.get().getStatus().equals("Unknown")
                && !Objects.equals(
                        wasOutcome.map(c -> c.getStatus() + c.getReason()),
                        isOutcome.map(c -> c.getStatus() + c.getReason()))) {
            if ("True".equals(isOutcome.get().getStatus())) {
                events.normal(job, isOutcome.get().getReason(), isOutcome.get().getMessage());
            } else {
                events.warning(job, isOutcome.get().getReason(), isOutcome.get().getMessage());
            }
        }
    }

    private static Optional<io.fabric8.kubernetes.api.model.Condition> outcome(
            FederatedJobStatus s) {
        return s == null
                ? Optional.empty()
                : Conditions.find(s.getConditions(), FederatedJobConditions.SUCCEEDED);
    }

    // ---- the node protocol ----

    /** The heartbeat response's jobs: unfinished jobs in which this node's entry is open. */
    public List<JobRef> listedFor(String nodeId) {
        List<FederatedJob> jobs = new ArrayList<>();
        for (JobState state : byUid.values()) {
            synchronized (state) {
                if (state.resource != null
                        && !state.finished
                        && entry(state, nodeId).filter(e -> !e.getPhase().terminal()).isPresent()) {
                    jobs.add(state.resource);
                }
            }
        }
        return jobs.stream()
                .sorted(
                        Comparator.comparing(
                                        (FederatedJob j) ->
                                                String.valueOf(
                                                        j.getMetadata().getCreationTimestamp()))
                                .thenComparing(j -> j.getMetadata().getName()))
                .limit(MAX_LISTED)
                .map(
                        j ->
                                new JobRef(
                                        j.getMetadata().getUid(),
                                        j.getMetadata().getGeneration(),
                                        j.getMetadata().getNamespace()
                                                + "/"
                                                + j.getMetadata().getName()))
                .toList();
    }

    /** The offer of a job to this node; 404 when there is no such job or the node is not in it. */
    public JobOffer fetch(String nodeId, String uid) {
        JobState state = uid == null ? null : byUid.get(uid);
        if (state == null) {
            throw new ApiException(404, NOT_FOUND);
        }
        synchronized (state) {
            FederatedJobNodeStatus e =
                    entry(state, nodeId).orElseThrow(() -> new ApiException(404, NOT_FOUND));
            Instant offeredAt =
                    e.getPhase() == Phase.Offered
                            ? Instant.parse(e.getUpdatedAt())
                            : Instant.parse(state.resource.getMetadata().getCreationTimestamp());
            return JobOffer.of(
                    state.resource, JobDeadlines.acceptBy(state.resource.getSpec(), offeredAt));
        }
    }

    /** The answer to a report. */
    public record ReportAnswer(String uid, Phase phase, boolean changed) {}

    /**
     * Applies a node's report to its own entry: 404 (not its job), 409 (stale generation or a move
     * the state machine does not allow), 400 (results outside the job's limits), 200 with
     * changed=false when the entry already is in that phase.
     */
    public ReportAnswer report(String nodeId, JobReport report) {
        report.validate();
        JobState state = byUid.get(report.uid());
        if (state == null) {
            throw new ApiException(404, NOT_FOUND);
        }
        synchronized (state) {
            FederatedJob job = state.resource;
            FederatedJobNodeStatus current =
                    entry(state, nodeId).orElseThrow(() -> new ApiException(404, NOT_FOUND));
            long generation = job.getMetadata().getGeneration();
            if (report.generation() != generation) {
                throw new ApiException(
                        409,
                        "generation "
                                + report.generation()
                                + " is not the job's current generation "
                                + generation);
            }
            if (current.getPhase() == report.phase()) {
                return new ReportAnswer(report.uid(), current.getPhase(), false);
            }
            if (!NodeTransitions.allowedByNode(current.getPhase(), report.phase())) {
                throw new ApiException(
                        409,
                        "the entry is "
                                + current.getPhase()
                                + " and cannot become "
                                + report.phase());
            }
            JobReport.checkResults(
                    report.results(), job.getSpec().getType(), job.getSpec().getResults());
            Instant now = clock.instant();
            FederatedJobNodeStatus next =
                    JobDeadlines.moved(
                            current,
                            report.phase(),
                            report.reason() == null ? report.phase().name() : report.reason(),
                            report.message(),
                            now);
            JobReport.JobResults r = report.results();
            if (r != null) {
                next.setMetrics(
                        r.metrics() == null || r.metrics().isEmpty()
                                ? null
                                : new java.util.TreeMap<>(r.metrics()));
                next.setMetricErrors(
                        r.metricErrors() == null || r.metricErrors().isEmpty()
                                ? null
                                : new java.util.TreeMap<>(r.metricErrors()));
                next.setNumExamples(r.numExamples());
                next.setModelDigest(r.modelDigest());
            }
            List<FederatedJobNodeStatus> entries = new ArrayList<>(state.entries);
            entries.replaceAll(e -> e.getNodeId().equals(nodeId) ? next : e);
            try {
                write(state, List.copyOf(entries), true, true, now);
            } catch (KubernetesClientException e) {
                LOG.warn(
                        "cannot record the report of node {} for job {}: {}",
                        nodeId,
                        job.getMetadata().getName(),
                        e.getMessage());
                throw new ApiException(503, "the hub cannot record the report now; retry");
            }
            return new ReportAnswer(report.uid(), next.getPhase(), true);
        }
    }

    private static Optional<FederatedJobNodeStatus> entry(JobState state, String nodeId) {
        return state.entries.stream().filter(e -> nodeId.equals(e.getNodeId())).findFirst();
    }

    // ---- the admin view ----

    /** The status (with every node's full results) of the job {@code namespace/name}. */
    public Optional<FederatedJobStatus> status(String jobNamespace, String name) {
        if (!namespace.equals(jobNamespace)) {
            return Optional.empty();
        }
        for (JobState state : byUid.values()) {
            synchronized (state) {
                if (state.resource != null
                        && name.equals(state.resource.getMetadata().getName())
                        && state.written != null) {
                    return Optional.of(state.written);
                }
            }
        }
        return Optional.empty();
    }

    /** Job-level states of {@code fednode_hub_federated_jobs}. */
    public enum JobPhase {
        Placing,
        Running,
        Succeeded,
        Failed,
        Stalled
    }

    /** Jobs by state, every state present (0 when none). */
    public Map<JobPhase, Long> jobsByState() {
        Map<JobPhase, Long> out = new EnumMap<>(JobPhase.class);
        for (JobPhase p : JobPhase.values()) {
            out.put(p, 0L);
        }
        for (JobState state : byUid.values()) {
            synchronized (state) {
                out.merge(phaseOf(state), 1L, Long::sum);
            }
        }
        return out;
    }

    /** Node entries of every job by phase, every phase present. */
    public Map<Phase, Long> entriesByPhase() {
        Map<Phase, Long> out = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            out.put(p, 0L);
        }
        for (JobState state : byUid.values()) {
            synchronized (state) {
                state.entries.forEach(e -> out.merge(e.getPhase(), 1L, Long::sum));
            }
        }
        return out;
    }

    static JobPhase phaseOf(JobState state) {
        Optional<io.fabric8.kubernetes.api.model.Condition> c = outcome(state.written);
        if (c.isEmpty() || (!state.placed && "Unknown".equals(c.get().getStatus()))) {
            return JobPhase.Placing;
        }
        String reason = c.get().getReason();
        if ("True".equals(c.get().getStatus())) {
            return JobPhase.Succeeded;
        }
        if (Reasons.NO_MATCHING_NODES.equals(reason)) {
            return JobPhase.Stalled;
        }
        if ("False".equals(c.get().getStatus())) {
            return JobPhase.Failed;
        }
        return JobPhase.Running;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (informer != null) {
            informer.close();
        }
    }
}
