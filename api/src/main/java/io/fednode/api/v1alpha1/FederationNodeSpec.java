package io.fednode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** Desired state of one hospital node of the federation. */
@ValidationRule(
        value = "self.role == 'compute' || (has(self.storage) && has(self.storage.raw))",
        message = "spec.storage.raw is required when spec.role is data or hybrid")
@ValidationRule(
        value = "self.role != 'compute' || !has(self.storage) || !has(self.storage.raw)",
        message = "spec.storage.raw is not allowed when spec.role is compute")
@ValidationRule(
        value = "self.role != 'compute' || !has(self.anonymisation)",
        message = "spec.anonymisation is not allowed when spec.role is compute")
@ValidationRule(
        value = "self.role != 'data' || !has(self.compute)",
        message = "spec.compute is not allowed when spec.role is data")
// Federated jobs (issue 12): the policy's ceilings stay inside the node's compute policy.
@ValidationRule(
        value =
                "!has(self.federatedJobs) || !has(self.federatedJobs.maxGpus)"
                        + " || (has(self.compute) && self.federatedJobs.maxGpus"
                        + " <= self.compute.maxGpusPerRun)",
        message = "spec.federatedJobs.maxGpus must not exceed spec.compute.maxGpusPerRun")
@ValidationRule(
        value =
                "!has(self.federatedJobs) || !has(self.federatedJobs.maxRuntime)"
                        + " || (has(self.compute) && duration(self.federatedJobs.maxRuntime)"
                        + " <= duration(self.compute.maxRuntime))",
        message = "spec.federatedJobs.maxRuntime must not exceed spec.compute.maxRuntime")
public class FederationNodeSpec {
    /** The node's identity in the federation (RFC 1123 DNS label). Immutable. */
    @Required
    @Size(min = 1, max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @ValidationRule(value = "self == oldSelf", message = "nodeId is immutable")
    private String nodeId;

    /** data, compute or hybrid. */
    @Required private NodeRole role;

    /** Retain (default) keeps the volumes when the node is deleted; Delete removes them. */
    @Default("Retain")
    private DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

    /** The federation hub this node enrols with and heartbeats to. */
    @Required private HubSpec hub;

    /** Volumes of the node. */
    private StorageSpec storage;

    /** Anonymisation defaults (data and hybrid nodes). */
    private AnonymisationSpec anonymisation;

    /** Training policy (compute and hybrid nodes). */
    private ComputeSpec compute;

    /** Heartbeats and egress. */
    private ConnectivitySpec connectivity;

    // --- federated jobs (issue 12) ---

    /** Which federated jobs from the hub this node runs; absent: none (accept: Never). */
    private FederatedJobPolicy federatedJobs;

    public FederatedJobPolicy getFederatedJobs() {
        return federatedJobs;
    }

    public void setFederatedJobs(FederatedJobPolicy federatedJobs) {
        this.federatedJobs = federatedJobs;
    }

    // --- end federated jobs ---

    // --- components (issue 16) ---

    /** Helm-packaged add-ons the operator installs in the node's namespace. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @Size(max = 32)
    @ValidationRule(
            value = "self.all(c, self.exists_one(d, d.name == c.name))",
            message = "components must have unique names")
    private List<ComponentSpec> components = new ArrayList<>();

    /**
     * When disruptive changes may be made (issue 15): outside the window, upgrades of components
     * wait for it to open. Absent: changes are applied at once.
     */
    private MaintenanceWindowSpec maintenanceWindow;

    public MaintenanceWindowSpec getMaintenanceWindow() {
        return maintenanceWindow;
    }

    public void setMaintenanceWindow(MaintenanceWindowSpec maintenanceWindow) {
        this.maintenanceWindow = maintenanceWindow;
    }

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public NodeRole getRole() {
        return role;
    }

    public void setRole(NodeRole role) {
        this.role = role;
    }

    public DeletionPolicy getDeletionPolicy() {
        return deletionPolicy;
    }

    public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
        this.deletionPolicy = deletionPolicy;
    }

    public HubSpec getHub() {
        return hub;
    }

    public void setHub(HubSpec hub) {
        this.hub = hub;
    }

    public StorageSpec getStorage() {
        return storage;
    }

    public void setStorage(StorageSpec storage) {
        this.storage = storage;
    }

    public AnonymisationSpec getAnonymisation() {
        return anonymisation;
    }

    public void setAnonymisation(AnonymisationSpec anonymisation) {
        this.anonymisation = anonymisation;
    }

    public ComputeSpec getCompute() {
        return compute;
    }

    public void setCompute(ComputeSpec compute) {
        this.compute = compute;
    }

    public ConnectivitySpec getConnectivity() {
        return connectivity;
    }

    public void setConnectivity(ConnectivitySpec connectivity) {
        this.connectivity = connectivity;
    }

    public List<ComponentSpec> getComponents() {
        return components;
    }

    public void setComponents(List<ComponentSpec> components) {
        this.components = components == null ? new ArrayList<>() : components;
    }
}
