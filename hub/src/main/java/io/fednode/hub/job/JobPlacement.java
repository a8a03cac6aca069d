package io.fednode.hub.job;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fednode.api.v1alpha1.FederatedJobPlacement;
import io.fednode.api.v1alpha1.FederatedJobSpec;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which members a job is offered to: those listed in {@code placement.nodes} and those {@code
 * placement.memberSelector} matches (neither set: every member), of these only the ones that are
 * not revoked and whose last heartbeat reports every dataset of the job Ready. Pure: decided once,
 * when the hub first sees the job, and kept in its status.
 */
public final class JobPlacement {
    private JobPlacement() {}

    /** A member as placement sees it. */
    public record Candidate(
            String nodeId,
            Map<String, String> labels,
            Set<String> readyDatasets,
            boolean revoked) {}

    /** The nodeIds the job goes to, sorted. */
    public static List<String> place(FederatedJobSpec spec, Collection<Candidate> members) {
        FederatedJobPlacement p = spec.getPlacement();
        List<String> listed = p == null || p.getNodes() == null ? List.of() : p.getNodes();
        LabelSelector selector = p == null ? null : p.getMemberSelector();
        boolean everyone = listed.isEmpty() && selector == null;
        List<String> datasets = spec.getDatasets() == null ? List.of() : spec.getDatasets();
        return members.stream()
                .filter(c -> !c.revoked())
                .filter(
                        c ->
                                everyone
                                        || listed.contains(c.nodeId())
                                        || (selector != null && matches(selector, c.labels())))
                .filter(c -> c.readyDatasets().containsAll(datasets))
                .map(Candidate::nodeId)
                .sorted()
                .toList();
    }

    /** Kubernetes label selector semantics: every matchLabels entry and every expression hold. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> have = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (var e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(have.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String value = have.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok =
                        switch (r.getOperator()) {
                            case "In" -> value != null && values.contains(value);
                            case "NotIn" -> value == null || !values.contains(value);
                            case "Exists" -> have.containsKey(r.getKey());
                            case "DoesNotExist" -> !have.containsKey(r.getKey());
                            default -> false;
                        };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
