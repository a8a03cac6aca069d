package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Namespaces for the node tests; the nodes themselves come from {@code FederationNodes}. */
public final class Nodes {
    private Nodes() {}

    public static void namespace(KubernetesClient client, String name) {
        client.resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .endMetadata()
                                .build())
                .serverSideApply();
    }
}
