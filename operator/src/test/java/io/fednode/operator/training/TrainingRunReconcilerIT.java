package io.fednode.operator.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetSource;
import io.fednode.api.v1alpha1.DatasetSpec;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.HubSpec;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import io.fednode.fixtures.ConditionAssert;
import io.fednode.testing.Manifests;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.RealApiServer;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TrainingRun reconciler against a real kube-apiserver, running as the operator's own
 * ServiceAccount with the chart's RBAC. No controllers run here, so Jobs never get Pods: this
 * proves admission, queueing and the exact Job and NetworkPolicy; the e2e tests run them.
 *
 * <p>Nodes and datasets are made Ready by writing their status directly, as their reconcilers
 * would; only the TrainingRun reconciler is registered.
 */
class TrainingRunReconcilerIT {
    private static final String DIGEST = "0123456789abcdef".repeat(4);
    private static final String IMAGE = "registry.example.org/fl/trainer@sha256:" + DIGEST;
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    /** One namespace per test (the operator has a Role in these only): training-1 and on. */
    private static final List<String> WATCHED =
            IntStream.rangeClosed(1, 12).mapToObj(i -> "training-" + i).toList();

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    private static Operator operator;
    private static KubernetesClient operatorClient;

    @BeforeAll
    static void startOperator() {
        // With the egress-label policies: the operator's Jobs (their Pods carry the run's label)
        // must pass them.
        Path manifests = OperatorManifests.applyAllButDeployment(admin(), WATCHED);
        Manifests.apply(admin(), manifests.resolve("02-egress-labels-policy.yaml"));
        operatorClient = API.clientAs("fednode-system", "fednode-operator");
        operator = new Operator(o -> o.withKubernetesClient(operatorClient));
        operator.register(
                new TrainingRunReconciler(), c -> c.settingNamespaces(Set.copyOf(WATCHED)));
        operator.start();
    }

    @AfterAll
    static void stopOperator() {
        if (operator != null) {
            operator.stop();
        }
        if (operatorClient != null) {
            operatorClient.close();
        }
    }

    @Test
    void admittedRunGetsItsJobAndNetworkPolicyExactly() {
        String ns = namespace();
        createReadyNode(ns, "hospital-a", 2);
        createDataset(ns, "lung-ct", "hospital-a", true);
        TrainingRun run = run(ns, "lung-ct-round-1", 2);
        run.getSpec().setDatasets(List.of("lung-ct"));
        run.getSpec().setMaxRuntime("2h");
        create(run);

        Job job = awaitJob(ns, "lung-ct-round-1");
        assertThat(job.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getKind()).isEqualTo("TrainingRun");
                            assertThat(r.getName()).isEqualTo("lung-ct-round-1");
                            assertThat(r.getController()).isTrue();
                        });
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(7200L);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRuntimeClassName()).isEqualTo("nvidia");
        assertThat(pod.getNodeSelector()).containsEntry("fednode.io/test-gpu", "true");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo("hospital-a-training");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        var container = pod.getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(IMAGE);
        assertThat(container.getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("2"));
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop())
                .containsExactly("ALL");
        assertThat(container.getVolumeMounts())
                .extracting(
                        VolumeMount::getName, VolumeMount::getMountPath, VolumeMount::getSubPath)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "anonymised", "/data/lung-ct", "lung-ct/r1"),
                        org.assertj.core.groups.Tuple.tuple(
                                "scratch", "/scratch", "training/lung-ct-round-1"),
                        org.assertj.core.groups.Tuple.tuple("tmp", "/tmp", null));
        assertThat(container.getVolumeMounts().get(0).getReadOnly()).isTrue();
        assertThat(pod.getVolumes())
                .noneMatch(
                        v ->
                                v.getPersistentVolumeClaim() != null
                                        && v.getPersistentVolumeClaim()
                                                .getClaimName()
                                                .equals("hospital-a-raw"));

        NetworkPolicy policy =
                admin().network()
                        .networkPolicies()
                        .inNamespace(ns)
                        .withName("lung-ct-round-1-training-egress")
                        .get();
        assertThat(policy).isNotNull();
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("fednode.io/training-run", "lung-ct-round-1"));
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("fednode.io/training-run", "lung-ct-round-1");
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        // An IP aggregator: its address on its port, and no DNS rule.
        assertThat(egress).hasSize(1);
        assertThat(egress.get(0).getTo())
                .singleElement()
                .satisfies(p -> assertThat(p.getIpBlock().getCidr()).isEqualTo("203.0.113.10/32"));
        assertThat(egress.get(0).getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(new IntOrString(9092)));
        assertThat(policy.getMetadata().getOwnerReferences()).hasSize(1);

        await().untilAsserted(
                        () -> {
                            TrainingRunStatus status = get(ns, "lung-ct-round-1").getStatus();
                            conditions(status)
                                    .hasCondition("Admitted", "True", "Admitted")
                                    .hasCondition("Queued", "False")
                                    .hasCondition("Running", "False", "JobPending")
                                    .hasCondition("Succeeded", "Unknown")
                                    .hasCondition("Reconciling", "True");
                            assertThat(status.getJobName()).isEqualTo("lung-ct-round-1");
                            assertThat(status.getStartTime()).isNotNull();
                            assertThat(status.getActiveDeadlineSeconds()).isEqualTo(7200L);
                            assertThat(status.getObservedGeneration()).isEqualTo(1L);
                        });
        // What ties the Job to its node is the operator's doing: the node's labels on the Job and
        // on its Pods (the node's NetworkPolicies select on them) and the node id in the env.
        assertThat(job.getMetadata().getLabels())
                .containsEntry("fednode.io/training-node", "hospital-a");
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("fednode.io/node", "hospital-a")
                .containsEntry("fednode.io/workload", "training");
        assertThat(container.getEnv())
                .extracting(EnvVar::getName, EnvVar::getValue)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("FEDNODE_NODE_ID", "hospital-a"),
                        org.assertj.core.groups.Tuple.tuple("FEDNODE_RUN", "lung-ct-round-1"));
    }

    record Refusal(
            String name,
            java.util.function.Consumer<TrainingRun> change,
            String reason,
            String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                        new Refusal(
                                "image outside the allow-list",
                                r -> r.getSpec().setImage("docker.io/evil/miner@sha256:" + DIGEST),
                                "ImageNotAllowed",
                                "spec.image docker.io/evil/miner@sha256:"
                                        + DIGEST
                                        + " is not inside any of the node's"
                                        + " compute.allowedImages [registry.example.org/fl/]"
                                        + " (matched by registry and repository path"
                                        + " components)"),
                        new Refusal(
                                "image by tag under requireDigest",
                                r -> r.getSpec().setImage("registry.example.org/fl/trainer:1.0"),
                                "DigestRequired",
                                "spec.image registry.example.org/fl/trainer:1.0 is not pinned by"
                                        + " digest; node hospital-a requires"
                                        + " image@sha256:<digest>"),
                        new Refusal(
                                "more GPUs than maxGpusPerRun",
                                r -> r.getSpec().setGpus(5),
                                "TooManyGpus",
                                "spec.gpus 5 exceeds the node's compute.maxGpusPerRun 4"),
                        new Refusal(
                                "aggregator outside the node's egress CIDRs",
                                r ->
                                        r.getSpec()
                                                .setAggregator(
                                                        new AggregatorSpec(
                                                                "https://192.0.2.50:443")),
                                "AggregatorNotAllowed",
                                "spec.aggregator.endpoint: 192.0.2.50 is not inside the node's"
                                        + " spec.connectivity.egressCIDRs [203.0.113.0/24]"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedRunFailsWithTheReasonAndGetsNoJob(Refusal refusal) {
        String ns = namespace();
        createReadyNode(ns, "hospital-a", 2);
        TrainingRun run = run(ns, "refused", 1);
        refusal.change().accept(run);
        create(run);

        await().untilAsserted(
                        () -> {
                            TrainingRunStatus status = get(ns, "refused").getStatus();
                            assertThat(status).isNotNull();
                            conditions(status)
                                    .hasCondition(
                                            "Admitted",
                                            "False",
                                            refusal.reason(),
                                            refusal.message())
                                    .hasCondition("Failed", "True", refusal.reason())
                                    .hasCondition("Succeeded", "False")
                                    .hasCondition("Stalled", "True")
                                    .hasCondition("Reconciling", "False");
                            assertThat(status.getCompletionTime()).isNotNull();
                        });
        assertThat(admin().batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(admin().network().networkPolicies().inNamespace(ns).list().getItems()).isEmpty();
        await().untilAsserted(
                        () ->
                                assertThat(admin().v1().events().inNamespace(ns).list().getItems())
                                        .anySatisfy(
                                                e -> {
                                                    assertThat(e.getInvolvedObject().getName())
                                                            .isEqualTo("refused");
                                                    assertThat(e.getType()).isEqualTo("Warning");
                                                    assertThat(e.getReason())
                                                            .isEqualTo(refusal.reason());
                                                    assertThat(e.getMessage())
                                                            .isEqualTo(refusal.message());
                                                }));
    }

    @Test
    void dataNodeRefusesTraining() {
        String ns = namespace();
        FederationNode node = node(ns, "data-only", 1);
        node.getSpec().setRole(NodeRole.DATA);
        node.getSpec().setCompute(null);
        createReady(node);
        TrainingRun run = run(ns, "on-data-node", 1);
        run.getSpec().setNodeRef("data-only");
        create(run);
        await().untilAsserted(
                        () ->
                                conditions(get(ns, "on-data-node").getStatus())
                                        .hasCondition("Failed", "True", "NodeNotCompute"));
    }

    @Test
    void runWaitsForItsDatasetThenStarts() {
        String ns = namespace();
        createReadyNode(ns, "hospital-a", 2);
        Dataset dataset = createDataset(ns, "brain-mr", "hospital-a", false);
        TrainingRun run = run(ns, "waits-for-data", 1);
        run.getSpec().setDatasets(List.of("brain-mr"));
        create(run);

        await().untilAsserted(
                        () -> {
                            TrainingRunStatus status = get(ns, "waits-for-data").getStatus();
                            conditions(status)
                                    .hasCondition("Admitted", "False", "DatasetNotReady")
                                    .hasCondition("Failed", "False")
                                    .hasCondition("Reconciling", "True");
                        });
        assertThat(job(ns, "waits-for-data")).isEmpty();

        markDatasetReady(dataset);
        Job job = awaitJob(ns, "waits-for-data");
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getSubPath()).isEqualTo("brain-mr/r1"));
        // A person sees it wait, then start (admitted: its Job exists), on the run itself.
        await().untilAsserted(
                        () ->
                                assertThat(
                                                admin()
                                                        .v1()
                                                        .events()
                                                        .inNamespace(ns)
                                                        .list()
                                                        .getItems()
                                                        .stream()
                                                        .filter(
                                                                e ->
                                                                        e.getInvolvedObject()
                                                                                .getUid()
                                                                                .equals(
                                                                                        job.getMetadata()
                                                                                                .getOwnerReferences()
                                                                                                .get(
                                                                                                        0)
                                                                                                .getUid()))
                                                        .toList())
                                        .extracting(
                                                io.fabric8.kubernetes.api.model.Event::getReason,
                                                io.fabric8.kubernetes.api.model.Event::getType)
                                        .contains(
                                                org.assertj.core.groups.Tuple.tuple(
                                                        "DatasetNotReady", "Normal"),
                                                org.assertj.core.groups.Tuple.tuple(
                                                        "JobPending", "Normal")));
    }

    @Test
    void runWaitsForTheNodeToBeReady() {
        String ns = namespace();
        FederationNode node = node(ns, "hospital-a", 2);
        ensureNamespace(ns);
        admin().resource(node).create();
        create(run(ns, "early", 1));
        await().untilAsserted(
                        () ->
                                conditions(get(ns, "early").getStatus())
                                        .hasCondition("Admitted", "False", "NodeNotReady"));
        assertThat(job(ns, "early")).isEmpty();

        markNodeReady(ns, "hospital-a");
        awaitJob(ns, "early");
    }

    @Test
    void beyondMaxConcurrentRunsRunsQueueInCreationOrderAndStartAsSlotsFree() {
        String ns = namespace();
        createReadyNode(ns, "hospital-a", 2);
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            names.add("run-" + i);
            create(run(ns, "run-" + i, 1));
        }
        await().untilAsserted(
                        () -> {
                            assertThat(jobNames(ns)).containsExactlyInAnyOrder("run-1", "run-2");
                            for (String queued : List.of("run-3", "run-4", "run-5")) {
                                TrainingRunStatus status = get(ns, queued).getStatus();
                                conditions(status)
                                        .hasCondition("Admitted", "True")
                                        .hasCondition(
                                                "Queued",
                                                "True",
                                                "QuotaExceeded",
                                                "node hospital-a runs at most 2 TrainingRuns at"
                                                        + " once (compute.maxConcurrentRuns);"
                                                        + " queued in creation order");
                            }
                        });
        // Nothing more starts while both slots are held.
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(jobNames(ns)).hasSize(2));

        // A Job that disappears frees its slot: its run fails, the oldest queued run starts.
        admin().batch().v1().jobs().inNamespace(ns).withName("run-1").delete();
        await().untilAsserted(
                        () -> {
                            assertThat(jobNames(ns)).containsExactlyInAnyOrder("run-2", "run-3");
                            conditions(get(ns, "run-1").getStatus())
                                    .hasCondition("Failed", "True", "JobDeleted");
                        });
        // Deleting a run that holds a slot frees it too (the Job goes with its owner; no garbage
        // collector runs here, so the test removes the Job as it would).
        admin().resources(TrainingRun.class).inNamespace(ns).withName("run-2").delete();
        admin().batch().v1().jobs().inNamespace(ns).withName("run-2").delete();
        await().untilAsserted(
                        () -> assertThat(jobNames(ns)).containsExactlyInAnyOrder("run-3", "run-4"));
        conditions(get(ns, "run-5").getStatus()).hasCondition("Queued", "True");
    }

    @Test
    void raisingTheNodesLimitStartsQueuedRuns() {
        String ns = namespace();
        createReadyNode(ns, "hospital-a", 1);
        create(run(ns, "first", 1));
        create(run(ns, "second", 1));
        await().untilAsserted(() -> assertThat(jobNames(ns)).containsExactly("first"));
        FederationNode node =
                admin().resources(FederationNode.class)
                        .inNamespace(ns)
                        .withName("hospital-a")
                        .get();
        node.getSpec().getCompute().setMaxConcurrentRuns(2);
        admin().resource(node).update();
        await().untilAsserted(
                        () ->
                                assertThat(jobNames(ns))
                                        .containsExactlyInAnyOrder("first", "second"));
    }

    // ---- fixtures -------------------------------------------------------------------------

    private static String namespace() {
        String ns = WATCHED.get(NAMESPACES.getAndIncrement());
        ensureNamespace(ns);
        return ns;
    }

    private static void ensureNamespace(String ns) {
        if (admin().namespaces().withName(ns).get() == null) {
            admin().resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                    .create();
        }
    }

    static FederationNode node(String ns, String name, int maxConcurrentRuns) {
        FederationNode node = Fixtures.node();
        node.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        node.getSpec().setNodeId(name);
        HubSpec hub = new HubSpec();
        hub.setEndpoint("https://hub.example.org:8443");
        node.getSpec().setHub(hub);
        node.getSpec().getCompute().setMaxConcurrentRuns(maxConcurrentRuns);
        node.getSpec().getConnectivity().setEgressCIDRs(List.of("203.0.113.0/24"));
        node.setStatus(null);
        return node;
    }

    private static FederationNode createReadyNode(String ns, String name, int maxConcurrentRuns) {
        return createReady(node(ns, name, maxConcurrentRuns));
    }

    private static FederationNode createReady(FederationNode node) {
        admin().resource(node).create();
        return markNodeReady(node.getMetadata().getNamespace(), node.getMetadata().getName());
    }

    private static FederationNode markNodeReady(String ns, String name) {
        FederationNode node =
                admin().resources(FederationNode.class).inNamespace(ns).withName(name).get();
        FederationNodeStatus status = new FederationNodeStatus();
        status.setObservedGeneration(node.getMetadata().getGeneration());
        status.setConditions(List.of(ready("NodeReady")));
        node.setStatus(status);
        return admin().resource(node).updateStatus();
    }

    private static Dataset createDataset(String ns, String name, String nodeRef, boolean ready) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        DatasetSpec spec = new DatasetSpec();
        spec.setNodeRef(nodeRef);
        DatasetSource source = new DatasetSource();
        source.setPath("imports/" + name);
        spec.setSource(source);
        dataset.setSpec(spec);
        Dataset created = admin().resource(dataset).create();
        return ready ? markDatasetReady(created) : created;
    }

    private static Dataset markDatasetReady(Dataset dataset) {
        Dataset current = admin().resource(dataset).get();
        DatasetStatus status = new DatasetStatus();
        status.setRevision(1);
        status.setOutputPath(current.getMetadata().getName() + "/r1");
        status.setConditions(List.of(ready("Anonymised")));
        current.setStatus(status);
        return admin().resource(current).updateStatus();
    }

    private static Condition ready(String reason) {
        return new ConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason(reason)
                .withMessage("set by the test")
                .withLastTransitionTime("2026-11-26T10:00:00Z")
                .build();
    }

    private static TrainingRun run(String ns, String name, int gpus) {
        TrainingRun run = Fixtures.run(name);
        run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        run.getSpec().setGpus(gpus);
        return run;
    }

    private static void create(TrainingRun run) {
        admin().resource(run).create();
    }

    private static TrainingRun get(String ns, String name) {
        return admin().resources(TrainingRun.class).inNamespace(ns).withName(name).get();
    }

    private static Optional<Job> job(String ns, String name) {
        return Optional.ofNullable(
                admin().batch().v1().jobs().inNamespace(ns).withName(name).get());
    }

    private static List<String> jobNames(String ns) {
        return admin().batch().v1().jobs().inNamespace(ns).list().getItems().stream()
                .map(j -> j.getMetadata().getName())
                .sorted()
                .toList();
    }

    private static Job awaitJob(String ns, String name) {
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> job(ns, name), Optional::isPresent)
                .orElseThrow();
    }

    static ConditionAssert conditions(TrainingRunStatus status) {
        assertThat(status).as("status").isNotNull();
        return ConditionAssert.assertThatConditions("TrainingRun status", status.getConditions());
    }

    private static KubernetesClient admin() {
        return API.client();
    }
}
