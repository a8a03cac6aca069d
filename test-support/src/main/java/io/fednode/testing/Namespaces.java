package io.fednode.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Namespaces as the tests need them. */
public final class Namespaces {
    private Namespaces() {}

    /**
     * Applies (server-side) a namespace whose Pods must pass Pod Security {@code restricted}, as a
     * node's namespace does.
     */
    public static void restricted(KubernetesClient client, String name) {
        client.resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                                .endMetadata()
                                .build())
                .serverSideApply();
    }
}
