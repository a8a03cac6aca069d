package io.fednode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A federated job the hub offers this node, with the node's decision. Kept in the node's status so
 * that a restarted operator (or a new leader) neither decides again nor runs a job twice.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FederatedJobOffer {
    /** The FederatedJob's uid at the hub. */
    private String uid;

    /** The FederatedJob's generation the decision is for. */
    private Long generation;

    /** The FederatedJob at the hub, namespace/name. */
    private String name;

    /** Who submitted the job (hub user name). */
    private String submitter;

    /** Train or Evaluate. */
    private String type;

    /** PendingApproval, Accepted or Refused. */
    private FederatedJobDecision decision;

    /** Why (CamelCase): e.g. ImageNotAllowed, RefusedByHospital, PolicyPassed. */
    private String reason;

    /** What exactly, for people. */
    private String message;

    /** The TrainingRun (same namespace) the job runs as, once accepted. */
    private String trainingRun;

    /** The job's phase here: Accepted, Refused, Running, Succeeded or Failed. */
    private String phase;

    /** The last phase the hub acknowledged; reports are retried until it equals phase. */
    private String reported;

    public String getUid() {
        return uid;
    }

    public void setUid(String uid) {
        this.uid = uid;
    }

    public Long getGeneration() {
        return generation;
    }

    public void setGeneration(Long generation) {
        this.generation = generation;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getSubmitter() {
        return submitter;
    }

    public void setSubmitter(String submitter) {
        this.submitter = submitter;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public FederatedJobDecision getDecision() {
        return decision;
    }

    public void setDecision(FederatedJobDecision decision) {
        this.decision = decision;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getTrainingRun() {
        return trainingRun;
    }

    public void setTrainingRun(String trainingRun) {
        this.trainingRun = trainingRun;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }

    public String getReported() {
        return reported;
    }

    public void setReported(String reported) {
        this.reported = reported;
    }

    /** A copy, so a holder can change its own without touching a shared one. */
    public FederatedJobOffer copy() {
        FederatedJobOffer c = new FederatedJobOffer();
        c.uid = uid;
        c.generation = generation;
        c.name = name;
        c.submitter = submitter;
        c.type = type;
        c.decision = decision;
        c.reason = reason;
        c.message = message;
        c.trainingRun = trainingRun;
        c.phase = phase;
        c.reported = reported;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FederatedJobOffer other)) {
            return false;
        }
        return Objects.equals(uid, other.uid)
                && Objects.equals(generation, other.generation)
                && Objects.equals(name, other.name)
                && Objects.equals(submitter, other.submitter)
                && Objects.equals(type, other.type)
                && decision == other.decision
                && Objects.equals(reason, other.reason)
                && Objects.equals(message, other.message)
                && Objects.equals(trainingRun, other.trainingRun)
                && Objects.equals(phase, other.phase)
                && Objects.equals(reported, other.reported);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uid, generation, decision, phase, reported);
    }
}
