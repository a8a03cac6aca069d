package io.fednode.operator.dataset;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fednode.api.common.SecretKeyRef;
import io.fednode.api.v1alpha1.AnonymisationOption;
import io.fednode.api.v1alpha1.AnonymisationSpec;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetSource;
import io.fednode.api.v1alpha1.DatasetSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeSpec;
import io.fednode.api.v1alpha1.HubSpec;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.StorageSpec;
import io.fednode.api.v1alpha1.VolumeSpec;
import java.util.List;

/** Nodes and Datasets as a user would write them, for the dataset tests. */
final class Fixtures {
    private Fixtures() {}

    static FederationNode node(String namespace, String name, NodeRole role) {
        FederationNode node = new FederationNode();
        node.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        FederationNodeSpec spec = new FederationNodeSpec();
        spec.setNodeId(name);
        spec.setRole(role);
        HubSpec hub = new HubSpec();
        hub.setEndpoint("https://hub.example.org:8443");
        hub.setCaBundleSecretRef(new SecretKeyRef("hub-ca", "ca.crt"));
        hub.setJoinTokenSecretRef(new SecretKeyRef("hub-join", "token"));
        spec.setHub(hub);
        StorageSpec storage = new StorageSpec();
        if (role.holdsData()) {
            storage.setRaw(new VolumeSpec("10Gi"));
            AnonymisationSpec anonymisation = new AnonymisationSpec();
            anonymisation.setOptions(List.of(AnonymisationOption.RETAIN_PATIENT_CHARACTERISTICS));
            anonymisation.setParallelism(3);
            spec.setAnonymisation(anonymisation);
        }
        storage.setAnonymised(new VolumeSpec("10Gi"));
        storage.setScratch(new VolumeSpec("1Gi"));
        spec.setStorage(storage);
        node.setSpec(spec);
        return node;
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
