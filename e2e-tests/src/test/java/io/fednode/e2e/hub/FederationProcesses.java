package io.fednode.e2e.hub;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.common.LogFormat;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.e2e.realnode.RealNodeVolumes;
import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Manifests;
import io.fednode.testing.OperatorManifests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The hub and the node operator as their own OS processes ({@code java -jar} of the shaded jars) on
 * a kwokctl control plane with the real node, the set-up HubConnectivityE2EIT and AlertsE2EIT
 * share. The hub runs in its namespace as its chart's ServiceAccount, the operator as the
 * ServiceAccount of {@code manifests/install/} watching one hospital namespace, each from its own
 * kubeconfig (TokenRequest token); both bind to 127.0.0.1 and log JSON. The FederationNode has the
 * name and nodeId {@link #node}; its volumes are static volumes on the real node.
 */
public final class FederationProcesses {
    public final String hubNs;
    public final String hospitalNs;
    public final String node;
    public final int hubPort;
    public final int adminPort;
    public final RealNodeVolumes volumes;
    public final Path hubKubeconfig;
    public final Path operatorKubeconfig;
    final JarProcess hub;
    final JarProcess operator;
    private final KubernetesClient admin;

    private FederationProcesses(
            KubernetesClient admin,
            String hubNs,
            String hospitalNs,
            String node,
            RealNodeVolumes volumes,
            Path hubKubeconfig,
            Path operatorKubeconfig,
            int hubPort,
            int adminPort,
            JarProcess hub,
            JarProcess operator) {
        this.admin = admin;
        this.hubNs = hubNs;
        this.hospitalNs = hospitalNs;
        this.node = node;
        this.volumes = volumes;
        this.hubKubeconfig = hubKubeconfig;
        this.operatorKubeconfig = operatorKubeconfig;
        this.hubPort = hubPort;
        this.adminPort = adminPort;
        this.hub = hub;
        this.operator = operator;
    }

    /**
     * Installs the CRDs, the operator's RBAC for {@code hospitalNs}, the hub chart's RBAC in {@code
     * hubNs} and the node's volumes, and prepares (does not start) the two processes; their logs go
     * to {@code logDir} (emptied first) and are printed by {@code logs} when a test fails.
     */
    public static FederationProcesses install(
            KwokCluster cluster,
            ProcessLogTails logs,
            Path tmp,
            Path logDir,
            String hubNs,
            String hospitalNs,
            String operatorNs,
            String node)
            throws IOException {
        return install(cluster, logs, tmp, logDir, hubNs, hospitalNs, List.of(), operatorNs, node);
    }

    /**
     * {@link #install(KwokCluster, ProcessLogTails, Path, Path, String, String, String, String)}
     * with an operator that also watches {@code moreNamespaces} (created, with its RBAC there).
     */
    public static FederationProcesses install(
            KwokCluster cluster,
            ProcessLogTails logs,
            Path tmp,
            Path logDir,
            String hubNs,
            String hospitalNs,
            List<String> moreNamespaces,
            String operatorNs,
            String node)
            throws IOException {
        KubernetesClient admin = cluster.client();
        Path root = KubernetesBinaries.repoRoot();
        List<String> watched = new java.util.ArrayList<>(List.of(hospitalNs));
        watched.addAll(moreNamespaces);
        Manifests.apply(admin, root.resolve("crds/federationmembers.fednode.io-v1.yml"));
        OperatorManifests.applyAllButDeployment(admin, watched);
        List<String> namespaces = new java.util.ArrayList<>(watched);
        namespaces.add(hubNs);
        for (String ns : namespaces) {
            admin.resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                    .serverSideApply();
        }
        String hubServiceAccount = HubChartRbac.install(admin, hubNs);
        RealNodeVolumes volumes = RealNodeVolumes.create(cluster, hospitalNs, node);

        deleteLogs(logDir);
        Path hubKubeconfig =
                ServiceAccountKubeconfig.write(
                        admin,
                        cluster.kubeConfigYaml(),
                        hubNs,
                        hubServiceAccount,
                        tmp.resolve("hub.kubeconfig"));
        Path operatorKubeconfig =
                ServiceAccountKubeconfig.write(
                        admin,
                        cluster.kubeConfigYaml(),
                        operatorNs,
                        "fednode-operator",
                        tmp.resolve("operator.kubeconfig"));
        JarProcess hub =
                logs.watch(
                        new JarProcess(
                                "hub",
                                jar("fednode.hub.jar"),
                                Map.of(
                                        "KUBECONFIG",
                                        hubKubeconfig.toString(),
                                        LogFormat.VARIABLE,
                                        LogFormat.JSON),
                                logDir));
        JarProcess operator =
                logs.watch(
                        new JarProcess(
                                "operator",
                                jar("fednode.operator.jar"),
                                Map.of(
                                        "KUBECONFIG",
                                        operatorKubeconfig.toString(),
                                        "POD_NAMESPACE",
                                        operatorNs,
                                        // Other test classes share the cluster: only this
                                        // test's hospital.
                                        "FEDNODE_WATCH_NAMESPACES",
                                        String.join(",", watched),
                                        // Both processes log JSON (HubConnectivityE2EIT reads
                                        // every line).
                                        LogFormat.VARIABLE,
                                        LogFormat.JSON),
                                logDir));
        return new FederationProcesses(
                admin,
                hubNs,
                hospitalNs,
                node,
                volumes,
                hubKubeconfig,
                operatorKubeconfig,
                freePort(),
                freePort(),
                hub,
                operator);
    }

    /** Starts the hub (node API on {@link #hubPort}, admin on {@link #adminPort}). */
    public void startHub(String certificateLifetime, int missedHeartbeats) {
        startHub(certificateLifetime, missedHeartbeats, List.of());
    }

    /** {@link #startHub(String, int)} with more arguments. */
    public void startHub(String certificateLifetime, int missedHeartbeats, List<String> more) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "--namespace=" + hubNs,
                                "--bind-address=127.0.0.1",
                                "--admin-bind-address=127.0.0.1",
                                "--port=" + hubPort,
                                "--admin-port=" + adminPort,
                                "--server-names=localhost,127.0.0.1",
                                "--certificate-lifetime=" + certificateLifetime,
                                "--missed-heartbeats=" + missedHeartbeats));
        args.addAll(more);
        hub.start(args);
        hub.awaitLog("hub serving nodes on https://127.0.0.1:" + hubPort, Duration.ofMinutes(1));
    }

    /** Starts the operator with these arguments and waits for its start-up log line. */
    public void startOperator(List<String> args) {
        operator.start(args);
        operator.awaitLog("fednode operator started against", Duration.ofMinutes(2));
    }

    public void stopOperator() {
        operator.stop();
    }

    /** Stops whichever of the two processes runs. */
    public void stopAll() {
        operator.stop();
        hub.stop();
    }

    /**
     * Another hospital with its own operator process ({@link HospitalProcess}), enrolling with this
     * hub; its operator runs as the same ServiceAccount, watching only {@code ns}.
     */
    public HospitalProcess addHospital(
            KwokCluster cluster,
            ProcessLogTails logs,
            Path tmp,
            Path logDir,
            String operatorNs,
            String ns,
            String nodeId)
            throws IOException {
        return HospitalProcess.create(cluster, logs, tmp, logDir, operatorNs, hubPort, ns, nodeId);
    }

    /**
     * The hospital {@link #install} prepared ({@link #hospitalNs}, {@link #node}, its operator).
     */
    public HospitalProcess primaryHospital() {
        return new HospitalProcess(admin, hospitalNs, node, volumes, hubPort, operator);
    }

    /** A FederationMember in {@link #hubNs} for {@code nodeId}, with these labels. */
    public FederationMember createMember(String member, String nodeId, Map<String, String> labels) {
        FederationMember m =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: FederationMember
                        metadata: {name: %s, namespace: %s}
                        spec:
                          nodeId: %s
                          role: hybrid
                          displayName: %s (e2e)
                          country: NL
                        """
                                .formatted(member, hubNs, nodeId, nodeId),
                        FederationMember.class);
        m.getMetadata().setLabels(labels);
        return admin.resource(m).create();
    }

    /** The central operator's FederationMember for {@link #node}, created in {@link #hubNs}. */
    public FederationMember createMember(String member) {
        return admin.resource(
                        Serialization.unmarshal(
                                """
                                apiVersion: fednode.io/v1alpha1
                                kind: FederationMember
                                metadata: {name: %s, namespace: %s}
                                spec:
                                  nodeId: %s
                                  role: data
                                  displayName: Hospital A (e2e)
                                  country: NL
                                """
                                        .formatted(member, hubNs, node),
                                FederationMember.class))
                .create();
    }

    /** The join token Secret the hub wrote next to the member (null until it has). */
    public Secret joinTokenSecret(String member) {
        return admin.secrets().inNamespace(hubNs).withName(member + "-join-token").get();
    }

    /**
     * Out of band: the central operator hands the join token and CA over to the hospital, whose
     * admin puts them in Secret {@code hub-join} of {@link #hospitalNs}.
     */
    public void handOverJoinToken(Secret token) {
        primaryHospital().handOverJoinToken(token);
    }

    /** The hospital admin's FederationNode: data role, the hub on 127.0.0.1, real-node volumes. */
    public void createNode(Duration heartbeatInterval) {
        primaryHospital()
                .createNode(
                        "data",
                        "  connectivity:\n    heartbeatInterval: %ds\n"
                                .formatted(heartbeatInterval.toSeconds()));
    }

    /** A free TCP port on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path jar(String property) {
        String path = System.getProperty(property);
        if (path == null) {
            throw new IllegalStateException(
                    "system property " + property + " is not set (e2e-tests/pom.xml sets it)");
        }
        return Path.of(path);
    }

    private static void deleteLogs(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
    }
}
