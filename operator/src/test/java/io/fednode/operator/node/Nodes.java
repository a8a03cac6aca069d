package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.common.SecretKeyRef;
import io.fednode.api.v1alpha1.AnonymisationSpec;
import io.fednode.api.v1alpha1.ComputeSpec;
import io.fednode.api.v1alpha1.ConnectivitySpec;
import io.fednode.api.v1alpha1.DeletionPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeSpec;
import io.fednode.api.v1alpha1.HubSpec;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.StorageSpec;
import io.fednode.api.v1alpha1.VolumeSpec;
import java.util.List;
import java.util.Optional;

/** FederationNodes for tests, as a hospital would write them. */
public final class Nodes {
    private Nodes() {}

    public static FederationNode node(String namespace, String name, NodeRole role) {
        FederationNodeSpec spec = new FederationNodeSpec();
        spec.setNodeId(name);
        spec.setRole(role);
        spec.setDeletionPolicy(DeletionPolicy.Retain);
        HubSpec hub = new HubSpec();
        hub.setEndpoint("https://hub.example.org:8443");
        hub.setJoinTokenSecretRef(new SecretKeyRef("hub-join", "token"));
        spec.setHub(hub);
        StorageSpec storage = new StorageSpec();
        if (role.holdsData()) {
            storage.setRaw(new VolumeSpec("1Gi"));
            spec.setAnonymisation(new AnonymisationSpec());
        }
        storage.setAnonymised(new VolumeSpec("1Gi"));
        storage.setScratch(new VolumeSpec("1Gi"));
        spec.setStorage(storage);
        if (role.computes()) {
            spec.setCompute(new ComputeSpec());
        }
        ConnectivitySpec connectivity = new ConnectivitySpec();
        connectivity.setEgressCIDRs(List.of("203.0.113.10/32"));
        spec.setConnectivity(connectivity);
        FederationNode node = new FederationNode();
        node.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        node.setSpec(spec);
        return node;
    }

    public static void namespace(KubernetesClient client, String name) {
        client.resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .endMetadata()
                                .build())
                .serverSideApply();
    }

    public static Optional<Condition> condition(FederationNode node, String type) {
        if (node == null || node.getStatus() == null) {
            return Optional.empty();
        }
        return node.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst();
    }

    public static String status(FederationNode node, String type) {
        return condition(node, type).map(Condition::getStatus).orElse(null);
    }
}
