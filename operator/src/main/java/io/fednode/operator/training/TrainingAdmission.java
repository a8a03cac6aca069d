package io.fednode.operator.training;

import io.fednode.api.common.ConditionTypes;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.ComputeSpec;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunConditions.Reasons;
import java.util.List;
import java.util.Map;

/**
 * Whether a TrainingRun may run on its node, decided from the run, the node and the run's datasets
 * alone (no cluster access), so every rule is unit-tested.
 *
 * <p>Policy violations (node role, image, digest, GPUs, aggregator, a dataset of another node) are
 * {@link Verdict#REFUSE refusals}: final, the run fails. Prerequisites that time can fix (node or
 * dataset missing or not Ready yet) make the run {@link Verdict#WAIT wait}, and it is decided again
 * when they change.
 */
public final class TrainingAdmission {
    private TrainingAdmission() {}

    public enum Verdict {
        ADMIT,
        WAIT,
        REFUSE
    }

    /** The verdict with the condition reason and the message a user reads. */
    public record Decision(Verdict verdict, String reason, String message) {
        static Decision admit(String message) {
            return new Decision(Verdict.ADMIT, Reasons.ADMITTED, message);
        }

        static Decision waitFor(String reason, String message) {
            return new Decision(Verdict.WAIT, reason, message);
        }

        static Decision refuse(String reason, String message) {
            return new Decision(Verdict.REFUSE, reason, message);
        }

        public boolean admitted() {
            return verdict == Verdict.ADMIT;
        }
    }

    /**
     * The full decision. {@code datasets} holds the run's datasets that exist, by name; {@code
     * node} is null when it does not exist.
     */
    public static Decision decide(
            TrainingRun run, FederationNode node, Map<String, Dataset> datasets) {
        Decision policy = policy(run, node);
        if (!policy.admitted()) {
            return policy;
        }
        String nodeName = node.getMetadata().getName();
        for (String name : datasetNames(run)) {
            Dataset dataset = datasets.get(name);
            if (dataset == null) {
                return Decision.waitFor(
                        Reasons.DATASET_NOT_FOUND,
                        "spec.datasets: Dataset "
                                + name
                                + " does not exist in namespace "
                                + run.getMetadata().getNamespace()
                                + "; the run is admitted when it exists and is Ready");
            }
            String datasetNode = dataset.getSpec() == null ? null : dataset.getSpec().getNodeRef();
            if (!nodeName.equals(datasetNode)) {
                return Decision.refuse(
                        Reasons.DATASET_ON_OTHER_NODE,
                        "spec.datasets: Dataset "
                                + name
                                + " belongs to node "
                                + datasetNode
                                + ", not "
                                + nodeName
                                + "; a run can only read its own node's data");
            }
            if (!Conditions.is(
                            dataset.getStatus() == null
                                    ? null
                                    : dataset.getStatus().getConditions(),
                            ConditionTypes.READY,
                            ConditionTypes.TRUE)
                    || dataset.getStatus().getOutputPath() == null) {
                return Decision.waitFor(
                        Reasons.DATASET_NOT_READY,
                        "spec.datasets: Dataset "
                                + name
                                + " is not Ready; the run is admitted when it is");
            }
        }
        return policy;
    }

    /**
     * The node's policy alone (everything but the datasets). Also used to tell which other runs of
     * the node are in the queue.
     */
    public static Decision policy(TrainingRun run, FederationNode node) {
        String nodeRef = run.getSpec().getNodeRef();
        if (node == null) {
            return Decision.waitFor(
                    Reasons.NODE_NOT_FOUND,
                    "spec.nodeRef: FederationNode "
                            + nodeRef
                            + " does not exist in namespace "
                            + run.getMetadata().getNamespace());
        }
        if (node.getSpec() == null
                || node.getSpec().getRole() == null
                || !node.getSpec().getRole().computes()
                || node.getSpec().getCompute() == null) {
            return Decision.refuse(
                    Reasons.NODE_NOT_COMPUTE,
                    "spec.nodeRef: FederationNode "
                            + nodeRef
                            + " is not a compute or hybrid node with a spec.compute policy");
        }
        ComputeSpec compute = node.getSpec().getCompute();
        String image = run.getSpec().getImage();
        List<String> allowed =
                compute.getAllowedImages() == null ? List.of() : compute.getAllowedImages();
        if (!AllowedImages.admits(allowed, image)) {
            return Decision.refuse(
                    Reasons.IMAGE_NOT_ALLOWED,
                    "spec.image "
                            + image
                            + " is not inside any of the node's compute.allowedImages "
                            + allowed
                            + " (matched by registry and repository path components)");
        }
        if (Boolean.TRUE.equals(compute.getRequireDigest()) && !isDigestPinned(image)) {
            return Decision.refuse(
                    Reasons.DIGEST_REQUIRED,
                    "spec.image "
                            + image
                            + " is not pinned by digest; node "
                            + nodeRef
                            + " requires image@sha256:<digest>");
        }
        int gpus = gpus(run);
        int maxGpus = compute.getMaxGpusPerRun() == null ? 1 : compute.getMaxGpusPerRun();
        if (gpus > maxGpus) {
            return Decision.refuse(
                    Reasons.TOO_MANY_GPUS,
                    "spec.gpus " + gpus + " exceeds the node's compute.maxGpusPerRun " + maxGpus);
        }
        AggregatorEgress.Outcome egress = AggregatorEgress.of(run, node);
        if (egress.refused()) {
            return Decision.refuse(Reasons.AGGREGATOR_NOT_ALLOWED, egress.refusal());
        }
        if (!Conditions.is(
                node.getStatus() == null ? null : node.getStatus().getConditions(),
                ConditionTypes.READY,
                ConditionTypes.TRUE)) {
            return Decision.waitFor(
                    Reasons.NODE_NOT_READY,
                    "FederationNode " + nodeRef + " is not Ready; the run waits until it is");
        }
        return Decision.admit(
                "admitted by node "
                        + nodeRef
                        + ": image allowed, "
                        + gpus
                        + " of at most "
                        + maxGpus
                        + " GPUs");
    }

    static boolean isDigestPinned(String image) {
        return image.matches("^[^@]+@sha256:[a-f0-9]{64}$");
    }

    static int gpus(TrainingRun run) {
        return run.getSpec().getGpus() == null ? 0 : run.getSpec().getGpus();
    }

    static List<String> datasetNames(TrainingRun run) {
        return run.getSpec().getDatasets() == null ? List.of() : run.getSpec().getDatasets();
    }
}
