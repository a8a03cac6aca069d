package io.fednode.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How one declared component stands: its Helm release and the last operation on it. */
public class ComponentStatus {
    /** The component's name (spec.components[].name). */
    private String name;

    /** The Helm release in the node's namespace (the component's name). */
    private String release;

    /** The chart version deployed by the release (empty when nothing is deployed). */
    private String chartVersion;

    /** The Helm revision deployed (0 when nothing is deployed). */
    private Integer revision;

    /**
     * Digest of what was applied: chart, repository, version, values and the resourceVersions of
     * the valuesFrom Secrets (never their content). A different digest means an upgrade is due.
     */
    private String appliedDigest;

    /** Install, Upgrade, Reinstall, Uninstall or Refused: what the operator last did. */
    private String lastOperation;

    /** When the last operation ended (RFC 3339, UTC, to the second). */
    private String lastOperationTime;

    /**
     * Ready (resources of the release ready), Failed (the last operation failed, and why) and, only
     * while an upgrade waits for the node's maintenance window, UpgradePending.
     */
    private List<Condition> conditions = new ArrayList<>();

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getRelease() {
        return release;
    }

    public void setRelease(String release) {
        this.release = release;
    }

    public String getChartVersion() {
        return chartVersion;
    }

    public void setChartVersion(String chartVersion) {
        this.chartVersion = chartVersion;
    }

    public Integer getRevision() {
        return revision;
    }

    public void setRevision(Integer revision) {
        this.revision = revision;
    }

    public String getAppliedDigest() {
        return appliedDigest;
    }

    public void setAppliedDigest(String appliedDigest) {
        this.appliedDigest = appliedDigest;
    }

    public String getLastOperation() {
        return lastOperation;
    }

    public void setLastOperation(String lastOperation) {
        this.lastOperation = lastOperation;
    }

    public String getLastOperationTime() {
        return lastOperationTime;
    }

    public void setLastOperationTime(String lastOperationTime) {
        this.lastOperationTime = lastOperationTime;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComponentStatus s
                && Objects.equals(name, s.name)
                && Objects.equals(release, s.release)
                && Objects.equals(chartVersion, s.chartVersion)
                && Objects.equals(revision, s.revision)
                && Objects.equals(appliedDigest, s.appliedDigest)
                && Objects.equals(lastOperation, s.lastOperation)
                && Objects.equals(lastOperationTime, s.lastOperationTime)
                && io.fednode.api.common.Conditions.sameMeaning(conditions, s.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, release, chartVersion, revision, appliedDigest, lastOperation);
    }
}
