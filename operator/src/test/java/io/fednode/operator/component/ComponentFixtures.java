package io.fednode.operator.component;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.testing.Conflicts;
import java.util.function.Consumer;

/**
 * What ComponentVolumesIT needs of a component IT: restricted namespaces, components, edits of a
 * node. (main has grown ComponentTestBed for the same since this branch started: fold into it.)
 */
final class ComponentFixtures {
    private ComponentFixtures() {}

    /** A namespace whose Pods must pass Pod Security {@code restricted}, as node namespaces are. */
    static void restrictedNamespace(KubernetesClient admin, String ns) {
        admin.resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(ns)
                                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                                .endMetadata()
                                .build())
                .serverSideApply();
    }

    static ComponentSpec component(String repository, String name, String chart, String version) {
        ComponentSpec c = new ComponentSpec();
        c.setName(name);
        c.setChart(chart);
        c.setRepository(repository);
        c.setVersion(version);
        return c;
    }

    /** A user's edit of a node (retried on a 409 from racing the operator's status patch). */
    static void edit(
            KubernetesClient admin, String ns, String node, Consumer<FederationNode> change) {
        Conflicts.edit(
                admin.resources(FederationNode.class).inNamespace(ns).withName(node),
                n -> {
                    change.accept(n);
                    return n;
                });
    }
}
