package io.fednode.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One GPU training workload at a node (for example a federated-learning client), run as a Job under
 * the node's compute policy: admitted or refused, queued for a slot, run, finished.
 */
@Group(FederationNode.GROUP)
@Version(FederationNode.VERSION)
@Kind("TrainingRun")
@Plural("trainingruns")
@Singular("trainingrun")
// "tr" is free today, but "trun" cannot be mistaken for anything built in.
@ShortNames("trun")
@AdditionalPrinterColumn(
        name = "Node",
        jsonPath = ".spec.nodeRef",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "GPUs",
        jsonPath = ".spec.gpus",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Admitted",
        jsonPath = ".status.conditions[?(@.type==\"Admitted\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Running",
        jsonPath = ".status.conditions[?(@.type==\"Running\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Succeeded",
        jsonPath = ".status.conditions[?(@.type==\"Succeeded\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Succeeded\")].reason",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Pod-Node",
        jsonPath = ".status.podNodeName",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
// The run's Job has the run's name, and Job names become 63-character label values.
@ValidationRule(
        value = "self.metadata.name.size() <= " + TrainingRun.MAX_NAME_LENGTH,
        message =
                "metadata.name must be at most "
                        + TrainingRun.MAX_NAME_LENGTH
                        + " characters (it names the run's Job)")
public class TrainingRun extends CustomResource<TrainingRunSpec, TrainingRunStatus>
        implements Namespaced {
    public static final int MAX_NAME_LENGTH = 63;
}
