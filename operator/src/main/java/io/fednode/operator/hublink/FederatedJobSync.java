package io.fednode.operator.hublink;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederatedJobDecision;
import io.fednode.api.v1alpha1.FederatedJobOffer;
import io.fednode.api.v1alpha1.FederatedJobPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunConditions;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.FederatedJobLabels;
import io.fednode.operator.common.JobPods;
import io.fednode.operator.federatedjob.FederatedJobAdmission;
import io.fednode.operator.federatedjob.FederatedJobAdmission.Decision;
import io.fednode.operator.federatedjob.FederatedJobAdmission.Reasons;
import io.fednode.operator.federatedjob.FederatedRun;
import io.fednode.operator.federatedjob.JobOffer;
import io.fednode.operator.federatedjob.JobResults;
import io.fednode.operator.training.TrainingJob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's half of the federated-job protocol (issue 12), run after each acknowledged heartbeat:
 * the heartbeat's answer lists the jobs the hub offers this node; a new one is fetched and decided
 * by {@link FederatedJobAdmission} (or waits for the hospital's annotation), an accepted one
 * becomes a TrainingRun named after the job's uid, its progress and checked results are reported,
 * and the unfinished run of a job the hub no longer lists is stopped.
 *
 * <p>Nothing here is kept only in memory that a restart must not forget: each job's decision and
 * the last phase the hub acknowledged go into the node's {@code status.federatedJobs} (the
 * reconciler writes them, as it writes {@code Connected}), and the run's name is derived from the
 * job's uid, so a restarted operator finds the run it created rather than making a second, and
 * reads a finished run's results again rather than running it again. Reports are retried on every
 * heartbeat until the hub answers 200 (or 409: it holds a later state already).
 */
final class FederatedJobSync {
    private static final Logger LOG = LoggerFactory.getLogger(FederatedJobSync.class);

    /** The hub lists at most this many jobs; more are ignored. */
    static final int MAX_LISTED = 100;

    /** Longest message a report carries (the hub keeps at most 512). */
    static final int MAX_MESSAGE = 512;

    static final String ACCEPTED = "Accepted";
    static final String REFUSED = "Refused";
    static final String RUNNING = "Running";
    static final String SUCCEEDED = "Succeeded";
    static final String FAILED = "Failed";

    static final String OFFERED_EVENT = "FederatedJobOffered";
    static final String ACCEPTED_EVENT = "FederatedJobAccepted";
    static final String REFUSED_EVENT = "FederatedJobRefused";
    static final String STOPPED_EVENT = "FederatedJobStopped";

    private static final Pattern UID = Pattern.compile("^[a-zA-Z0-9-]{1,64}$");
    private static final Pattern NAME = Pattern.compile("^[a-z0-9][-a-z0-9./]{0,316}$");

    /** One entry of the heartbeat answer's {@code jobs}. */
    record Listed(String uid, long generation, String name) {}

    /** A finished run's outcome as reported, results only when they passed the checks. */
    private record Outcome(String phase, String reason, String message, JobResults results) {}

    private final KubernetesClient client;
    private final EventRecorder events = new EventRecorder();
    private final Map<String, FederatedJobOffer> entries = new LinkedHashMap<>();
    private final Map<String, JobOffer> offers = new HashMap<>();
    private final Map<String, Outcome> outcomes = new HashMap<>();

    FederatedJobSync(KubernetesClient client, FederationNode node) {
        this.client = client;
        if (node.getStatus() != null && node.getStatus().getFederatedJobs() != null) {
            for (FederatedJobOffer e : node.getStatus().getFederatedJobs()) {
                if (e.getUid() != null && entries.size() < MAX_LISTED) {
                    entries.put(e.getUid(), e.copy());
                }
            }
        }
    }

    /** The entries for the node's status, copies. */
    synchronized List<FederatedJobOffer> entries() {
        return entries.values().stream().map(FederatedJobOffer::copy).toList();
    }

    /**
     * The heartbeat answer's {@code jobs}: absent or not a list means none; malformed entries are
     * skipped, at most {@value #MAX_LISTED} are taken. Every other field of the answer is ignored.
     */
    static List<Listed> listed(JsonNode answer) {
        List<Listed> out = new ArrayList<>();
        JsonNode jobs = answer == null ? null : answer.path("jobs");
        if (jobs == null || !jobs.isArray()) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode j : jobs) {
            if (out.size() >= MAX_LISTED) {
                LOG.warn("the hub lists more than {} federated jobs; the rest wait", MAX_LISTED);
                break;
            }
            String uid = j.path("uid").asText("");
            String name = j.path("name").asText("");
            JsonNode g = j.path("generation");
            if (!UID.matcher(uid).matches()
                    || !NAME.matcher(name).matches()
                    || !g.canConvertToLong()
                    || g.asLong() < 1
                    || !seen.add(uid)) {
                LOG.warn("ignoring a malformed entry of the hub's federated job list");
                continue;
            }
            out.add(new Listed(uid, g.asLong(), name));
        }
        return out;
    }

    /** One round: decide, run, report, stop. Failures of one job do not hold up the others. */
    synchronized void step(
            FederationNode node, List<Listed> listed, NodeInventory inventory, HubClient hub) {
        Set<String> listedUids = listed.stream().map(Listed::uid).collect(Collectors.toSet());
        for (String uid : new ArrayList<>(entries.keySet())) {
            if (!listedUids.contains(uid)) {
                stopUnlisted(node, entries.remove(uid));
                offers.remove(uid);
                outcomes.remove(uid);
            }
        }
        for (Listed job : listed) {
            try {
                FederatedJobOffer entry = entries.get(job.uid());
                if (entry == null || entry.getGeneration() < job.generation()) {
                    entry = offered(node, job, inventory, hub);
                    if (entry == null) {
                        continue;
                    }
                    entries.put(job.uid(), entry);
                }
                if (entry.getDecision() == FederatedJobDecision.PendingApproval) {
                    approval(node, entry, inventory, hub);
                }
                if (entry.getDecision() == FederatedJobDecision.Accepted) {
                    progress(node, entry, inventory, hub);
                }
                report(entry, hub);
            } catch (IOException e) {
                LOG.info(
                        "federated job {}: the hub is not reachable now, retried at the next"
                                + " heartbeat: {}",
                        job.name(),
                        e.toString());
            } catch (KubernetesClientException e) {
                LOG.warn(
                        "federated job {}: the API server refused a request, retried at the next"
                                + " heartbeat: {}",
                        job.name(),
                        e.getMessage());
            }
        }
    }

    /** Fetches and decides a newly listed job; null when the hub gives no offer now. */
    private FederatedJobOffer offered(
            FederationNode node, Listed job, NodeInventory inventory, HubClient hub)
            throws IOException {
        FederatedJobOffer entry = new FederatedJobOffer();
        entry.setUid(job.uid());
        entry.setGeneration(job.generation());
        entry.setName(job.name());
        Decision decision;
        JobOffer offer;
        try {
            offer = fetch(job.uid(), hub);
            if (offer == null) {
                return null;
            }
            if (offer.generation() != job.generation() || !offer.name().equals(job.name())) {
                throw new JobOffer.Invalid(
                        "the offer's generation or name differs from the hub's job list");
            }
            entry.setSubmitter(offer.submitter());
            entry.setType(offer.type());
            decision = FederatedJobAdmission.decide(offer, node, datasets(inventory));
        } catch (JobOffer.Invalid e) {
            decision = invalid(e);
        }
        events.record(
                client,
                node,
                EventRecorder.NORMAL,
                OFFERED_EVENT,
                "the hub offers federated job "
                        + job.name()
                        + " (uid "
                        + job.uid()
                        + (entry.getType() == null ? "" : ", " + entry.getType())
                        + (entry.getSubmitter() == null
                                ? ""
                                : ", submitted by " + entry.getSubmitter())
                        + ")");
        decided(node, entry, decision);
        return entry;
    }

    private void decided(FederationNode node, FederatedJobOffer entry, Decision decision) {
        entry.setDecision(decision.decision());
        entry.setReason(decision.reason());
        entry.setMessage(bounded(decision.message()));
        switch (decision.decision()) {
            case Accepted -> {
                entry.setPhase(ACCEPTED);
                entry.setTrainingRun(
                        FederatedRun.name(
                                entry.getUid(), node.getMetadata().getName(), entry.getName()));
                events.record(
                        client,
                        node,
                        EventRecorder.NORMAL,
                        ACCEPTED_EVENT,
                        "federated job " + entry.getName() + ": " + decision.message());
            }
            case Refused -> {
                entry.setPhase(REFUSED);
                events.record(
                        client,
                        node,
                        EventRecorder.WARNING,
                        REFUSED_EVENT,
                        "federated job "
                                + entry.getName()
                                + " refused ("
                                + decision.reason()
                                + "): "
                                + decision.message());
            }
            case PendingApproval -> entry.setPhase(null);
        }
    }

    /** Manual acceptance: the hospital's annotations decide an offer that passed the policy. */
    private void approval(
            FederationNode node, FederatedJobOffer entry, NodeInventory inventory, HubClient hub)
            throws IOException {
        if (annotated(node, FederatedJobPolicy.REFUSE_ANNOTATION).contains(entry.getUid())) {
            decided(
                    node,
                    entry,
                    new Decision(
                            FederatedJobDecision.Refused,
                            Reasons.REFUSED_BY_HOSPITAL,
                            "refused by the hospital (annotation "
                                    + FederatedJobPolicy.REFUSE_ANNOTATION
                                    + ")"));
            return;
        }
        if (!annotated(node, FederatedJobPolicy.APPROVE_ANNOTATION).contains(entry.getUid())) {
            return;
        }
        JobOffer offer;
        try {
            offer = offer(entry, hub);
        } catch (JobOffer.Invalid e) {
            decided(node, entry, invalid(e));
            return;
        }
        if (offer == null) {
            return;
        }
        // The policy is applied again: it may have been tightened while the offer waited.
        Decision now = FederatedJobAdmission.decide(offer, node, datasets(inventory));
        decided(
                node,
                entry,
                now.refused()
                        ? now
                        : new Decision(
                                FederatedJobDecision.Accepted,
                                Reasons.APPROVED_BY_HOSPITAL,
                                "approved by the hospital (annotation "
                                        + FederatedJobPolicy.APPROVE_ANNOTATION
                                        + "): runs as TrainingRun "
                                        + FederatedRun.name(
                                                entry.getUid(),
                                                node.getMetadata().getName(),
                                                entry.getName())));
    }

    /** Creates the run when it does not exist yet; otherwise follows it to its end. */
    private void progress(
            FederationNode node, FederatedJobOffer entry, NodeInventory inventory, HubClient hub)
            throws IOException {
        if (SUCCEEDED.equals(entry.getPhase()) || FAILED.equals(entry.getPhase())) {
            if (!outcomes.containsKey(entry.getUid())
                    && !entry.getPhase().equals(entry.getReported())) {
                TrainingRun run = run(node, entry, inventory);
                if (run != null) {
                    finished(node, entry, run, hub);
                }
            }
            return;
        }
        TrainingRun run = run(node, entry, inventory);
        if (run == null) {
            if (RUNNING.equals(entry.getPhase())) {
                outcome(
                        entry,
                        new Outcome(
                                FAILED,
                                "RunDeleted",
                                "TrainingRun " + entry.getTrainingRun() + " was deleted",
                                null));
                return;
            }
            JobOffer offer = offerOrFail(entry, hub);
            if (offer == null) {
                return;
            }
            TrainingRun desired = FederatedRun.desired(offer, node);
            try {
                client.resource(desired).create();
                LOG.info(
                        "federated job {} runs as TrainingRun {}",
                        entry.getName(),
                        entry.getTrainingRun());
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return; // created meanwhile (the inventory lagged): followed next round
                }
                if (e.getCode() == 422) {
                    outcome(
                            entry,
                            new Outcome(
                                    FAILED,
                                    Reasons.INVALID_OFFER,
                                    "the API server refused the TrainingRun: "
                                            + bounded(e.getMessage()),
                                    null));
                    return;
                }
                throw e;
            }
            return;
        }
        if (!entry.getUid().equals(FederatedJobLabels.uid(run))
                || !node.getMetadata().getName().equals(run.getSpec().getNodeRef())) {
            outcome(
                    entry,
                    new Outcome(
                            FAILED,
                            "RunNameTaken",
                            "TrainingRun "
                                    + entry.getTrainingRun()
                                    + " exists and is not this job's run",
                            null));
            return;
        }
        var conditions = run.getStatus() == null ? null : run.getStatus().getConditions();
        if (Conditions.is(conditions, TrainingRunConditions.SUCCEEDED, "True")
                || Conditions.is(conditions, TrainingRunConditions.FAILED, "True")) {
            finished(node, entry, run, hub);
        } else if (Conditions.is(conditions, TrainingRunConditions.RUNNING, "True")) {
            entry.setPhase(RUNNING);
        }
    }

    /** A finished run: its outcome, with results read from its Pod and checked. */
    private void finished(
            FederationNode node, FederatedJobOffer entry, TrainingRun run, HubClient hub)
            throws IOException {
        var conditions = run.getStatus() == null ? null : run.getStatus().getConditions();
        var failed = Conditions.find(conditions, TrainingRunConditions.FAILED);
        if (failed.isPresent() && "True".equals(failed.get().getStatus())) {
            outcome(
                    entry,
                    new Outcome(
                            FAILED,
                            failed.get().getReason(),
                            "TrainingRun "
                                    + run.getMetadata().getName()
                                    + ": "
                                    + failed.get().getMessage(),
                            null));
            return;
        }
        JobOffer offer = offerOrFail(entry, hub);
        if (offer == null) {
            return;
        }
        String text = terminationMessage(run);
        if (text == null) {
            outcome(
                    entry,
                    new Outcome(
                            FAILED,
                            "ResultsUnavailable",
                            "the Pod of TrainingRun "
                                    + run.getMetadata().getName()
                                    + " is gone: its results cannot be read",
                            null));
            return;
        }
        try {
            JobResults results = JobResults.validate(text, offer);
            outcome(
                    entry,
                    new Outcome(
                            SUCCEEDED,
                            "Completed",
                            "TrainingRun "
                                    + run.getMetadata().getName()
                                    + " succeeded; "
                                    + results.metrics().size()
                                    + " metrics reported",
                            results));
        } catch (JobResults.Rejected e) {
            LOG.warn("federated job {}: results rejected: {}", entry.getName(), e.getMessage());
            events.record(
                    client,
                    node,
                    EventRecorder.WARNING,
                    "ResultsRejected",
                    "federated job " + entry.getName() + ": " + e.getMessage() + "; nothing sent");
            outcome(
                    entry,
                    new Outcome(
                            FAILED,
                            "ResultsRejected",
                            "the results were rejected by the node and not sent: " + e.getMessage(),
                            null));
        }
    }

    private void outcome(FederatedJobOffer entry, Outcome outcome) {
        outcomes.put(entry.getUid(), outcome);
        entry.setPhase(outcome.phase());
        entry.setReason(outcome.reason());
        entry.setMessage(bounded(outcome.message()));
    }

    /** The trainer container's termination message; "" when it wrote none, null without a Pod. */
    private String terminationMessage(TrainingRun run) {
        String jobName =
                run.getStatus() != null && run.getStatus().getJobName() != null
                        ? run.getStatus().getJobName()
                        : run.getMetadata().getName();
        var job =
                new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                        .withNewMetadata()
                        .withName(jobName)
                        .withNamespace(run.getMetadata().getNamespace())
                        .endMetadata()
                        .build();
        for (Pod pod : JobPods.of(client, job)) {
            if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                continue;
            }
            for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
                if (TrainingJob.CONTAINER.equals(cs.getName())
                        && cs.getState() != null
                        && cs.getState().getTerminated() != null) {
                    String message = cs.getState().getTerminated().getMessage();
                    return message == null ? "" : message;
                }
            }
        }
        return null;
    }

    /** Sends what the hub has not acknowledged yet, in the order the hub takes it. */
    private void report(FederatedJobOffer entry, HubClient hub) throws IOException {
        String want = entry.getPhase();
        if (want == null || want.equals(entry.getReported())) {
            return;
        }
        if (entry.getDecision() == FederatedJobDecision.Accepted
                && entry.getReported() == null
                && !ACCEPTED.equals(want)) {
            if (!send(entry, ACCEPTED, "Accepted", "accepted by the node", null, hub)) {
                return;
            }
        }
        if (RUNNING.equals(want) && RUNNING.equals(entry.getReported())) {
            return;
        }
        Outcome outcome = outcomes.get(entry.getUid());
        boolean terminal = SUCCEEDED.equals(want) || FAILED.equals(want);
        String reason =
                terminal && outcome != null
                        ? outcome.reason()
                        : RUNNING.equals(want) ? "PodRunning" : entry.getReason();
        String message =
                terminal && outcome != null
                        ? outcome.message()
                        : RUNNING.equals(want) ? "the job's Pod runs" : entry.getMessage();
        JobResults results = terminal && outcome != null ? outcome.results() : null;
        send(entry, want, reason, message, results, hub);
    }

    private boolean send(
            FederatedJobOffer entry,
            String phase,
            String reason,
            String message,
            JobResults results,
            HubClient hub)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uid", entry.getUid());
        body.put("generation", entry.getGeneration());
        body.put("phase", phase);
        body.put("reason", reason == null ? phase : camelCase(reason));
        body.put("message", bounded(message == null ? "" : message));
        if (results != null) {
            body.put("results", results.asReport());
        }
        HubClient.Response response = hub.reportJob(body);
        if (response.status() == 400 && results != null) {
            // The hub checks results again under its own rules: what it refuses is not sent
            // again; the job is reported Failed without them at the next round.
            String why = hubError(response);
            LOG.warn("federated job {}: the hub refused the results: {}", entry.getName(), why);
            outcome(
                    entry,
                    new Outcome(
                            FAILED,
                            "ResultsRejected",
                            "the hub refused the results: " + why,
                            null));
            return false;
        }
        if (response.status() == 400) {
            // A report the hub cannot take is not improved by sending it again.
            LOG.warn(
                    "federated job {}: the hub refused the {} report: {}; not sent again",
                    entry.getName(),
                    phase,
                    hubError(response));
            entry.setReported(phase);
            return true;
        }
        if (response.ok() || response.status() == 409 || response.status() == 404) {
            // 409: the hub holds a later state (or the job moved on); 404: the job is gone. Either
            // way sending this again would not change it.
            if (!response.ok()) {
                LOG.info(
                        "federated job {}: the hub answered {} to {}; not sent again",
                        entry.getName(),
                        response.status(),
                        phase);
            }
            entry.setReported(phase);
            return true;
        }
        LOG.warn(
                "federated job {}: report {} answered {}, retried at the next heartbeat",
                entry.getName(),
                phase,
                response.status());
        return false;
    }

    /** A job the hub no longer lists: its unfinished run is stopped (deleted). */
    private void stopUnlisted(FederationNode node, FederatedJobOffer entry) {
        if (entry == null
                || entry.getDecision() != FederatedJobDecision.Accepted
                || entry.getTrainingRun() == null) {
            return;
        }
        try {
            TrainingRun run =
                    client.resources(TrainingRun.class)
                            .inNamespace(node.getMetadata().getNamespace())
                            .withName(entry.getTrainingRun())
                            .get();
            if (run == null || !entry.getUid().equals(FederatedJobLabels.uid(run))) {
                return;
            }
            var conditions = run.getStatus() == null ? null : run.getStatus().getConditions();
            if (Conditions.is(conditions, TrainingRunConditions.SUCCEEDED, "True")
                    || Conditions.is(conditions, TrainingRunConditions.FAILED, "True")) {
                return; // finished: kept, with its status, for the hospital's records
            }
            client.resource(run).delete();
            events.record(
                    client,
                    node,
                    EventRecorder.NORMAL,
                    STOPPED_EVENT,
                    "federated job "
                            + entry.getName()
                            + " is no longer offered by the hub: TrainingRun "
                            + entry.getTrainingRun()
                            + " stopped and deleted");
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "federated job {}: cannot stop TrainingRun {}: {}",
                    entry.getName(),
                    entry.getTrainingRun(),
                    e.getMessage());
        }
    }

    /** The run of an entry: from the inventory, else read (the inventory may lag a create). */
    private TrainingRun run(FederationNode node, FederatedJobOffer entry, NodeInventory inventory) {
        for (TrainingRun run : inventory.runs()) {
            if (entry.getTrainingRun().equals(run.getMetadata().getName())) {
                return run;
            }
        }
        return client.resources(TrainingRun.class)
                .inNamespace(node.getMetadata().getNamespace())
                .withName(entry.getTrainingRun())
                .get();
    }

    /**
     * The offer of an accepted entry; null when the hub gives none now (asked again next round), or
     * when it is invalid (the job is then Failed with reason InvalidOffer).
     */
    private JobOffer offerOrFail(FederatedJobOffer entry, HubClient hub) throws IOException {
        try {
            return offer(entry, hub);
        } catch (JobOffer.Invalid e) {
            outcome(entry, new Outcome(FAILED, Reasons.INVALID_OFFER, e.getMessage(), null));
            return null;
        }
    }

    /** The entry's offer, fetched again when this instance has not seen it (after a restart). */
    private JobOffer offer(FederatedJobOffer entry, HubClient hub)
            throws IOException, JobOffer.Invalid {
        JobOffer offer = offers.get(entry.getUid());
        if (offer == null) {
            offer = fetch(entry.getUid(), hub);
        }
        return offer;
    }

    /** The hub's offer; null when the hub has none for this node now (404) or fails. */
    private JobOffer fetch(String uid, HubClient hub) throws IOException, JobOffer.Invalid {
        HubClient.Response response;
        try {
            response = hub.fetchJob(uid);
        } catch (HubClient.ReplyTooLarge e) {
            throw new JobOffer.Invalid(
                    "the offer exceeds " + HubClient.MAX_REPLY_BYTES / 1024 + " KiB");
        }
        if (!response.ok()) {
            LOG.info("federated job {}: the hub answered {} to fetch", uid, response.status());
            return null;
        }
        JsonNode body;
        try {
            body = HubClient.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new JobOffer.Invalid("the offer is not JSON");
        }
        JobOffer offer = JobOffer.parse(body);
        if (!offer.uid().equals(uid)) {
            throw new JobOffer.Invalid("the offer's uid is not the one asked for");
        }
        offers.put(uid, offer);
        return offer;
    }

    /** The hub's error text, bounded and printable. */
    private static String hubError(HubClient.Response response) {
        try {
            return LinkCondition.bounded(
                    HubClient.JSON.readTree(response.body()).path("error").asText(""), 200);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static Decision invalid(JobOffer.Invalid e) {
        return new Decision(
                FederatedJobDecision.Refused,
                Reasons.INVALID_OFFER,
                "the hub's offer is not one this node runs: " + e.getMessage());
    }

    private static Map<String, Dataset> datasets(NodeInventory inventory) {
        Map<String, Dataset> byName = new HashMap<>();
        inventory.datasets().forEach(d -> byName.put(d.getMetadata().getName(), d));
        return byName;
    }

    private static Set<String> annotated(FederationNode node, String key) {
        String value = FederatedJobLabels.annotation(node, key);
        if (value == null) {
            return Set.of();
        }
        return Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }

    static String bounded(String message) {
        if (message == null) {
            return null;
        }
        return message.length() <= MAX_MESSAGE
                ? message
                : message.substring(0, MAX_MESSAGE - 1) + "…";
    }

    /** The hub takes CamelCase reasons only; anything else is sent as the phase's name. */
    private static String camelCase(String reason) {
        return reason.matches("^[A-Z][A-Za-z0-9]{0,63}$") ? reason : "Unspecified";
    }
}
