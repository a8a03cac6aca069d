package io.fednode.e2e.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.operator.dataset.AnonymisationJob;
import io.fednode.operator.dataset.DatasetReconciler;
import io.fednode.testing.Conflicts;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Manifests;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The data steward's flow on a kwokctl cluster (real scheduler, Job controller, PV binder and
 * garbage collector; simulated kubelets): node + Dataset → an anonymiser Job with the promised
 * mounts, security and isolation → the Job completes → the Dataset is Ready; a spec change is a new
 * revision; deleting the Dataset removes its Job. The anonymiser's report in the termination
 * message becomes the Dataset's counts; a failing anonymiser is retried by the Job controller, then
 * the Dataset is Failed with the reason.
 *
 * <p>Honest limits: only the Dataset controller runs, and the test stands in for the node
 * reconciler (it writes the node's Ready status through the status subresource and creates the
 * node's claims, ServiceAccount and key Secret under the node reconciler's names), so this test
 * does not depend on the node's hub link. kwok runs no containers: for the Datasets {@value
 * KwokCluster#REPORTED_DATASET} and {@value KwokCluster#FAILING_DATASET} the kwok Stages in {@code
 * tools/kwok-stages.yaml} play the kubelet, delivering a fixed report of the real anonymiser's
 * shape, or exit code 1 and a log tail; other Datasets' Pods complete with no message (reason
 * {@code AnonymisedWithoutReport}). That the real anonymiser writes that report with the Job's
 * command line is proven by AnonymiserContractIT.
 */
class DatasetAnonymisationE2EIT {
    static final String NS = "hospital-e2e";
    static final String NODE = "hospital-a";

    @RegisterExtension static final KwokCluster CLUSTER = new KwokCluster();

    private static Operator operator;

    @BeforeAll
    static void setUp() throws Exception {
        KubernetesClient k = client();
        for (String crd : List.of("datasets.fednode.io", "federationnodes.fednode.io")) {
            Manifests.apply(k, Path.of("../crds/" + crd + "-v1.yml"));
        }
        k.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        nodeStorage(k);
        operator =
                new Operator(
                        o ->
                                o.withKubernetesClient(k)
                                        .checkingCRDAndValidateLocalModel(false)
                                        .withCloseClientOnStop(false));
        operator.register(new DatasetReconciler("registry.test/fednode-anonymiser:e2e"));
        operator.start();

        FederationNode node =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: FederationNode
                        metadata: {name: %s, namespace: %s}
                        spec:
                          nodeId: %s
                          role: data
                          hub:
                            endpoint: https://hub.example.org:8443
                            caBundleSecretRef: {name: hub-ca, key: ca.crt}
                            joinTokenSecretRef: {name: hub-join, key: token}
                          storage:
                            raw: {size: 1Gi, storageClassName: local-static}
                            anonymised: {size: 1Gi, storageClassName: local-static}
                            scratch: {size: 1Gi, storageClassName: local-static}
                          anonymisation: {parallelism: 2, options: [clean-descriptors]}
                        """
                                .formatted(NODE, NS, NODE),
                        FederationNode.class);
        node = k.resource(node).create();
        FederationNodeStatus status = new FederationNodeStatus();
        status.setObservedGeneration(node.getMetadata().getGeneration());
        Condition ready =
                new ConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withReason("NodeReady")
                        .withMessage("written by the e2e test in place of the node reconciler")
                        .withLastTransitionTime(
                                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                        .build();
        status.setConditions(List.of(ready));
        node.setStatus(status);
        k.resource(node).updateStatus();
    }

    /** Static volumes (kwok has no provisioner) and what the node reconciler would create. */
    private static void nodeStorage(KubernetesClient k) {
        k.resource(
                        new StorageClassBuilder()
                                .withNewMetadata()
                                .withName("local-static")
                                .endMetadata()
                                .withProvisioner("kubernetes.io/no-provisioner")
                                .withVolumeBindingMode("Immediate")
                                .build())
                .create();
        for (String volume : List.of("raw", "anonymised", "scratch")) {
            k.resource(
                            new PersistentVolumeBuilder()
                                    .withNewMetadata()
                                    .withName("pv-" + volume)
                                    .endMetadata()
                                    .withNewSpec()
                                    .withCapacity(Map.of("storage", new Quantity("1Gi")))
                                    .withAccessModes("ReadWriteOnce")
                                    .withStorageClassName("local-static")
                                    .withNewHostPath()
                                    .withPath("/var/lib/fednode-e2e/" + volume)
                                    .endHostPath()
                                    .withNewClaimRef()
                                    .withNamespace(NS)
                                    .withName(NODE + "-" + volume)
                                    .endClaimRef()
                                    .endSpec()
                                    .build())
                    .create();
            k.resource(
                            new PersistentVolumeClaimBuilder()
                                    .withNewMetadata()
                                    .withName(NODE + "-" + volume)
                                    .withNamespace(NS)
                                    .endMetadata()
                                    .withNewSpec()
                                    .withStorageClassName("local-static")
                                    .withAccessModes("ReadWriteOnce")
                                    .withNewResources()
                                    .addToRequests("storage", new Quantity("1Gi"))
                                    .endResources()
                                    .endSpec()
                                    .build())
                    .create();
        }
        k.resource(
                        new ServiceAccountBuilder()
                                .withNewMetadata()
                                .withName(NODE + "-anonymiser")
                                .withNamespace(NS)
                                .endMetadata()
                                .withAutomountServiceAccountToken(false)
                                .build())
                .create();
        k.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName(NODE + "-pseudonym-key")
                                .withNamespace(NS)
                                .endMetadata()
                                .withData(
                                        Map.of(
                                                "key",
                                                Base64.getEncoder().encodeToString(new byte[32])))
                                .build())
                .create();
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () ->
                                assertThat(
                                                k.persistentVolumeClaims()
                                                        .inNamespace(NS)
                                                        .list()
                                                        .getItems())
                                        .hasSize(3)
                                        .allSatisfy(
                                                c ->
                                                        assertThat(c.getStatus().getPhase())
                                                                .isEqualTo("Bound")));
    }

    @AfterAll
    static void tearDown() {
        if (operator != null) {
            operator.stop();
        }
    }

    @Test
    void datasetIsAnonymisedByAnIsolatedJobThenRevisedThenRemoved() {
        Dataset ds =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: Dataset
                        metadata: {name: lung-ct, namespace: %s}
                        spec:
                          nodeRef: %s
                          source: {path: imports/2026-11/lung-ct}
                          description: Lung CT, 2026 cohort
                        """
                                .formatted(NS, NODE),
                        Dataset.class);
        client().resource(ds).create();

        Job job = awaitJob("lung-ct-r1");
        var pod = job.getSpec().getTemplate().getSpec();
        var c = pod.getContainers().get(0);
        assertThat(c.getVolumeMounts())
                .extracting(
                        m ->
                                m.getMountPath()
                                        + " "
                                        + m.getSubPath()
                                        + " ro="
                                        + Boolean.TRUE.equals(m.getReadOnly()))
                .containsExactlyInAnyOrder(
                        "/data/raw imports/2026-11/lung-ct ro=true",
                        "/data/output lung-ct/r1 ro=false",
                        "/data/quarantine quarantine/lung-ct/r1 ro=false",
                        "/var/run/fednode/pseudonym-key null ro=true",
                        "/tmp null ro=false");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getArgs()).containsSubsequence("--option", "clean-descriptors");
        NetworkPolicy isolation =
                client().network()
                        .networkPolicies()
                        .inNamespace(NS)
                        .withName("lung-ct-anonymiser-isolation")
                        .get();
        assertThat(isolation.getSpec().getPolicyTypes()).contains("Egress");
        assertThat(isolation.getSpec().getEgress()).isNullOrEmpty();
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels().entrySet())
                .containsAll(isolation.getSpec().getPodSelector().getMatchLabels().entrySet());

        // The real Job controller sees kwok's simulated Pod complete.
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            Dataset now = dataset();
                            Condition ready = find(now, "Ready");
                            assertThat(ready.getStatus()).isEqualTo("True");
                            assertThat(ready.getReason()).isEqualTo("AnonymisedWithoutReport");
                            assertThat(now.getStatus().getCompletionTime()).isNotBlank();
                        });

        // The operator writes status meanwhile: a 409 Conflict is retried on the latest version.
        Conflicts.edit(
                client().resources(Dataset.class).inNamespace(NS).withName("lung-ct"),
                d -> {
                    d.getSpec().getSource().setPath("imports/2026-12/lung-ct");
                    return d;
                });
        Job second = awaitJob("lung-ct-r2");
        assertThat(
                        second.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getSubPath()).isEqualTo("imports/2026-12/lung-ct"));
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            Dataset now = dataset();
                            assertThat(now.getStatus().getRevision()).isEqualTo(2);
                            assertThat(find(now, "Ready").getStatus()).isEqualTo("True");
                        });
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () ->
                                assertThat(
                                                client().batch()
                                                        .v1()
                                                        .jobs()
                                                        .inNamespace(NS)
                                                        .withName("lung-ct-r1")
                                                        .get())
                                        .as(
                                                "the finished Job of the superseded revision is removed")
                                        .isNull());

        client().resource(dataset()).delete();
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () -> {
                            assertThat(
                                            client().batch()
                                                    .v1()
                                                    .jobs()
                                                    .inNamespace(NS)
                                                    .list()
                                                    .getItems())
                                    .as("the garbage collector removes the Dataset's Jobs")
                                    .isEmpty();
                            assertThat(
                                            client().network()
                                                    .networkPolicies()
                                                    .inNamespace(NS)
                                                    .withName("lung-ct-anonymiser-isolation")
                                                    .get())
                                    .isNull();
                        });
    }

    @Test
    void anonymisersReportBecomesTheDatasetsCounts() {
        createDataset(KwokCluster.REPORTED_DATASET, "imports/2026-11/chest-ct");

        // The report kwok delivers for this Dataset (tools/kwok-stages.yaml), as the operator
        // reads it from the anonymiser container's termination message.
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            Dataset now = dataset(KwokCluster.REPORTED_DATASET);
                            Condition ready = find(now, "Ready");
                            assertThat(ready.getStatus()).isEqualTo("True");
                            assertThat(ready.getReason()).isEqualTo("Anonymised");
                            assertThat(ready.getMessage())
                                    .isEqualTo(
                                            "revision 1: 236 of 240 files anonymised, 4"
                                                    + " quarantined");
                        });
        var status = dataset(KwokCluster.REPORTED_DATASET).getStatus();
        assertThat(status.getFiles().getSeen()).isEqualTo(240);
        assertThat(status.getFiles().getWritten()).isEqualTo(236);
        assertThat(status.getFiles().getQuarantined()).isEqualTo(4);
        assertThat(status.getBytes().getRead()).isEqualTo(125_829_120L);
        assertThat(status.getBytes().getWritten()).isEqualTo(123_207_680L);
        assertThat(status.getQuarantineReasons())
                .containsExactlyInAnyOrderEntriesOf(Map.of("not-dicom", 3L, "truncated", 1L));
        assertThat(status.getFailedAttempts()).isZero();
        assertThat(status.getCompletionTime()).isNotBlank();
        assertThat(find(dataset(KwokCluster.REPORTED_DATASET), "Failed").getStatus())
                .isEqualTo("False");
    }

    @Test
    void failingAnonymiserIsRetriedThenTheDatasetFailsWithTheReason() {
        String name = KwokCluster.FAILING_DATASET;
        createDataset(name, "imports/2026-11/broken-export");
        String jobName = name + "-r1";
        int attempts = AnonymisationJob.BACKOFF_LIMIT + 1;

        // Between attempts the Job controller backs off (10 s, then 20 s): the Dataset says so.
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () -> {
                            Dataset now = dataset(name);
                            Condition reconciling = find(now, "Reconciling");
                            assertThat(reconciling.getStatus()).isEqualTo("True");
                            assertThat(reconciling.getReason()).isEqualTo("RetryingAfterFailure");
                            assertThat(now.getStatus().getFailedAttempts()).isPositive();
                            assertThat(find(now, "Failed").getStatus()).isEqualTo("False");
                        });

        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            Dataset now = dataset(name);
                            Condition failed = find(now, "Failed");
                            assertThat(failed.getStatus()).isEqualTo("True");
                            assertThat(failed.getReason()).isEqualTo("BackoffLimitExceeded");
                            assertThat(failed.getMessage())
                                    .startsWith(
                                            "Job "
                                                    + jobName
                                                    + " failed after "
                                                    + attempts
                                                    + " attempts")
                                    .contains("; last exit code 1: ")
                                    .endsWith(
                                            "/data/output/series-0007/im-0142.dcm: No space left"
                                                    + " on device");
                            assertThat(find(now, "Ready").getStatus()).isEqualTo("False");
                            assertThat(find(now, "Ready").getReason())
                                    .isEqualTo("AnonymisationFailed");
                            assertThat(find(now, "Stalled").getStatus()).isEqualTo("True");
                            assertThat(now.getStatus().getFailedAttempts()).isEqualTo(attempts);
                        });

        Job job = client().batch().v1().jobs().inNamespace(NS).withName(jobName).get();
        assertThat(job.getStatus().getFailed()).isEqualTo(attempts);
        assertThat(job.getStatus().getSucceeded()).isIn(null, 0);
        List<Pod> pods =
                client().pods().inNamespace(NS).withLabel("job-name", jobName).list().getItems();
        assertThat(pods)
                .as("one Pod per attempt, each failed with the anonymiser's exit code")
                .hasSize(attempts)
                .allSatisfy(
                        p -> {
                            assertThat(p.getStatus().getPhase()).isEqualTo("Failed");
                            assertThat(
                                            p.getStatus()
                                                    .getContainerStatuses()
                                                    .get(0)
                                                    .getState()
                                                    .getTerminated()
                                                    .getExitCode())
                                    .isEqualTo(1);
                        });
    }

    private static void createDataset(String name, String path) {
        Dataset ds =
                Serialization.unmarshal(
                        """
                        apiVersion: fednode.io/v1alpha1
                        kind: Dataset
                        metadata: {name: %s, namespace: %s}
                        spec:
                          nodeRef: %s
                          source: {path: %s}
                        """
                                .formatted(name, NS, NODE, path),
                        Dataset.class);
        client().resource(ds).create();
    }

    private static Job awaitJob(String name) {
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () ->
                                assertThat(
                                                client().batch()
                                                        .v1()
                                                        .jobs()
                                                        .inNamespace(NS)
                                                        .withName(name)
                                                        .get())
                                        .isNotNull());
        return client().batch().v1().jobs().inNamespace(NS).withName(name).get();
    }

    private static Dataset dataset() {
        return dataset("lung-ct");
    }

    private static Dataset dataset(String name) {
        return client().resources(Dataset.class).inNamespace(NS).withName(name).get();
    }

    private static Condition find(Dataset ds, String type) {
        assertThat(ds.getStatus()).isNotNull();
        return ds.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    private static KubernetesClient client() {
        return CLUSTER.client();
    }
}
