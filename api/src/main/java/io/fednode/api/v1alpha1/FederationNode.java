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

/** One hospital node of the federation: storage, keys, isolation and its link to the hub. */
@Group(FederationNode.GROUP)
@Version(FederationNode.VERSION)
@Kind("FederationNode")
@Plural("federationnodes")
@Singular("federationnode")
@ShortNames("fnode")
@AdditionalPrinterColumn(
        name = "Node-ID",
        jsonPath = ".spec.nodeId",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Role",
        jsonPath = ".spec.role",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Connected",
        jsonPath = ".status.conditions[?(@.type==\"Connected\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Operator",
        jsonPath = ".status.operatorVersion",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
// The node's name labels everything it owns, and label values are at most 63 characters.
@ValidationRule(
        value = "self.metadata.name.size() <= 63",
        message = "metadata.name must be at most 63 characters (it labels the node's objects)")
public class FederationNode extends CustomResource<FederationNodeSpec, FederationNodeStatus>
        implements Namespaced {
    public static final String GROUP = "fednode.io";
    public static final String VERSION = "v1alpha1";
}
