package io.fednode.hub.job;

import io.fabric8.kubernetes.api.model.Condition;
import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.FederatedJobConditions;
import io.fednode.api.v1alpha1.FederatedJobConditions.Reasons;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import io.fednode.api.v1alpha1.FederatedJobSpec;
import io.fednode.api.v1alpha1.FederatedJobStatus;
import io.fednode.api.v1alpha1.FederatedJobStatus.Counts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A job's status from its node entries: counts, aggregated metrics and conditions.
 *
 * <ul>
 *   <li>Succeeded=False, Stalled=True as soon as success is impossible: a required node is not
 *       placed or ended other than Succeeded ({@code RequiredNodeFailed}), or fewer than {@code
 *       minNodes} entries are Succeeded or still undecided ({@code QuorumNotReached}); or nothing
 *       fits the placement ({@code NoMatchingNodes}).
 *   <li>Succeeded=True once every entry is terminal (so every node's results are in): {@code
 *       AllSucceeded} when every placed node succeeded, else {@code PartiallySucceeded}.
 *   <li>Otherwise Succeeded=Unknown and Reconciling=True: {@code Placing}, {@code AwaitingNodes}
 *       (some node has not decided) or {@code Running}.
 * </ul>
 *
 * Ready mirrors Succeeded, so {@code kubectl wait --for=condition=Ready} waits for success.
 */
public final class JobOutcome {
    private JobOutcome() {}

    /** Whether the job's outcome is decided (it is no longer offered to anyone). */
    public static boolean finished(FederatedJobStatus status) {
        return status != null
                && Conditions.find(status.getConditions(), FederatedJobConditions.SUCCEEDED)
                        .map(c -> !ConditionTypes.UNKNOWN.equals(c.getStatus()))
                        .orElse(false);
    }

    /**
     * The status for these entries; {@code placed} says whether placement has run (an empty list
     * then means nothing matched). Conditions keep their transition times from {@code previous}.
     */
    public static FederatedJobStatus status(
            FederatedJobSpec spec,
            long generation,
            List<FederatedJobNodeStatus> entries,
            boolean placed,
            Collection<Condition> previous,
            Instant now) {
        FederatedJobStatus s = new FederatedJobStatus();
        s.setObservedGeneration(generation);
        s.setNodes(List.copyOf(entries));
        s.setCounts(counts(entries));
        s.setAggregated(JobAggregation.aggregate(entries));
        Verdict v = verdict(spec, entries, placed);
        List<Condition> c = new ArrayList<>();
        c.add(Conditions.of(ConditionTypes.READY, v.status, v.reason, v.message, generation));
        c.add(
                Conditions.of(
                        FederatedJobConditions.SUCCEEDED,
                        v.status,
                        v.reason,
                        v.message,
                        generation));
        boolean inProgress = ConditionTypes.UNKNOWN.equals(v.status);
        c.add(
                Conditions.of(
                        ConditionTypes.RECONCILING,
                        inProgress ? ConditionTypes.TRUE : ConditionTypes.FALSE,
                        v.reason,
                        v.message,
                        generation));
        c.add(
                v.stalled
                        ? Conditions.of(
                                ConditionTypes.STALLED,
                                ConditionTypes.TRUE,
                                v.reason,
                                v.message,
                                generation)
                        : Conditions.of(
                                ConditionTypes.STALLED,
                                ConditionTypes.FALSE,
                                ConditionTypes.Reasons.NO_BLOCKING_ERRORS,
                                "nothing blocks the job",
                                generation));
        s.setConditions(Conditions.settle(c, previous, now));
        return s;
    }

    record Verdict(String status, String reason, String message, boolean stalled) {}

    static Verdict verdict(
            FederatedJobSpec spec, List<FederatedJobNodeStatus> entries, boolean placed) {
        int minNodes =
                spec.getPlacement() == null || spec.getPlacement().getMinNodes() == null
                        ? 1
                        : spec.getPlacement().getMinNodes();
        if (entries.isEmpty()) {
            if (!placed) {
                return new Verdict(
                        ConditionTypes.UNKNOWN, Reasons.PLACING, "choosing the nodes", false);
            }
            String datasets =
                    spec.getDatasets() == null || spec.getDatasets().isEmpty()
                            ? ""
                            : " and reports datasets " + spec.getDatasets() + " Ready";
            return new Verdict(
                    ConditionTypes.FALSE,
                    Reasons.NO_MATCHING_NODES,
                    "no FederationMember matches the placement" + datasets,
                    true);
        }
        List<String> required =
                spec.getPlacement() == null || spec.getPlacement().getRequiredNodes() == null
                        ? List.of()
                        : spec.getPlacement().getRequiredNodes();
        for (String r : required) {
            Optional<FederatedJobNodeStatus> e =
                    entries.stream().filter(x -> r.equals(x.getNodeId())).findFirst();
            if (e.isEmpty()) {
                return new Verdict(
                        ConditionTypes.FALSE,
                        Reasons.REQUIRED_NODE_FAILED,
                        "required node " + r + " does not match the placement",
                        true);
            }
            Phase p = e.get().getPhase();
            if (p.terminal() && p != Phase.Succeeded) {
                return new Verdict(
                        ConditionTypes.FALSE,
                        Reasons.REQUIRED_NODE_FAILED,
                        "required node "
                                + r
                                + " "
                                + p
                                + (e.get().getReason() == null
                                        ? ""
                                        : " (" + e.get().getReason() + ")"),
                        true);
            }
        }
        long succeeded = entries.stream().filter(e -> e.getPhase() == Phase.Succeeded).count();
        long open = entries.stream().filter(e -> !e.getPhase().terminal()).count();
        if (succeeded + open < minNodes) {
            return new Verdict(
                    ConditionTypes.FALSE,
                    Reasons.QUORUM_NOT_REACHED,
                    "only "
                            + (succeeded + open)
                            + " of "
                            + entries.size()
                            + " nodes can still succeed; minNodes is "
                            + minNodes,
                    true);
        }
        if (open == 0) {
            boolean all = succeeded == entries.size();
            return new Verdict(
                    ConditionTypes.TRUE,
                    all ? Reasons.ALL_SUCCEEDED : Reasons.PARTIALLY_SUCCEEDED,
                    succeeded + " of " + entries.size() + " nodes succeeded",
                    false);
        }
        long offered = entries.stream().filter(e -> e.getPhase() == Phase.Offered).count();
        if (offered > 0) {
            return new Verdict(
                    ConditionTypes.UNKNOWN,
                    Reasons.AWAITING_NODES,
                    offered + " of " + entries.size() + " nodes have not decided yet",
                    false);
        }
        return new Verdict(
                ConditionTypes.UNKNOWN,
                Reasons.RUNNING,
                open + " of " + entries.size() + " nodes accepted or run the job",
                false);
    }

    static Counts counts(List<FederatedJobNodeStatus> entries) {
        Counts c = new Counts();
        for (FederatedJobNodeStatus e : entries) {
            switch (e.getPhase()) {
                case Offered -> c.setOffered(c.getOffered() + 1);
                case Accepted -> c.setAccepted(c.getAccepted() + 1);
                case Running -> c.setRunning(c.getRunning() + 1);
                case Succeeded -> c.setSucceeded(c.getSucceeded() + 1);
                case Refused -> c.setRefused(c.getRefused() + 1);
                case Failed -> c.setFailed(c.getFailed() + 1);
                case Lost -> c.setLost(c.getLost() + 1);
            }
        }
        return c;
    }
}
