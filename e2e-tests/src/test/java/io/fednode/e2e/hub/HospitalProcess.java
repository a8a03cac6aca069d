package io.fednode.e2e.hub;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.common.LogFormat;
import io.fednode.e2e.realnode.RealNodeVolumes;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Namespaces;
import io.fednode.testing.OperatorManifests;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One more hospital next to a {@link FederationProcesses} hub: its namespace (restricted Pod
 * Security), the operator's RBAC there, real-node volumes, and an operator process of its own
 * watching only that namespace, so a test can stop one hospital while the others go on.
 */
public final class HospitalProcess {
    public final String ns;
    public final String node;
    public final RealNodeVolumes volumes;
    private final KubernetesClient admin;
    private final int hubPort;
    private final JarProcess operator;

    HospitalProcess(
            KubernetesClient admin,
            String ns,
            String node,
            RealNodeVolumes volumes,
            int hubPort,
            JarProcess operator) {
        this.admin = admin;
        this.ns = ns;
        this.node = node;
        this.volumes = volumes;
        this.hubPort = hubPort;
        this.operator = operator;
    }

    static HospitalProcess create(
            KwokCluster cluster,
            ProcessLogTails logs,
            Path tmp,
            Path logDir,
            String operatorNs,
            int hubPort,
            String ns,
            String node)
            throws IOException {
        KubernetesClient admin = cluster.client();
        Namespaces.restricted(admin, ns);
        OperatorManifests.applyAllButDeployment(admin, List.of(ns));
        RealNodeVolumes volumes = RealNodeVolumes.create(cluster, ns, node);
        Path kubeconfig =
                ServiceAccountKubeconfig.write(
                        admin,
                        cluster.kubeConfigYaml(),
                        operatorNs,
                        "fednode-operator",
                        tmp.resolve("operator-" + node + ".kubeconfig"));
        JarProcess operator =
                logs.watch(
                        new JarProcess(
                                "operator-" + node,
                                FederationProcesses.jar("fednode.operator.jar"),
                                Map.of(
                                        "KUBECONFIG",
                                        kubeconfig.toString(),
                                        "POD_NAMESPACE",
                                        operatorNs,
                                        "FEDNODE_WATCH_NAMESPACES",
                                        ns,
                                        LogFormat.VARIABLE,
                                        LogFormat.JSON),
                                logDir));
        return new HospitalProcess(admin, ns, node, volumes, hubPort, operator);
    }

    /** The hospital admin puts the join token and CA the hub made for its member in hub-join. */
    public void handOverJoinToken(Secret token) {
        admin.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("hub-join")
                                .withNamespace(ns)
                                .endMetadata()
                                .addToData("token", token.getData().get("token"))
                                .addToData("ca.crt", token.getData().get("ca.crt"))
                                .build())
                .create();
    }

    /**
     * The FederationNode (name and nodeId {@link #node}): {@code role} (data or hybrid), the hub on
     * 127.0.0.1, real-node volumes, then {@code extraSpec} (YAML lines indented by two spaces, e.g.
     * compute, connectivity, federatedJobs).
     */
    public void createNode(String role, String extraSpec) {
        String yaml =
                """
                apiVersion: fednode.io/v1alpha1
                kind: FederationNode
                metadata: {name: %s, namespace: %s}
                spec:
                  nodeId: %s
                  role: %s
                  hub:
                    endpoint: https://127.0.0.1:%d
                    caBundleSecretRef: {name: hub-join, key: ca.crt}
                    joinTokenSecretRef: {name: hub-join, key: token}
                  storage:
                    raw: {size: 1Gi, storageClassName: %s}
                    anonymised: {size: 1Gi, storageClassName: %s}
                    scratch: {size: 1Gi, storageClassName: %s}
                  # One thread: its core request fits the 2-core real node.
                  anonymisation: {parallelism: 1}
                """
                                .formatted(
                                        node,
                                        ns,
                                        node,
                                        role,
                                        hubPort,
                                        RealNodeVolumes.STORAGE_CLASS,
                                        RealNodeVolumes.STORAGE_CLASS,
                                        RealNodeVolumes.STORAGE_CLASS)
                        + extraSpec;
        // Unstructured: the whole spec reaches the API server, which validates it.
        admin.resource(
                        Serialization.unmarshal(
                                yaml,
                                io.fabric8.kubernetes.api.model.GenericKubernetesResource.class))
                .create();
    }

    /** Starts this hospital's operator and waits for its start-up line. */
    public void startOperator() {
        operator.start(List.of("--http-port=-1"));
        operator.awaitLog("fednode operator started against", Duration.ofMinutes(2));
    }

    /** Stops the operator: the node's heartbeats stop; its Pods keep running. */
    public void stopOperator() {
        operator.stop();
    }

    public boolean operatorAlive() {
        return operator.alive();
    }
}
