package io.fednode.e2e.training;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunSpec;
import io.fednode.fixtures.FederationNodes;
import io.fednode.operator.training.TrainingRunReconciler;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Namespaces;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.ServiceAccountClients;
import io.javaoperatorsdk.operator.Operator;
import java.util.List;
import java.util.Map;

/**
 * What the TrainingRun e2e tests stand on: the CRDs and RBAC of {@code manifests/install/}, the
 * TrainingRun reconciler running as the operator's ServiceAccount, and Ready compute nodes.
 *
 * <p>The FederationNode's own reconciler is not run: it would wait for volumes to bind, which the
 * kwok cluster has no provisioner for. The test writes the node's Ready condition through the
 * status subresource and creates the training ServiceAccount, as that reconciler would.
 */
final class TrainingInstall implements AutoCloseable {
    static final String DIGEST = "0123456789abcdef".repeat(4);
    static final String IMAGE = "registry.example.org/fl/trainer@sha256:" + DIGEST;
    static final String AGGREGATOR = "https://203.0.113.10:9092";

    private final KubernetesClient admin;
    private final KubernetesClient operatorClient;
    private final Operator operator;

    private TrainingInstall(KubernetesClient admin, KubernetesClient operatorClient, Operator op) {
        this.admin = admin;
        this.operatorClient = operatorClient;
        this.operator = op;
    }

    /** Installs for, and watches, the given namespaces (the operator has a Role there only). */
    static TrainingInstall start(KwokCluster cluster, List<String> namespaces) {
        KubernetesClient admin = cluster.client();
        OperatorManifests.applyAllButDeployment(admin, namespaces);
        KubernetesClient client =
                ServiceAccountClients.clientAs(
                        admin, cluster.kubeConfigYaml(), "fednode-system", "fednode-operator");
        Operator operator = new Operator(o -> o.withKubernetesClient(client));
        operator.register(
                new TrainingRunReconciler(),
                c -> c.settingNamespaces(java.util.Set.copyOf(namespaces)));
        operator.start();
        return new TrainingInstall(admin, client, operator);
    }

    /** A namespace that enforces the restricted Pod Security Standard. */
    void namespace(String ns) {
        Namespaces.restricted(admin, ns);
    }

    /** A compute node whose GPU pods go to the kwok GPU nodes. Not Ready until {@link #ready}. */
    FederationNode node(String ns, String name, int maxGpusPerRun, int maxConcurrentRuns) {
        // No volumes: nothing provisions them here, and a Pod with an unbound claim is never
        // scheduled. Scratch is then an emptyDir (the Job builder's unit tests cover the claims).
        FederationNode node =
                FederationNodes.node(ns, name)
                        .role(NodeRole.COMPUTE)
                        .gpus(maxGpusPerRun, maxConcurrentRuns)
                        .compute(
                                c -> {
                                    c.setNodeSelector(Map.of(KwokCluster.GPU_NODE_LABEL, "true"));
                                    c.setMaxRuntime("1h");
                                })
                        .allowedImages("registry.example.org/fl/")
                        .requireDigest()
                        .egress("203.0.113.0/24")
                        .build();
        FederationNode created = admin.resource(node).create();
        admin.resource(
                        new ServiceAccountBuilder()
                                .withNewMetadata()
                                .withName(name + "-training")
                                .withNamespace(ns)
                                .endMetadata()
                                .withAutomountServiceAccountToken(false)
                                .build())
                .create();
        return created;
    }

    FederationNode ready(FederationNode node) {
        FederationNode current = admin.resource(node).get();
        FederationNodeStatus status = new FederationNodeStatus();
        status.setObservedGeneration(current.getMetadata().getGeneration());
        Condition ready =
                new ConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withReason("SetByTest")
                        .withMessage("written by the e2e test in place of the node reconciler")
                        .withLastTransitionTime("2026-11-26T10:00:00Z")
                        .build();
        status.setConditions(List.of(ready));
        current.setStatus(status);
        return admin.resource(current).updateStatus();
    }

    static TrainingRun run(String ns, String name, String node, int gpus) {
        TrainingRun run = new TrainingRun();
        run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setNodeRef(node);
        spec.setImage(IMAGE);
        spec.setCommand(List.of("python", "train.py"));
        spec.setGpus(gpus);
        spec.setAggregator(new AggregatorSpec(AGGREGATOR));
        run.setSpec(spec);
        return run;
    }

    @Override
    public void close() {
        operator.stop();
        operatorClient.close();
    }
}
