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
 * One node of the federation as the hub sees it: created by a central operator, enrolled by the
 * node with a join token, kept up to date from the node's heartbeats.
 */
@Group(FederationNode.GROUP)
@Version(FederationNode.VERSION)
@Kind("FederationMember")
@Plural("federationmembers")
@Singular("federationmember")
@ShortNames("fmember")
@AdditionalPrinterColumn(
        name = "Node-ID",
        jsonPath = ".spec.nodeId",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Role",
        jsonPath = ".spec.role",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Enrolled",
        jsonPath = ".status.conditions[?(@.type==\"Enrolled\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Available",
        jsonPath = ".status.conditions[?(@.type==\"Available\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Version",
        jsonPath = ".status.version",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Last-Heartbeat",
        jsonPath = ".status.lastHeartbeat",
        type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
        name = "Country",
        jsonPath = ".spec.country",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "GPUs",
        jsonPath = ".status.gpus.capacity",
        type = AdditionalPrinterColumn.Type.INTEGER,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Cert-Expiry",
        jsonPath = ".status.certificate.notAfter",
        type = AdditionalPrinterColumn.Type.DATE,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class FederationMember extends CustomResource<FederationMemberSpec, FederationMemberStatus>
        implements Namespaced {}
