package io.fednode.hub.job;

import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import java.util.Map;
import java.util.Set;

/**
 * The per-node state machine of a federated job. A node moves its own entry forward only; terminal
 * entries (Refused, Succeeded, Failed, Lost) never change, so a node that reconnects or an operator
 * that restarts can never make a finished entry run again. The hub itself moves Offered to Refused
 * (accept deadline) and Accepted or Running to Lost (silence).
 */
public final class NodeTransitions {
    private static final Map<Phase, Set<Phase>> BY_NODE =
            Map.of(
                    Phase.Offered, Set.of(Phase.Accepted, Phase.Refused),
                    Phase.Accepted, Set.of(Phase.Running, Phase.Succeeded, Phase.Failed),
                    Phase.Running, Set.of(Phase.Succeeded, Phase.Failed));

    /** Phases a node may report. */
    public static final Set<Phase> REPORTABLE =
            Set.of(Phase.Accepted, Phase.Refused, Phase.Running, Phase.Succeeded, Phase.Failed);

    private NodeTransitions() {}

    /** Whether a node may move its entry from {@code from} to {@code to} (a different phase). */
    public static boolean allowedByNode(Phase from, Phase to) {
        return BY_NODE.getOrDefault(from, Set.of()).contains(to);
    }
}
