package io.fednode.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a FederationNode. */
public class FederationNodeStatus {
    /** The spec generation this status describes. */
    private Long observedGeneration;

    /**
     * Ready (summary), Reconciling, Stalled, StorageReady, NetworkIsolated, Registered, Connected.
     */
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
