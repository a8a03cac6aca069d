package io.fednode.hub.job;

import io.fednode.api.common.Conditions;
import io.fednode.api.common.GoDuration;
import io.fednode.api.v1alpha1.FederatedJobConditions.Reasons;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import io.fednode.api.v1alpha1.FederatedJobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The hub's own moves of node entries, so that no job waits forever: an Offered entry not decided
 * within {@code acceptDeadline} of the offer becomes Refused ({@code AcceptDeadlineExceeded}); an
 * Accepted or Running entry whose node is lost (silent too long, revoked or deleted) becomes Lost.
 */
public final class JobDeadlines {
    private JobDeadlines() {}

    /** When an entry offered at {@code offeredAt} must have been decided. */
    public static Instant acceptBy(FederatedJobSpec spec, Instant offeredAt) {
        return offeredAt.plus(acceptDeadline(spec));
    }

    static Duration acceptDeadline(FederatedJobSpec spec) {
        return GoDuration.parse(spec.getAcceptDeadline() == null ? "1h" : spec.getAcceptDeadline());
    }

    /**
     * The entries after applying the rules at {@code now}; the same objects where nothing moved.
     */
    public static List<FederatedJobNodeStatus> apply(
            FederatedJobSpec spec,
            List<FederatedJobNodeStatus> entries,
            Predicate<String> nodeLost,
            Instant now) {
        List<FederatedJobNodeStatus> out = new ArrayList<>(entries.size());
        for (FederatedJobNodeStatus e : entries) {
            if (e.getPhase() == Phase.Offered
                    && !now.isBefore(acceptBy(spec, Instant.parse(e.getUpdatedAt())))) {
                out.add(
                        moved(
                                e,
                                Phase.Refused,
                                Reasons.ACCEPT_DEADLINE_EXCEEDED,
                                "the node did not accept within " + spec.getAcceptDeadline(),
                                now));
            } else if ((e.getPhase() == Phase.Accepted || e.getPhase() == Phase.Running)
                    && nodeLost.test(e.getNodeId())) {
                out.add(
                        moved(
                                e,
                                Phase.Lost,
                                Reasons.NODE_LOST,
                                "the node stopped heartbeating while it had the job ("
                                        + e.getPhase()
                                        + ")",
                                now));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /** A new entry for {@code e} in {@code phase}; results are kept. */
    static FederatedJobNodeStatus moved(
            FederatedJobNodeStatus e, Phase phase, String reason, String message, Instant now) {
        FederatedJobNodeStatus n = copy(e);
        n.setPhase(phase);
        n.setReason(reason);
        n.setMessage(message);
        n.setUpdatedAt(Conditions.timestamp(now));
        return n;
    }

    static FederatedJobNodeStatus copy(FederatedJobNodeStatus e) {
        FederatedJobNodeStatus n = new FederatedJobNodeStatus();
        n.setNodeId(e.getNodeId());
        n.setPhase(e.getPhase());
        n.setReason(e.getReason());
        n.setMessage(e.getMessage());
        n.setUpdatedAt(e.getUpdatedAt());
        n.setMetrics(e.getMetrics());
        n.setMetricErrors(e.getMetricErrors());
        n.setNumExamples(e.getNumExamples());
        n.setModelDigest(e.getModelDigest());
        return n;
    }
}
