package io.fednode.e2e.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import io.fednode.e2e.realnode.Probes.Target;
import io.fednode.operator.OperatorMain;
import io.fednode.operator.OperatorSettings;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Manifests;
import io.fednode.testing.Namespaces;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.ServiceAccountClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's isolation promises, enforced on the real node (kube-router enforcing the
 * NetworkPolicies the operator wrote) and shown with real connections from real Pods: the
 * anonymiser gets no network at all, a Pod the operator did not make is held by the node's
 * default-deny, and a TrainingRun reaches its aggregator and nothing else. The same probes from a
 * namespace without the node's policies connect, so a "closed" below is the policy's doing, not the
 * probe's. TrainingRuns run for real: one with a GPU completes, one past its maxRuntime is stopped
 * by the Job controller.
 *
 * <p>The whole operator runs in-process as its ServiceAccount (manifests/install RBAC), watching
 * only this test's namespace; the hub it is pointed at does not exist (the node works without it).
 */
class WorkloadIsolationE2EIT {
    static final String NS = "isolation-e2e";
    static final String FEDERATION_NS = "federation-e2e";
    static final String NODE = "hospital-n";

    /** The toolbox with root as its default user ({@code tools/real-node-images.sh}). */
    static final String ROOT_IMAGE_REPOSITORY = "fednode.local/toolbox-root";

    static final String ROOT_IMAGE = ROOT_IMAGE_REPOSITORY + ":1";

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.sharedWithRealNode();

    private static OperatorMain.RunningOperator operator;
    private static KubernetesClient operatorClient;
    private static String aggregatorIp;
    private static String otherIp;
    private static String otherServiceIp;
    private static String apiServerIp;

    @BeforeAll
    static void setUp() {
        KubernetesClient k = client();
        Path manifests = OperatorManifests.applyAllButDeployment(k, List.of(NS));
        Manifests.apply(k, manifests.resolve("02-egress-labels-policy.yaml"));
        for (String ns : List.of(NS, FEDERATION_NS)) {
            Namespaces.restricted(k, ns);
        }
        // The federation side: the job's aggregator, and another server next to it.
        aggregatorIp =
                Probes.startServer(k, FEDERATION_NS, "aggregator", Map.of("app", "aggregator"));
        otherIp = Probes.startServer(k, FEDERATION_NS, "other", Map.of("app", "other"));
        otherServiceIp =
                k.resource(
                                new ServiceBuilder()
                                        .withNewMetadata()
                                        .withName("other")
                                        .withNamespace(FEDERATION_NS)
                                        .endMetadata()
                                        .withNewSpec()
                                        .withSelector(Map.of("app", "other"))
                                        .addNewPort()
                                        .withPort(Probes.PORT)
                                        .endPort()
                                        .endSpec()
                                        .build())
                        .create()
                        .getSpec()
                        .getClusterIP();
        apiServerIp =
                k.services()
                        .inNamespace("default")
                        .withName("kubernetes")
                        .get()
                        .getSpec()
                        .getClusterIP();

        CLUSTER.loadImages(
                List.of(
                        io.fednode.testing.KubernetesBinaries.binDir()
                                .getParent()
                                .resolve("images/toolbox-root.tar")));
        RealNodeVolumes.create(CLUSTER, NS, NODE);
        k.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("hub-join")
                                .withNamespace(NS)
                                .endMetadata()
                                .addToData(
                                        "token",
                                        Base64.getEncoder().encodeToString("unused".getBytes()))
                                .build())
                .create();
        k.resource(
                        Serialization.unmarshal(
                                """
                                apiVersion: fednode.io/v1alpha1
                                kind: FederationNode
                                metadata: {name: %s, namespace: %s}
                                spec:
                                  nodeId: %s
                                  role: hybrid
                                  hub:
                                    endpoint: https://127.0.0.1:9
                                    joinTokenSecretRef: {name: hub-join, key: token}
                                  storage:
                                    raw: {size: 1Gi, storageClassName: %s}
                                    anonymised: {size: 1Gi, storageClassName: %s}
                                    scratch: {size: 1Gi, storageClassName: %s}
                                  compute:
                                    maxGpusPerRun: 1
                                    maxConcurrentRuns: 2
                                    nodeSelector: {"%s": "true"}
                                    allowedImages: ["fednode.local/toolbox", "%s"]
                                    maxRuntime: 1h
                                  connectivity:
                                    egressCIDRs: ["%s/32"]
                                """
                                        .formatted(
                                                NODE,
                                                NS,
                                                NODE,
                                                RealNodeVolumes.STORAGE_CLASS,
                                                RealNodeVolumes.STORAGE_CLASS,
                                                RealNodeVolumes.STORAGE_CLASS,
                                                KwokCluster.REAL_NODE_LABEL,
                                                ROOT_IMAGE_REPOSITORY,
                                                aggregatorIp),
                                FederationNode.class))
                .create();
        operatorClient =
                ServiceAccountClients.clientAs(
                        k, CLUSTER.kubeConfigYaml(), "fednode-system", "fednode-operator");
        operator =
                OperatorMain.run(
                        operatorClient,
                        new OperatorSettings(
                                Duration.ofMinutes(10),
                                -1,
                                false,
                                "fednode-system",
                                Set.of(NS),
                                "127.0.0.1"));
        await().atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            FederationNode node =
                                    k.resources(FederationNode.class)
                                            .inNamespace(NS)
                                            .withName(NODE)
                                            .get();
                            assertThat(find(node.getStatus().getConditions(), "Ready").getStatus())
                                    .isEqualTo("True");
                        });
    }

    @AfterAll
    static void tearDown() {
        if (operator != null) {
            operator.close();
        }
        if (operatorClient != null) {
            operatorClient.close();
        }
    }

    /** What every probe tries. */
    private static List<Target> targets() {
        return List.of(
                Target.dns("dns", "kubernetes.default.svc.cluster.local"),
                Target.http("aggregator", aggregatorIp, Probes.PORT),
                Target.http("other-pod", otherIp, Probes.PORT),
                Target.http("other-service", otherServiceIp, Probes.PORT),
                Target.tcp("apiserver", apiServerIp, 443));
    }

    @Test
    void withoutTheNodesPoliciesTheProbesConnect() {
        assertThat(Probes.probe(client(), FEDERATION_NS, "control", Map.of(), targets()))
                .as("a namespace without policies: every target answers")
                .containsOnly(
                        Map.entry("dns", "open"),
                        Map.entry("aggregator", "open"),
                        Map.entry("other-pod", "open"),
                        Map.entry("other-service", "open"),
                        Map.entry("apiserver", "open"));
    }

    @Test
    void theAnonymiserPodCanOpenNoConnection() {
        PhiCorpus.write(
                CLUSTER.hostDirectory(NS + "/" + NODE + "/raw").resolve("imports/isolated"));
        client().resource(
                        Serialization.unmarshal(
                                """
                                apiVersion: fednode.io/v1alpha1
                                kind: Dataset
                                metadata: {name: isolated, namespace: %s}
                                spec: {nodeRef: %s, source: {path: imports/isolated}}
                                """
                                        .formatted(NS, NODE),
                                Dataset.class))
                .create();
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () ->
                                assertThat(
                                                client().batch()
                                                        .v1()
                                                        .jobs()
                                                        .inNamespace(NS)
                                                        .withName("isolated-r1")
                                                        .get())
                                        .isNotNull());
        Job job = client().batch().v1().jobs().inNamespace(NS).withName("isolated-r1").get();
        // A Pod with exactly the labels of the operator's anonymiser Pods (those its policies
        // select on), running the probe instead of the anonymiser.
        Map<String, String> labels =
                job.getSpec().getTemplate().getMetadata().getLabels().entrySet().stream()
                        .filter(e -> e.getKey().startsWith("fednode.io/"))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(labels).containsEntry("fednode.io/workload", "anonymiser");
        assertThat(Probes.probe(client(), NS, "anonymiser-probe", labels, targets()))
                .as("the anonymiser: no DNS, no Pod, no Service, not the API server")
                .containsOnly(
                        Map.entry("dns", "closed"),
                        Map.entry("aggregator", "closed"),
                        Map.entry("other-pod", "closed"),
                        Map.entry("other-service", "closed"),
                        Map.entry("apiserver", "closed"));
    }

    @Test
    void aPodTheOperatorDidNotMakeIsHeldByTheNodesDefaultDeny() {
        Map<String, String> result =
                Probes.probe(client(), NS, "stranger", Map.of("app", "stranger"), targets());
        assertThat(result)
                .as("egress of a Pod the operator did not make (DNS is allowed to every Pod)")
                .containsOnly(
                        Map.entry("dns", "open"),
                        Map.entry("aggregator", "closed"),
                        Map.entry("other-pod", "closed"),
                        Map.entry("other-service", "closed"),
                        Map.entry("apiserver", "closed"));
        // Ingress: a server inside the node's namespace is unreachable from outside it, while the
        // same probe reaches a server in its own namespace.
        String inside = Probes.startServer(client(), NS, "inside", Map.of("app", "inside"));
        assertThat(
                        Probes.probe(
                                client(),
                                FEDERATION_NS,
                                "knocks",
                                Map.of(),
                                List.of(
                                        Target.http("inside-node", inside, Probes.PORT),
                                        Target.http("aggregator", aggregatorIp, Probes.PORT))))
                .containsOnly(Map.entry("inside-node", "closed"), Map.entry("aggregator", "open"));
    }

    @Test
    void aTrainingRunWithAGpuReachesItsAggregatorAndNothingElse() {
        List<Target> targets =
                List.of(
                        Target.dns("dns", "kubernetes.default.svc.cluster.local"),
                        Target.http("aggregator", aggregatorIp, Probes.PORT),
                        Target.http("other-pod", otherIp, Probes.PORT),
                        Target.http("other-service", otherServiceIp, Probes.PORT),
                        Target.tcp("apiserver", apiServerIp, 443));
        TrainingRun run =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: TrainingRun
                        metadata: {name: reaches-aggregator, namespace: %s}
                        spec:
                          nodeRef: %s
                          image: %s
                          gpus: 1
                          aggregator: {endpoint: "https://%s:%d"}
                        """
                                .formatted(NS, NODE, Probes.TOOLBOX, aggregatorIp, Probes.PORT),
                        TrainingRun.class);
        run.getSpec().setCommand(List.of("/bin/sh", "-c", Probes.probeScript(targets)));
        client().resource(run).create();

        Pod pod = succeededPod("reaches-aggregator");
        assertThat(pod.getSpec().getContainers().get(0).getResources().getLimits())
                .containsEntry(KwokCluster.GPU_RESOURCE, new Quantity("1"));
        String report = terminationMessage(pod);
        assertThat(report.lines().toList())
                .as("an IP aggregator: no DNS (no tunnel out through the resolver)")
                .containsExactly(
                        "dns=closed",
                        "aggregator=open",
                        "other-pod=closed",
                        "other-service=closed",
                        "apiserver=closed");
    }

    @Test
    void aRunWithAHostNameAggregatorMayResolveNames() {
        // The name need not resolve: the run gets the node's egressCIDRs (the aggregator's /32)
        // on the aggregator's port, and the cluster DNS.
        List<Target> targets =
                List.of(
                        Target.dns("dns", "kubernetes.default.svc.cluster.local"),
                        Target.http("aggregator", aggregatorIp, Probes.PORT),
                        Target.http("other-pod", otherIp, Probes.PORT));
        TrainingRun run =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: TrainingRun
                        metadata: {name: by-host-name, namespace: %s}
                        spec:
                          nodeRef: %s
                          image: %s
                          aggregator: {endpoint: "https://aggregator.federation.example:%d"}
                        """
                                .formatted(NS, NODE, Probes.TOOLBOX, Probes.PORT),
                        TrainingRun.class);
        run.getSpec().setCommand(List.of("/bin/sh", "-c", Probes.probeScript(targets)));
        client().resource(run).create();
        assertThat(terminationMessage(succeededPod("by-host-name")).lines().toList())
                .containsExactly("dns=open", "aggregator=open", "other-pod=closed");
    }

    @Test
    void anImageThatRunsAsRootRunsAsTheNonRootDefaultUser() {
        // No aggregator: no egress at all, not even DNS.
        String script =
                "sleep 5; if timeout 8 nslookup kubernetes.default.svc.cluster.local"
                        + " >/dev/null 2>&1; then d=open; else d=closed; fi;"
                        + " printf 'uid=%s\\ngid=%s\\ndns=%s' \"$(id -u)\" \"$(id -g)\" \"$d\""
                        + " > /dev/termination-log";
        TrainingRun run =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: TrainingRun
                        metadata: {name: root-image, namespace: %s}
                        spec:
                          nodeRef: %s
                          image: %s
                        """
                                .formatted(NS, NODE, ROOT_IMAGE),
                        TrainingRun.class);
        run.getSpec().setCommand(List.of("/bin/sh", "-c", script));
        client().resource(run).create();
        assertThat(terminationMessage(succeededPod("root-image")).lines().toList())
                .containsExactly("uid=65532", "gid=65532", "dns=closed");
    }

    @Test
    void aPodAuthorCannotForgeTheLabelsThatOpenEgress() {
        for (Map<String, String> labels :
                List.of(
                        Map.of("fednode.io/training-run", "reaches-aggregator"),
                        Map.of("fednode.io/federation-egress", "true"))) {
            // Were it admitted, this Pod would reach the aggregator (the run's or the node's
            // federation policy selects it).
            assertThatThrownBy(
                            () ->
                                    Probes.probe(
                                            client(),
                                            NS,
                                            "forger",
                                            labels,
                                            List.of(
                                                    Target.http(
                                                            "aggregator",
                                                            aggregatorIp,
                                                            Probes.PORT))))
                    .isInstanceOfSatisfying(
                            KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(403))
                    .hasMessageContaining("open egress through fednode NetworkPolicies");
        }
        assertThat(client().pods().inNamespace(NS).withName("forger").get()).isNull();
    }

    /** Waits until the run succeeded on the real node; its Pod. */
    private static Pod succeededPod(String runName) {
        await().atMost(Duration.ofMinutes(3))
                .untilAsserted(
                        () ->
                                assertThat(condition(status(runName), "Succeeded"))
                                        .extracting(Condition::getStatus, Condition::getReason)
                                        .containsExactly("True", "Completed"));
        assertThat(status(runName).getPodNodeName()).isEqualTo(KwokCluster.REAL_NODE);
        return client().pods()
                .inNamespace(NS)
                .withLabel("fednode.io/training-run", runName)
                .list()
                .getItems()
                .get(0);
    }

    private static String terminationMessage(Pod pod) {
        return pod.getStatus()
                .getContainerStatuses()
                .get(0)
                .getState()
                .getTerminated()
                .getMessage();
    }

    @Test
    void aRunPastItsMaxRuntimeIsStoppedByTheJobController() {
        TrainingRun run =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: TrainingRun
                        metadata: {name: too-slow, namespace: %s}
                        spec:
                          nodeRef: %s
                          image: %s
                          gpus: 1
                          maxRuntime: 20s
                          command: ["/bin/sh", "-c", "sleep 600"]
                          aggregator: {endpoint: "https://%s:%d"}
                        """
                                .formatted(NS, NODE, Probes.TOOLBOX, aggregatorIp, Probes.PORT),
                        TrainingRun.class);
        client().resource(run).create();
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () ->
                                assertThat(condition(status("too-slow"), "Running"))
                                        .extracting(Condition::getStatus)
                                        .isEqualTo("True"));
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () ->
                                assertThat(condition(status("too-slow"), "Failed"))
                                        .extracting(Condition::getStatus, Condition::getReason)
                                        .containsExactly("True", "DeadlineExceeded"));
        // The real kubelet killed the container: no Pod of the run keeps running.
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () ->
                                assertThat(
                                                client().pods()
                                                        .inNamespace(NS)
                                                        .withLabel(
                                                                "fednode.io/training-run",
                                                                "too-slow")
                                                        .list()
                                                        .getItems())
                                        .allSatisfy(
                                                p ->
                                                        assertThat(p.getStatus().getPhase())
                                                                .isNotEqualTo("Running")));
    }

    private static TrainingRunStatus status(String name) {
        TrainingRun run =
                client().resources(TrainingRun.class).inNamespace(NS).withName(name).get();
        assertThat(run.getStatus()).isNotNull();
        return run.getStatus();
    }

    private static Condition condition(TrainingRunStatus status, String type) {
        return find(status.getConditions(), type);
    }

    private static Condition find(List<Condition> conditions, String type) {
        return conditions.stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    private static KubernetesClient client() {
        return CLUSTER.client();
    }
}
