package io.fednode.operator.hublink;

import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import java.util.List;

/**
 * The Datasets and TrainingRuns in a node's namespace, read once per heartbeat. Lists are served
 * from the API server's watch cache ({@code resourceVersion=0}: no etcd read), which is as fresh as
 * a heartbeat needs. TrainingRuns are only read for nodes that compute.
 */
record NodeInventory(List<Dataset> datasets, List<TrainingRun> runs) {
    static final NodeInventory EMPTY = new NodeInventory(List.of(), List.of());

    private static final ListOptions FROM_WATCH_CACHE =
            new ListOptionsBuilder().withResourceVersion("0").build();

    static NodeInventory read(KubernetesClient client, FederationNode node) {
        String ns = node.getMetadata().getNamespace();
        List<Dataset> datasets =
                client.resources(Dataset.class).inNamespace(ns).list(FROM_WATCH_CACHE).getItems();
        boolean computes = node.getSpec().getRole() != null && node.getSpec().getRole().computes();
        List<TrainingRun> runs =
                computes
                        ? client.resources(TrainingRun.class)
                                .inNamespace(ns)
                                .list(FROM_WATCH_CACHE)
                                .getItems()
                        : List.of();
        return new NodeInventory(datasets, runs);
    }
}
