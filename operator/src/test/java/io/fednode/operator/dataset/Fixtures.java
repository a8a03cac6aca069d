package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fednode.api.v1alpha1.AnonymisationOption;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetSource;
import io.fednode.api.v1alpha1.DatasetSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.fixtures.FederationNodes;
import java.util.List;

/** Nodes and Datasets as a user would write them, for the dataset tests. */
final class Fixtures {
    private Fixtures() {}

    static FederationNode node(String namespace, String name, NodeRole role) {
        FederationNodes.Builder node =
                FederationNodes.node(namespace, name)
                        .role(role)
                        .caBundle("hub-ca")
                        .joinToken("hub-join")
                        .storage(role.holdsData() ? "10Gi" : null, "10Gi", "1Gi");
        if (role.holdsData()) {
            node.anonymisation(
                    a -> {
                        a.setOptions(List.of(AnonymisationOption.RETAIN_PATIENT_CHARACTERISTICS));
                        a.setParallelism(3);
                    });
        }
        return node.build();
    }

    static Dataset dataset(String namespace, String name, String nodeRef, String path) {
        Dataset ds = new Dataset();
        ds.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(namespace)
                        .withGeneration(1L)
                        .withUid("uid-" + name)
                        .build());
        DatasetSpec spec = new DatasetSpec();
        spec.setNodeRef(nodeRef);
        spec.setSource(new DatasetSource(path));
        ds.setSpec(spec);
        return ds;
    }
}
