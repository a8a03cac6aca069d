package io.fednode.e2e.realnode;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What the FederationNode reconciler would make for a data node, made by a test that runs only the
 * Dataset controller: the node's three claims (bound to {@link RealNodeVolumes}), the anonymiser
 * ServiceAccount and the pseudonymisation key Secret under the reconciler's names, and the node's
 * Ready condition written through the status subresource.
 */
public final class NodeReconcilerStandIn {
    private NodeReconcilerStandIn() {}

    /** The claims, ServiceAccount and key of {@code node}; returns once the claims are bound. */
    public static void claimsServiceAccountAndKey(KubernetesClient k, String ns, String node) {
        for (String volume : RealNodeVolumes.VOLUMES) {
            k.resource(
                            new PersistentVolumeClaimBuilder()
                                    .withNewMetadata()
                                    .withName(node + "-" + volume)
                                    .withNamespace(ns)
                                    .endMetadata()
                                    .withNewSpec()
                                    .withStorageClassName(RealNodeVolumes.STORAGE_CLASS)
                                    .withAccessModes("ReadWriteOnce")
                                    .withNewResources()
                                    .addToRequests("storage", new Quantity("1Gi"))
                                    .endResources()
                                    .endSpec()
                                    .build())
                    .create();
        }
        k.resource(
                        new ServiceAccountBuilder()
                                .withNewMetadata()
                                .withName(node + "-anonymiser")
                                .withNamespace(ns)
                                .endMetadata()
                                .withAutomountServiceAccountToken(false)
                                .build())
                .create();
        k.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName(node + "-pseudonym-key")
                                .withNamespace(ns)
                                .endMetadata()
                                .withData(
                                        Map.of(
                                                "key",
                                                Base64.getEncoder().encodeToString(new byte[32])))
                                .build())
                .create();
        RealNodeVolumes.awaitBound(k, ns, node);
    }

    /** Creates the node and marks it Ready, as its reconciler would once it has converged. */
    public static FederationNode createReady(KubernetesClient k, FederationNode node) {
        FederationNode created = k.resource(node).create();
        FederationNodeStatus status = new FederationNodeStatus();
        status.setObservedGeneration(created.getMetadata().getGeneration());
        status.setConditions(
                List.of(
                        new ConditionBuilder()
                                .withType("Ready")
                                .withStatus("True")
                                .withReason("NodeReady")
                                .withMessage("written by the test in place of the node reconciler")
                                .withLastTransitionTime(
                                        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                                .build()));
        created.setStatus(status);
        return k.resource(created).updateStatus();
    }
}
