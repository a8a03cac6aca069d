package io.fednode.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One job submitted at the hub and run on many nodes, each under its own policy: offered through
 * the nodes' heartbeats, accepted or refused by each node, run there as a TrainingRun, its results
 * (numbers, never data) reported back and aggregated here.
 */
@Group(FederationNode.GROUP)
@Version(FederationNode.VERSION)
@Kind("FederatedJob")
@Plural("federatedjobs")
@Singular("federatedjob")
@ShortNames("fjob")
@AdditionalPrinterColumn(
        name = "Type",
        jsonPath = ".spec.type",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Accepted",
        jsonPath = ".status.counts.accepted",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Running",
        jsonPath = ".status.counts.running",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Succeeded",
        jsonPath = ".status.counts.succeeded",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Refused",
        jsonPath = ".status.counts.refused",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Succeeded\")].reason",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class FederatedJob extends CustomResource<FederatedJobSpec, FederatedJobStatus>
        implements Namespaced {}
