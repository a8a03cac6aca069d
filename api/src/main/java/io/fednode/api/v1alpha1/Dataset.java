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
 * An anonymised dataset: the DICOM files under {@code spec.source.path} in the node's raw volume,
 * de-identified by an anonymiser Job into this dataset's own folder of the anonymised volume.
 */
@Group(FederationNode.GROUP)
@Version(FederationNode.VERSION)
@Kind("Dataset")
@Plural("datasets")
@Singular("dataset")
// "ds" is DaemonSet's short name.
@ShortNames({"fds", "dset"})
@AdditionalPrinterColumn(
        name = "Node",
        jsonPath = ".spec.nodeRef",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Files",
        jsonPath = ".status.files.written",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Quarantined",
        jsonPath = ".status.files.quarantined",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Revision",
        jsonPath = ".status.revision",
        type = AdditionalPrinterColumn.Type.INTEGER,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
// The Job is named <dataset>-r<revision> and Job names end up in 63-character label values.
@ValidationRule(
        value = "self.metadata.name.size() <= " + Dataset.MAX_NAME_LENGTH,
        message =
                "metadata.name must be at most "
                        + Dataset.MAX_NAME_LENGTH
                        + " characters (it names the dataset's Jobs)")
public class Dataset extends CustomResource<DatasetSpec, DatasetStatus> implements Namespaced {
    /** Leaves room for {@code -r<revision>} in a 63-character Job name. */
    public static final int MAX_NAME_LENGTH = 52;
}
