package io.fednode.operator.federatedjob;

import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.common.GoDuration;
import io.fednode.api.v1alpha1.ComputeSpec;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederatedJobAcceptance;
import io.fednode.api.v1alpha1.FederatedJobDecision;
import io.fednode.api.v1alpha1.FederatedJobPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRunConditions;
import io.fednode.operator.training.TrainingAdmission;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Whether this node takes a federated job the hub offers: the node's {@code spec.federatedJobs}
 * policy, then the same {@link TrainingAdmission} policy every TrainingRun of the node passes
 * (image allow-list, digest rule, GPU ceiling, aggregator egress), decided before anything runs so
 * the hub learns the precise reason. Pure: decided from the offer, the node and its datasets.
 */
public final class FederatedJobAdmission {
    private FederatedJobAdmission() {}

    /** The reasons a node reports to the hub (CamelCase, as the contract names them). */
    public static final class Reasons {
        public static final String JOBS_NOT_ACCEPTED = "JobsNotAccepted";
        public static final String SUBMITTER_NOT_ALLOWED = "SubmitterNotAllowed";
        public static final String JOB_TYPE_NOT_ALLOWED = "JobTypeNotAllowed";
        public static final String IMAGE_NOT_ALLOWED = "ImageNotAllowed";
        public static final String DIGEST_REQUIRED = "DigestRequired";
        public static final String TOO_MANY_GPUS = "TooManyGpus";
        public static final String RUNTIME_TOO_LONG = "RuntimeTooLong";
        public static final String DATASET_NOT_ALLOWED = "DatasetNotAllowed";
        public static final String DATASET_NOT_READY = "DatasetNotReady";
        public static final String NOT_A_COMPUTE_NODE = "NotAComputeNode";
        public static final String REFUSED_BY_HOSPITAL = "RefusedByHospital";
        public static final String AGGREGATOR_NOT_ALLOWED = "AggregatorNotAllowed";
        public static final String INVALID_OFFER = "InvalidOffer";
        public static final String POLICY_PASSED = "PolicyPassed";
        public static final String AWAITING_APPROVAL = "AwaitingApproval";
        public static final String APPROVED_BY_HOSPITAL = "ApprovedByHospital";

        private Reasons() {}
    }

    /** The node's decision, with the reason and the message the hub and the hospital read. */
    public record Decision(FederatedJobDecision decision, String reason, String message) {
        static Decision refuse(String reason, String message) {
            return new Decision(FederatedJobDecision.Refused, reason, message);
        }

        public boolean refused() {
            return decision == FederatedJobDecision.Refused;
        }
    }

    /**
     * The decision on {@code offer}. {@code datasets} holds the node namespace's Datasets by name.
     */
    public static Decision decide(
            JobOffer offer, FederationNode node, Map<String, Dataset> datasets) {
        String nodeName = node.getMetadata().getName();
        if (node.getSpec().getRole() == null
                || !node.getSpec().getRole().computes()
                || node.getSpec().getCompute() == null) {
            return Decision.refuse(
                    Reasons.NOT_A_COMPUTE_NODE,
                    "node "
                            + nodeName
                            + " is not a compute or hybrid node with a spec.compute policy:"
                            + " it runs no jobs");
        }
        FederatedJobPolicy policy = node.getSpec().getFederatedJobs();
        FederatedJobAcceptance accept =
                policy == null || policy.getAccept() == null
                        ? FederatedJobAcceptance.Never
                        : policy.getAccept();
        if (accept == FederatedJobAcceptance.Never) {
            return Decision.refuse(
                    Reasons.JOBS_NOT_ACCEPTED,
                    "node "
                            + nodeName
                            + " accepts no federated jobs (spec.federatedJobs.accept is Never)");
        }
        List<String> submitters = listOf(policy.getAllowedSubmitters());
        if (!submitters.isEmpty() && !submitters.contains(offer.submitter())) {
            return Decision.refuse(
                    Reasons.SUBMITTER_NOT_ALLOWED,
                    "submitter "
                            + offer.submitter()
                            + " is not in spec.federatedJobs.allowedSubmitters "
                            + submitters);
        }
        List<String> types = listOf(policy.getAllowedTypes());
        if (!types.isEmpty() && !types.contains(offer.type())) {
            return Decision.refuse(
                    Reasons.JOB_TYPE_NOT_ALLOWED,
                    "job type "
                            + offer.type()
                            + " is not in spec.federatedJobs.allowedTypes "
                            + types);
        }
        TrainingAdmission.Decision training =
                TrainingAdmission.policy(FederatedRun.desired(offer, node), node);
        if (training.verdict() == TrainingAdmission.Verdict.REFUSE) {
            return Decision.refuse(reasonOf(training.reason()), offerWording(training.message()));
        }
        ComputeSpec compute = node.getSpec().getCompute();
        if (policy.getMaxGpus() != null && offer.gpus() > policy.getMaxGpus()) {
            return Decision.refuse(
                    Reasons.TOO_MANY_GPUS,
                    "the job asks for "
                            + offer.gpus()
                            + " GPUs, more than spec.federatedJobs.maxGpus "
                            + policy.getMaxGpus());
        }
        String ceilingField =
                policy.getMaxRuntime() != null
                        ? "spec.federatedJobs.maxRuntime"
                        : "spec.compute.maxRuntime";
        String ceilingText =
                policy.getMaxRuntime() != null
                        ? policy.getMaxRuntime()
                        : compute.getMaxRuntime() == null ? "24h" : compute.getMaxRuntime();
        Duration ceiling = GoDuration.parse(ceilingText);
        if (offer.runtime().compareTo(ceiling) > 0) {
            return Decision.refuse(
                    Reasons.RUNTIME_TOO_LONG,
                    "the job's maxRuntime "
                            + offer.maxRuntime()
                            + " exceeds "
                            + ceilingField
                            + " "
                            + ceilingText);
        }
        List<String> allowedDatasets = listOf(policy.getAllowedDatasets());
        for (String name : offer.datasets()) {
            if (!allowedDatasets.isEmpty() && !allowedDatasets.contains(name)) {
                return Decision.refuse(
                        Reasons.DATASET_NOT_ALLOWED,
                        "dataset "
                                + name
                                + " is not in spec.federatedJobs.allowedDatasets "
                                + allowedDatasets);
            }
            Dataset dataset = datasets.get(name);
            String datasetNode =
                    dataset == null || dataset.getSpec() == null
                            ? null
                            : dataset.getSpec().getNodeRef();
            if (dataset == null || !nodeName.equals(datasetNode)) {
                return Decision.refuse(
                        Reasons.DATASET_NOT_READY, "node " + nodeName + " has no dataset " + name);
            }
            if (!Conditions.is(
                            dataset.getStatus() == null
                                    ? null
                                    : dataset.getStatus().getConditions(),
                            ConditionTypes.READY,
                            ConditionTypes.TRUE)
                    || dataset.getStatus().getOutputPath() == null) {
                return Decision.refuse(
                        Reasons.DATASET_NOT_READY,
                        "dataset " + name + " of node " + nodeName + " is not Ready");
            }
        }
        if (accept == FederatedJobAcceptance.Manual) {
            return new Decision(
                    FederatedJobDecision.PendingApproval,
                    Reasons.AWAITING_APPROVAL,
                    "passes the node's policy; waits for the hospital's approval: kubectl annotate"
                            + " fnode "
                            + nodeName
                            + " "
                            + FederatedJobPolicy.APPROVE_ANNOTATION
                            + "="
                            + offer.uid()
                            + " (or "
                            + FederatedJobPolicy.REFUSE_ANNOTATION
                            + ")");
        }
        return new Decision(
                FederatedJobDecision.Accepted,
                Reasons.POLICY_PASSED,
                "accepted by the policy of node "
                        + nodeName
                        + ": runs as TrainingRun "
                        + FederatedRun.name(offer.uid(), nodeName, offer.name()));
    }

    /** TrainingAdmission's refusal reasons, as the federated-job protocol names them. */
    static String reasonOf(String trainingReason) {
        return switch (trainingReason) {
            case TrainingRunConditions.Reasons.NODE_NOT_COMPUTE -> Reasons.NOT_A_COMPUTE_NODE;
            case TrainingRunConditions.Reasons.IMAGE_NOT_ALLOWED -> Reasons.IMAGE_NOT_ALLOWED;
            case TrainingRunConditions.Reasons.DIGEST_REQUIRED -> Reasons.DIGEST_REQUIRED;
            case TrainingRunConditions.Reasons.TOO_MANY_GPUS -> Reasons.TOO_MANY_GPUS;
            case TrainingRunConditions.Reasons.AGGREGATOR_NOT_ALLOWED ->
                    Reasons.AGGREGATOR_NOT_ALLOWED;
            default -> trainingReason;
        };
    }

    /** A TrainingRun's message names its spec fields; these are the offer's. */
    private static String offerWording(String message) {
        return message.replace("spec.image ", "the job's image ")
                .replace("spec.gpus ", "the job's gpus ")
                .replace("spec.aggregator.endpoint", "the job's aggregator endpoint");
    }

    private static List<String> listOf(List<String> list) {
        return list == null ? List.of() : list;
    }
}
