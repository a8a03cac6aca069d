package io.fednode.e2e.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.ReleaseHistory;
import com.marcnuri.helm.UpgradeCommand;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingEnvVar;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.e2e.flower.FlowerServer;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.testing.Commands;
import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Namespaces;
import io.fednode.testing.ProjectImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A site's upgrade from the previous release (v0.1.0, built from its commit by {@code
 * tools/build-previous-release.sh}) to this tree, on the real node: the v0.1.0 operator chart
 * installed with helm-java (its CRDs from its {@code crds/} folder, its own operator image) makes a
 * FederationNode Ready and starts a Dataset's anonymiser Job; then the CRDs of this tree are
 * applied server-side and {@code helm upgrade} moves the release to this tree's chart and image, as
 * docs/upgrade.md ("Upgrading from 0.1.0") tells a site to. The node, the Dataset, the claims and
 * the Secrets are the same objects afterwards, the node converges under the new operator ({@code
 * status.operatorVersion} appears with the new version), and the Job that was in flight is not
 * replaced: it finishes on the spec the old operator gave it, and the new operator records its
 * result.
 *
 * <p>A TrainingRun's Job is in flight with its container really running: the sample Flower trainer,
 * started by the v0.1.0 operator on the real node, is connected to a Flower server on this machine
 * that waits for a second client, through the upgrade; afterwards it is the same Pod and container
 * (no restart), and when the server stops the new operator records the run's end on the same Job.
 *
 * <p>The Dataset's Job is kept in flight deterministically: the v0.1.0 operator's Job runs v0.1.0's
 * anonymiser image, which the test gives the node only after the upgrade, so until then the Job is
 * active with its Pod on the node waiting for the image (a slow pull, as a site with a cold mirror
 * sees).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeFromPreviousReleaseE2EIT {
    static final String OPERATOR_NS = "fednode-system";
    static final String HOSPITAL_NS = "hospital-c";
    static final String NODE = "hospital-c";
    static final String DATASET = "brain-mr";
    static final String JOB = DATASET + "-r1";
    static final String PREVIOUS_OPERATOR_IMAGE = "ghcr.io/fednode/fednode-operator:0.1.0";
    static final String PREVIOUS_ANONYMISER_IMAGE = "ghcr.io/fednode/fednode-anonymiser:0.1.0";

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.withRealNode();

    private static Path previousRelease;
    private static int stepsPassed;

    /** What existed before the upgrade: it must be the same objects (uid) after it. */
    private static final List<HasMetadata> BEFORE = new ArrayList<>();

    private static Job jobBefore;
    private static FlowerServer flower;
    private static Job runJobBefore;
    private static Pod runPodBefore;
    static final String RUN = "train";
    private static PhiCorpus corpus;

    @Test
    @Order(1)
    void thePreviousReleaseMakesTheNodeReadyAndStartsADatasetJob() {
        long start = System.nanoTime();
        Commands.Run build =
                Commands.run(
                        Duration.ofMinutes(15),
                        List.of(
                                KubernetesBinaries.repoRoot()
                                        .resolve("tools/build-previous-release.sh")
                                        .toString()));
        assertThat(build.exit())
                .as("tools/build-previous-release.sh:\n%s", build.output())
                .isZero();
        previousRelease = Path.of(lastLine(build.output()));
        System.out.printf(
                "previous release ready in %d s: %s%n",
                Duration.ofNanos(System.nanoTime() - start).toSeconds(), previousRelease);
        assertThat(read(previousRelease.resolve("release"))).isEqualTo("v0.1.0");
        assertThat(read(previousRelease.resolve("src/charts/fednode-operator/Chart.yaml")))
                .contains("version: 0.1.0");
        CLUSTER.loadImages(List.of(previousRelease.resolve("operator.tar")));

        for (String ns : List.of(OPERATOR_NS, HOSPITAL_NS)) {
            Namespaces.restricted(client(), ns);
        }
        // The v0.1.0 chart as a site installed it: its defaults (image ghcr.io/fednode/
        // fednode-operator:0.1.0, its appVersion) and the two values a site sets.
        Map<String, String> siteValues = new LinkedHashMap<>();
        siteValues.put("watchNamespaces[0]", HOSPITAL_NS);
        siteValues.put("resources.requests.cpu", "50m");
        assertThat(
                        new Helm(CLUSTER)
                                .install(
                                        "fednode",
                                        previousRelease.resolve("src/charts/fednode-operator"),
                                        OPERATOR_NS,
                                        siteValues)
                                .getChart())
                .isEqualTo("fednode-operator-0.1.0");
        assertThat(operatorPod().getSpec().getContainers().get(0).getImage())
                .isEqualTo(PREVIOUS_OPERATOR_IMAGE);
        assertThat(federationNodeCrd())
                .as("the v0.1.0 CRD has no status.operatorVersion")
                .doesNotContain("operatorVersion");

        // No hub in this cluster: a node's Ready does not depend on its hub link.
        client().resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("hub-join")
                                .withNamespace(HOSPITAL_NS)
                                .endMetadata()
                                .addToStringData("token", "not-a-real-token")
                                .build())
                .create();
        RealNodeVolumes.create(CLUSTER, HOSPITAL_NS, NODE);
        client().resource(
                        Serialization.unmarshal(
                                """
                                apiVersion: fednode.io/v1alpha1
                                kind: FederationNode
                                metadata: {name: %s, namespace: %s}
                                spec:
                                  nodeId: %s
                                  role: hybrid
                                  hub:
                                    endpoint: https://fednode-hub.fednode-hub.svc:8443
                                    joinTokenSecretRef: {name: hub-join, key: token}
                                  storage:
                                    raw: {size: 1Gi, storageClassName: %s}
                                    anonymised: {size: 1Gi, storageClassName: %s}
                                    scratch: {size: 1Gi, storageClassName: %s}
                                  anonymisation: {parallelism: 1}
                                  compute:
                                    maxGpusPerRun: 1
                                    maxConcurrentRuns: 1
                                    nodeSelector: {"%s": "true"}
                                    allowedImages: ["%s"]
                                    maxRuntime: 30m
                                  connectivity:
                                    egressCIDRs: ["%s/32"]
                                """
                                        .formatted(
                                                NODE,
                                                HOSPITAL_NS,
                                                NODE,
                                                RealNodeVolumes.STORAGE_CLASS,
                                                RealNodeVolumes.STORAGE_CLASS,
                                                RealNodeVolumes.STORAGE_CLASS,
                                                KwokCluster.REAL_NODE_LABEL,
                                                ProjectImages.trainer().repository(),
                                                CLUSTER.hostAddress()),
                                FederationNode.class))
                .create();
        await().atMost(Duration.ofMinutes(3))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertThat(condition(node().getStatus().getConditions(), "Ready"))
                                    .isEqualTo("True");
                            assertThat(node().getStatus().getOperatorVersion())
                                    .as("v0.1.0 does not record its version")
                                    .isNull();
                        });

        corpus =
                PhiCorpus.write(
                        CLUSTER.hostDirectory(HOSPITAL_NS + "/" + NODE + "/raw")
                                .resolve("imports/2026-12/brain-mr"));
        client().resource(
                        Serialization.unmarshal(
                                """
                                apiVersion: fednode.io/v1alpha1
                                kind: Dataset
                                metadata: {name: %s, namespace: %s}
                                spec:
                                  nodeRef: %s
                                  source: {path: imports/2026-12/brain-mr}
                                """
                                        .formatted(DATASET, HOSPITAL_NS, NODE),
                                Dataset.class))
                .create();
        // The old operator's Job: active, its Pod on the real node waiting for v0.1.0's
        // anonymiser image, which this node does not have yet (and cannot pull: no network).
        await().atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            assertThat(job().getStatus().getActive()).isEqualTo(1);
                            Pod pod = jobPod();
                            assertThat(pod.getSpec().getNodeName())
                                    .isEqualTo(KwokCluster.REAL_NODE);
                            assertThat(pod.getSpec().getContainers().get(0).getImage())
                                    .isEqualTo(PREVIOUS_ANONYMISER_IMAGE);
                            ContainerStateWaiting waiting =
                                    pod.getStatus()
                                            .getContainerStatuses()
                                            .get(0)
                                            .getState()
                                            .getWaiting();
                            assertThat(waiting.getReason())
                                    .isIn("ErrImagePull", "ImagePullBackOff");
                        });
        jobBefore = job();
        startTrainingRun();
        BEFORE.add(node());
        BEFORE.add(dataset());
        BEFORE.add(jobBefore);
        List<PersistentVolumeClaim> claims =
                client().persistentVolumeClaims().inNamespace(HOSPITAL_NS).list().getItems();
        assertThat(claims).as("the node's volumes' claims").hasSize(3);
        BEFORE.addAll(claims);
        for (String secret : List.of(NODE + "-pseudonym-key", "hub-join")) {
            BEFORE.add(client().secrets().inNamespace(HOSPITAL_NS).withName(secret).require());
        }
        stepsPassed = 1;
    }

    @Test
    @Order(2)
    void upgradingToThisReleaseKeepsTheObjectsConvergesAndLeavesTheJobInFlight() {
        assertThat(stepsPassed).as("step 1 passed").isEqualTo(1);
        Path repo = KubernetesBinaries.repoRoot();
        long start = System.nanoTime();
        // docs/upgrade.md, "Upgrading from 0.1.0": the new CRDs first, server-side ...
        Commands.Run crds =
                Commands.run(
                        Duration.ofMinutes(2),
                        List.of(
                                KubernetesBinaries.binary("kubectl").toString(),
                                "--kubeconfig",
                                kubeconfig().toString(),
                                "apply",
                                "--server-side",
                                "--force-conflicts",
                                "-f",
                                repo.resolve("crds").toString()));
        assertThat(crds.exit()).as("kubectl apply of crds/:\n%s", crds.output()).isZero();
        assertThat(federationNodeCrd())
                .contains("operatorVersion", "maintenanceWindow", "components");
        // ... then the chart. --reuse-values renders the new chart with 0.1.0's defaults, which
        // lack 0.2.0's keys: refused before anything changes (no revision recorded).
        var operatorImage = ProjectImages.operator();
        Helm helm = new Helm(CLUSTER);
        Path chart = repo.resolve("charts/fednode-operator");
        String refused =
                helm.upgradeExpectingFailure(
                        "fednode",
                        chart,
                        OPERATOR_NS,
                        Map.of("image.tag", operatorImage.tag()),
                        UpgradeCommand::reuseValues);
        assertThat(refused).contains("missing property 'registry'");
        assertThat(helm.history("fednode", OPERATOR_NS))
                .as("one revision, still 0.1.0")
                .extracting(ReleaseHistory::getChart)
                .containsExactly("fednode-operator-0.1.0");
        assertThat(operatorPod().getSpec().getContainers().get(0).getImage())
                .isEqualTo(PREVIOUS_OPERATOR_IMAGE);
        // --reset-then-reuse-values: 0.2.0's defaults plus what the site set for 0.1.0
        // (watchNamespaces, resources).
        Map<String, String> image = new LinkedHashMap<>();
        image.put("image.registry", operatorImage.registry());
        image.put("image.repository", operatorImage.name());
        image.put("image.tag", operatorImage.tag());
        assertThat(
                        helm.upgrade(
                                        "fednode",
                                        chart,
                                        OPERATOR_NS,
                                        image,
                                        u ->
                                                u.resetThenReuseValues()
                                                        .waitReady()
                                                        .withTimeout(Helm.WAIT_SECONDS))
                                .getChart())
                .isEqualTo("fednode-operator-0.2.0");
        System.out.printf(
                "CRDs and chart upgraded in %d s%n",
                Duration.ofNanos(System.nanoTime() - start).toSeconds());

        // The run in flight: the same Job and Pod, its container not restarted, still running.
        Job runJob = runJob();
        assertThat(runJob.getMetadata().getUid()).isEqualTo(runJobBefore.getMetadata().getUid());
        assertThat(runJob.getSpec().getTemplate()).isEqualTo(runJobBefore.getSpec().getTemplate());
        Pod runPod = runPod();
        assertThat(runPod.getMetadata().getUid()).isEqualTo(runPodBefore.getMetadata().getUid());
        ContainerStatus trainer = runPod.getStatus().getContainerStatuses().get(0);
        assertThat(trainer.getContainerID())
                .isEqualTo(runPodBefore.getStatus().getContainerStatuses().get(0).getContainerID());
        assertThat(trainer.getRestartCount()).isZero();
        assertThat(trainer.getState().getRunning())
                .as("the trainer's container runs through the upgrade: %s", trainer.getState())
                .isNotNull();

        // The Job in flight was not replaced, nor changed: the same object, still waiting.
        Job during = job();
        assertThat(during.getMetadata().getUid()).isEqualTo(jobBefore.getMetadata().getUid());
        assertThat(during.getSpec().getTemplate()).isEqualTo(jobBefore.getSpec().getTemplate());
        assertThat(during.getMetadata().getLabels()).isEqualTo(jobBefore.getMetadata().getLabels());
        assertThat(during.getStatus().getActive()).isEqualTo(1);

        // The operator runs the new image, with the site's 0.1.0 values carried over.
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            Deployment d =
                                    client().apps()
                                            .deployments()
                                            .inNamespace(OPERATOR_NS)
                                            .withName("fednode-operator")
                                            .get();
                            var container =
                                    d.getSpec().getTemplate().getSpec().getContainers().get(0);
                            assertThat(container.getImage()).isEqualTo(operatorImage.reference());
                            assertThat(container.getResources().getRequests().get("cpu"))
                                    .hasToString("50m");
                            assertThat(container.getEnv())
                                    .anySatisfy(
                                            e -> {
                                                assertThat(e.getName())
                                                        .isEqualTo("FEDNODE_WATCH_NAMESPACES");
                                                assertThat(e.getValue()).isEqualTo(HOSPITAL_NS);
                                            });
                            assertThat(client().pods().inNamespace(OPERATOR_NS).list().getItems())
                                    .as("the old operator Pod is gone")
                                    .singleElement()
                                    .satisfies(
                                            p ->
                                                    assertThat(
                                                                    p.getSpec()
                                                                            .getContainers()
                                                                            .get(0)
                                                                            .getImage())
                                                            .isEqualTo(operatorImage.reference()));
                        });

        // The node converges under the new operator, which records its version and rolls the
        // node's objects forward (their version label).
        String version = OperatorIdentity.version();
        assertThat(version).isEqualTo("0.2.0-SNAPSHOT");
        await().atMost(Duration.ofMinutes(3))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            FederationNode n = node();
                            assertThat(n.getStatus().getOperatorVersion()).isEqualTo(version);
                            assertThat(n.getStatus().getObservedGeneration())
                                    .isEqualTo(n.getMetadata().getGeneration());
                            assertThat(condition(n.getStatus().getConditions(), "Ready"))
                                    .isEqualTo("True");
                            assertThat(
                                            client().persistentVolumeClaims()
                                                    .inNamespace(HOSPITAL_NS)
                                                    .list()
                                                    .getItems())
                                    .hasSize(3)
                                    .allSatisfy(
                                            c ->
                                                    assertThat(c.getMetadata().getLabels())
                                                            .containsEntry(
                                                                    "app.kubernetes.io/version",
                                                                    version));
                        });
        assertSameObjects();

        // The node gets v0.1.0's anonymiser image: the old Job finishes on its own spec, and the
        // new operator records the result on the Dataset.
        CLUSTER.loadImages(List.of(previousRelease.resolve("anonymiser.tar")));
        int files = corpus.files().size();
        await().atMost(Duration.ofMinutes(6))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Dataset ds = dataset();
                            assertThat(condition(ds.getStatus().getConditions(), "Ready"))
                                    .isEqualTo("True");
                            assertThat(ds.getStatus().getFiles().getWritten()).isEqualTo(files);
                            assertThat(ds.getStatus().getOperatorVersion()).isEqualTo(version);
                        });
        Job finished = job();
        assertThat(finished.getMetadata().getUid()).isEqualTo(jobBefore.getMetadata().getUid());
        assertThat(finished.getSpec().getTemplate()).isEqualTo(jobBefore.getSpec().getTemplate());
        assertThat(finished.getStatus().getSucceeded()).isEqualTo(1);
        assertThat(
                        client().batch()
                                .v1()
                                .jobs()
                                .inNamespace(HOSPITAL_NS)
                                .withLabel("fednode.io/dataset", DATASET)
                                .list()
                                .getItems())
                .as("no second Job for the Dataset")
                .extracting(j -> j.getMetadata().getName())
                .containsExactly(JOB);
        Path output = CLUSTER.hostDirectory(HOSPITAL_NS + "/" + NODE + "/anonymised");
        assertThat(corpus.assertAnonymised(output.resolve(DATASET))).hasSize(files);

        // The aggregator goes away: the run ends on the spec 0.1.0 gave it (its trainer fails,
        // having trained no round), and the new operator records the end on the same Job.
        flower.close();
        await().atMost(Duration.ofMinutes(5))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            TrainingRun run = trainingRun();
                            assertThat(run.getStatus().getOperatorVersion()).isEqualTo(version);
                            assertThat(condition(run.getStatus().getConditions(), "Failed"))
                                    .isEqualTo("True");
                            assertThat(condition(run.getStatus().getConditions(), "Stalled"))
                                    .isEqualTo("True");
                        });
        Job ended = runJob();
        assertThat(ended.getMetadata().getUid()).isEqualTo(runJobBefore.getMetadata().getUid());
        assertThat(ended.getSpec().getTemplate()).isEqualTo(runJobBefore.getSpec().getTemplate());
        assertThat(ended.getStatus().getActive()).isNull();
        assertSameObjects();
        stepsPassed = 2;
    }

    @AfterAll
    static void stopTheAggregator() {
        if (flower != null) {
            flower.close();
        }
    }

    @Test
    @Order(3)
    void deletingTheClusterLeavesNothingBehind() {
        stopTheAggregator();
        CLUSTER.close();
        assertThat(CLUSTER.leftoversAfterClose())
                .as("processes, mounts, interfaces, routes, iptables/ipset rules, cgroups")
                .isEmpty();
    }

    /**
     * A TrainingRun whose trainer container really runs during the upgrade: the sample Flower
     * trainer connects to a Flower server on this machine that waits for two clients before its
     * first round, so the one trainer stays connected and idle until the test stops the server.
     */
    private static void startTrainingRun() {
        flower =
                FlowerServer.start(
                        CLUSTER.workDir().resolve("flower-upgrade"), CLUSTER.hostAddress(), 1, 2);
        TrainingRun run =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: TrainingRun
                        metadata: {name: %s, namespace: %s}
                        spec:
                          nodeRef: %s
                          image: %s
                          gpus: 0
                          maxRuntime: 10m
                          aggregator: {endpoint: "%s"}
                        """
                                .formatted(
                                        RUN,
                                        HOSPITAL_NS,
                                        NODE,
                                        ProjectImages.trainer().reference(),
                                        flower.endpoint()),
                        TrainingRun.class);
        run.getSpec().setEnv(List.of(new TrainingEnvVar("FLOWER_ROOT_CA_PEM", flower.caPem())));
        client().resource(run).create();
        await().atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Pod pod = runPod();
                            assertThat(pod.getSpec().getNodeName())
                                    .isEqualTo(KwokCluster.REAL_NODE);
                            assertThat(
                                            pod.getStatus()
                                                    .getContainerStatuses()
                                                    .get(0)
                                                    .getState()
                                                    .getRunning())
                                    .isNotNull();
                            assertThat(flower.connectionPeers())
                                    .as("the trainer connected to the aggregator")
                                    .contains(pod.getStatus().getPodIP());
                        });
        runJobBefore = runJob();
        runPodBefore = runPod();
        BEFORE.add(trainingRun());
        BEFORE.add(runJobBefore);
        BEFORE.add(runPodBefore);
    }

    private static TrainingRun trainingRun() {
        return client().resources(TrainingRun.class).inNamespace(HOSPITAL_NS).withName(RUN).get();
    }

    private static Job runJob() {
        List<Job> jobs =
                client().batch()
                        .v1()
                        .jobs()
                        .inNamespace(HOSPITAL_NS)
                        .withLabel("fednode.io/training-run", RUN)
                        .list()
                        .getItems();
        assertThat(jobs).as("the run's Jobs").hasSize(1);
        return jobs.get(0);
    }

    private static Pod runPod() {
        List<Pod> pods =
                client().pods()
                        .inNamespace(HOSPITAL_NS)
                        .withLabels(Map.of("job-name", runJob().getMetadata().getName()))
                        .list()
                        .getItems();
        assertThat(pods).as("the run's Pods").hasSize(1);
        return pods.get(0);
    }

    private static void assertSameObjects() {
        assertThat(BEFORE)
                .as("the node, Dataset, Job, claims and Secrets from before the upgrade")
                .allSatisfy(
                        o -> {
                            HasMetadata now = client().resource(o).get();
                            assertThat(now)
                                    .as("%s %s", o.getKind(), o.getMetadata().getName())
                                    .isNotNull();
                            assertThat(now.getMetadata().getUid())
                                    .as("uid of %s %s", o.getKind(), o.getMetadata().getName())
                                    .isEqualTo(o.getMetadata().getUid());
                            assertThat(now.getMetadata().getDeletionTimestamp()).isNull();
                        });
    }

    /** The FederationNode CRD as the API server serves it, as text. */
    private static String federationNodeCrd() {
        return client().apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("federationnodes.fednode.io")
                .get()
                .toString();
    }

    private static Pod operatorPod() {
        return client().pods().inNamespace(OPERATOR_NS).list().getItems().get(0);
    }

    private static FederationNode node() {
        return client().resources(FederationNode.class)
                .inNamespace(HOSPITAL_NS)
                .withName(NODE)
                .get();
    }

    private static Dataset dataset() {
        return client().resources(Dataset.class).inNamespace(HOSPITAL_NS).withName(DATASET).get();
    }

    private static Job job() {
        return client().batch().v1().jobs().inNamespace(HOSPITAL_NS).withName(JOB).require();
    }

    private static Pod jobPod() {
        List<Pod> pods =
                client().pods()
                        .inNamespace(HOSPITAL_NS)
                        .withLabels(Map.of("job-name", JOB))
                        .list()
                        .getItems();
        assertThat(pods).hasSize(1);
        return pods.get(0);
    }

    private static String condition(List<Condition> conditions, String type) {
        return conditions.stream()
                .filter(c -> type.equals(c.getType()))
                .map(Condition::getStatus)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    private static Path kubeconfig() {
        try {
            Path file = CLUSTER.workDir().resolve("upgrade.kubeconfig");
            Files.writeString(file, CLUSTER.kubeConfigYaml());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private static KubernetesClient client() {
        return CLUSTER.client();
    }
}
