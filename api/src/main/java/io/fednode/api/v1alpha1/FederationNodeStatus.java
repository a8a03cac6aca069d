package io.fednode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a FederationNode. */
public class FederationNodeStatus {
    /** The spec generation this status describes. */
    private Long observedGeneration;

    /**
     * The version of the operator whose objects the node holds: after an operator upgrade it moves
     * to the new version as the node is rolled forward, which waits for spec.maintenanceWindow when
     * one is declared (UpgradePending=True meanwhile); a paused node keeps the version it had.
     */
    private String operatorVersion;

    /**
     * Ready (summary), Reconciling, Stalled, StorageReady, NetworkIsolated, Registered, Connected,
     * ComponentsReady, UpgradePending, Paused.
     */
    private List<Condition> conditions = new ArrayList<>();

    /**
     * Claim changes the API server refused, not sent again while the spec asks for the same thing
     * of the same claim (at most one per volume; empty once every claim matches its spec).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private List<RefusedClaimChange> refusedClaimChanges = new ArrayList<>();

    // --- federated jobs (issue 12) ---

    /**
     * The federated jobs the hub offers this node now, with the node's decision (at most 100; an
     * entry goes when the hub no longer lists its job).
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @Size(max = 100)
    private List<FederatedJobOffer> federatedJobs = new ArrayList<>();

    public List<FederatedJobOffer> getFederatedJobs() {
        return federatedJobs;
    }

    public void setFederatedJobs(List<FederatedJobOffer> federatedJobs) {
        this.federatedJobs = federatedJobs == null ? new ArrayList<>() : federatedJobs;
    }

    // --- end federated jobs ---

    /** One entry per component declared now or still installed (issue 16). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private List<ComponentStatus> components = new ArrayList<>();

    public List<ComponentStatus> getComponents() {
        return components;
    }

    public void setComponents(List<ComponentStatus> components) {
        this.components = components == null ? new ArrayList<>() : components;
    }

    public String getOperatorVersion() {
        return operatorVersion;
    }

    public void setOperatorVersion(String operatorVersion) {
        this.operatorVersion = operatorVersion;
    }

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

    public List<RefusedClaimChange> getRefusedClaimChanges() {
        return refusedClaimChanges;
    }

    public void setRefusedClaimChanges(List<RefusedClaimChange> refusedClaimChanges) {
        this.refusedClaimChanges =
                refusedClaimChanges == null ? new ArrayList<>() : refusedClaimChanges;
    }
}
