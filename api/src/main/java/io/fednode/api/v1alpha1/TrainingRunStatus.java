package io.fednode.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state of a TrainingRun: where it is in admitted → queued → running → finished. */
public class TrainingRunStatus {
    /** The spec generation this status describes. */
    private Long observedGeneration;

    /**
     * The version of the operator that last reconciled this resource (set with every status it
     * writes); after an upgrade it moves to the new version as the resource is rolled forward.
     */
    private String operatorVersion;

    /** The run's Job, once it has started. */
    private String jobName;

    /** The Kubernetes node the run's Pod was scheduled on. */
    private String podNodeName;

    /** When the run left the queue and its Job was created (RFC 3339). */
    private String startTime;

    /** When the run finished, successfully or not (RFC 3339). */
    private String completionTime;

    /** The Job's activeDeadlineSeconds: the smaller of the run's and the node's maxRuntime. */
    private Long activeDeadlineSeconds;

    /**
     * Admitted, Queued, Running, Succeeded (summary), Failed, and kstatus Reconciling and Stalled.
     */
    private List<Condition> conditions = new ArrayList<>();

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

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public String getPodNodeName() {
        return podNodeName;
    }

    public void setPodNodeName(String podNodeName) {
        this.podNodeName = podNodeName;
    }

    public String getStartTime() {
        return startTime;
    }

    public void setStartTime(String startTime) {
        this.startTime = startTime;
    }

    public String getCompletionTime() {
        return completionTime;
    }

    public void setCompletionTime(String completionTime) {
        this.completionTime = completionTime;
    }

    public Long getActiveDeadlineSeconds() {
        return activeDeadlineSeconds;
    }

    public void setActiveDeadlineSeconds(Long activeDeadlineSeconds) {
        this.activeDeadlineSeconds = activeDeadlineSeconds;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingRunStatus s
                && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(operatorVersion, s.operatorVersion)
                && Objects.equals(jobName, s.jobName)
                && Objects.equals(podNodeName, s.podNodeName)
                && Objects.equals(startTime, s.startTime)
                && Objects.equals(completionTime, s.completionTime)
                && Objects.equals(activeDeadlineSeconds, s.activeDeadlineSeconds)
                && Objects.equals(conditions, s.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, operatorVersion, jobName, startTime, conditions);
    }
}
