package io.fednode.e2e.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.e2e.realnode.NodeReconcilerStandIn;
import io.fednode.e2e.realnode.PhiCorpus;
import io.fednode.e2e.realnode.RealNodeVolumes;
import io.fednode.operator.dataset.AnonymisationJob;
import io.fednode.operator.dataset.DatasetReconciler;
import io.fednode.testing.Conflicts;
import io.fednode.testing.KwokCluster;
import io.fednode.testing.Manifests;
import io.fednode.testing.ProjectImages;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The data steward's flow on the real node of the local cluster (real scheduler, Job controller, PV
 * binder and garbage collector; a real kubelet, containerd and runc): synthetic DICOM files with
 * planted identifying values in a real volume + a Dataset → an anonymiser Job from fednode's
 * anonymiser image with the promised mounts, security and isolation → the anonymiser really runs in
 * a Pod, the kubelet delivers its report → the Dataset is Ready with the counts, and the files on
 * disk, read with pydicom and dcmdump, hold none of the planted values. A spec change is a new
 * revision; deleting the Dataset removes its Job; a real failure (an output folder the anonymiser
 * cannot write) is retried by the Job controller, then the Dataset is Failed with the reason.
 *
 * <p>Only the Dataset controller runs, and the test stands in for the node reconciler (it writes
 * the node's Ready status through the status subresource and creates the node's claims,
 * ServiceAccount and key Secret under the node reconciler's names), so this test does not depend on
 * the node's hub link. The in-cluster operator's own flow is {@code InClusterInstallE2EIT}.
 */
class DatasetAnonymisationE2EIT {
    static final String NS = "hospital-e2e";
    static final String NODE = "hospital-a";

    @RegisterExtension static final KwokCluster CLUSTER = KwokCluster.sharedWithRealNode();

    private static Operator operator;
    private static RealNodeVolumes volumes;

    @BeforeAll
    static void setUp() throws Exception {
        KubernetesClient k = client();
        for (String crd : List.of("datasets.fednode.io", "federationnodes.fednode.io")) {
            Manifests.apply(k, Path.of("../crds/" + crd + "-v1.yml"));
        }
        k.resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(NS)
                                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                                .endMetadata()
                                .build())
                .create();
        nodeStorage(k);
        operator =
                new Operator(
                        o ->
                                o.withKubernetesClient(k)
                                        .checkingCRDAndValidateLocalModel(false)
                                        .withCloseClientOnStop(false));
        // Other test classes share the cluster: only this test's namespace.
        operator.register(
                new DatasetReconciler(ProjectImages.anonymiser().reference()),
                o -> o.settingNamespace(NS));
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
                            raw: {size: 1Gi, storageClassName: %s}
                            anonymised: {size: 1Gi, storageClassName: %s}
                            scratch: {size: 1Gi, storageClassName: %s}
                          anonymisation: {parallelism: 1, options: [retain-patient-characteristics]}
                        """
                                .formatted(
                                        NODE,
                                        NS,
                                        NODE,
                                        RealNodeVolumes.STORAGE_CLASS,
                                        RealNodeVolumes.STORAGE_CLASS,
                                        RealNodeVolumes.STORAGE_CLASS),
                        FederationNode.class);
        NodeReconcilerStandIn.createReady(k, node);
    }

    /** Static volumes on the real node, and what the node reconciler would create. */
    private static void nodeStorage(KubernetesClient k) {
        volumes = RealNodeVolumes.create(CLUSTER, NS, NODE);
        NodeReconcilerStandIn.claimsServiceAccountAndKey(k, NS, NODE);
    }

    @AfterAll
    static void tearDown() {
        if (operator != null) {
            operator.stop();
        }
    }

    @Test
    void datasetIsAnonymisedByAnIsolatedJobThenRevisedThenRemoved() {
        PhiCorpus first = PhiCorpus.write(volumes.folder("raw").resolve("imports/2026-11/lung-ct"));
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
        assertThat(c.getArgs()).containsSubsequence("--option", "retain-patient-characteristics");
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

        // The anonymiser really ran on the real node; the kubelet delivered its report.
        int files = first.files().size();
        await().atMost(Duration.ofMinutes(3))
                .untilAsserted(
                        () -> {
                            Dataset now = dataset();
                            Condition ready = find(now, "Ready");
                            assertThat(ready.getStatus()).isEqualTo("True");
                            assertThat(ready.getReason()).isEqualTo("Anonymised");
                            assertThat(ready.getMessage())
                                    .isEqualTo(
                                            "revision 1: %d of %d files anonymised, 0 quarantined"
                                                    .formatted(files, files));
                            assertThat(now.getStatus().getCompletionTime()).isNotBlank();
                        });
        Pod ran =
                client().pods()
                        .inNamespace(NS)
                        .withLabel("job-name", "lung-ct-r1")
                        .list()
                        .getItems()
                        .get(0);
        assertThat(ran.getSpec().getNodeName()).isEqualTo(KwokCluster.REAL_NODE);
        Path output = volumes.folder("anonymised").resolve("lung-ct/r1");
        List<Path> written = first.assertAnonymised(output);
        assertThat(written).as("one output per input file").hasSize(files);
        var counts = dataset().getStatus();
        assertThat(counts.getFiles().getSeen()).isEqualTo(files);
        assertThat(counts.getFiles().getWritten()).isEqualTo(files);
        assertThat(counts.getBytes().getRead()).isEqualTo(first.bytes());
        assertThat(counts.getBytes().getWritten())
                .isEqualTo(written.stream().mapToLong(DatasetAnonymisationE2EIT::size).sum());

        // A second export of the same patients is a new revision.
        PhiCorpus.write(volumes.folder("raw").resolve("imports/2026-12/lung-ct"));

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
                                                    .withLabel("fednode.io/dataset", "lung-ct")
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
    void filesTheAnonymiserCannotHandleAreQuarantinedWithTheirReasons() throws IOException {
        Path source = volumes.folder("raw").resolve("imports/2026-11/chest-ct");
        PhiCorpus corpus = PhiCorpus.write(source);
        // Two exports that are not DICOM, and one DICOM file cut short after 200 bytes: right
        // after the header of Media Storage SOP Instance UID (preamble, DICM and three meta
        // elements come first), so that element's declared length runs past the end of the file.
        Files.writeString(source.resolve("README.txt"), "exported by the PACS, Smithereens\n");
        Files.write(source.resolve("thumbnail.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2});
        byte[] whole = Files.readAllBytes(corpus.files().get(0));
        Files.write(source.resolve("cut-short.dcm"), Arrays.copyOf(whole, 200));
        long bytesIn = PhiCorpus.regularFiles(source).stream().mapToLong(f -> size(f)).sum();
        int dicom = corpus.files().size();
        String name = "chest-ct";
        createDataset(name, "imports/2026-11/chest-ct");

        await().atMost(Duration.ofMinutes(3))
                .untilAsserted(
                        () -> {
                            Dataset now = dataset(name);
                            Condition ready = find(now, "Ready");
                            assertThat(ready.getStatus()).isEqualTo("True");
                            assertThat(ready.getReason()).isEqualTo("Anonymised");
                            assertThat(ready.getMessage())
                                    .isEqualTo(
                                            "revision 1: %d of %d files anonymised, 3 quarantined"
                                                    .formatted(dicom, dicom + 3));
                        });
        var status = dataset(name).getStatus();
        assertThat(status.getFiles().getSeen()).isEqualTo(dicom + 3);
        assertThat(status.getFiles().getWritten()).isEqualTo(dicom);
        assertThat(status.getFiles().getQuarantined()).isEqualTo(3);
        assertThat(status.getBytes().getRead()).isEqualTo(bytesIn);
        assertThat(status.getQuarantineReasons())
                .containsExactlyInAnyOrderEntriesOf(Map.of("not-dicom", 2L, "length-past-end", 1L));
        assertThat(status.getFailedAttempts()).isZero();
        assertThat(find(dataset(name), "Failed").getStatus()).isEqualTo("False");
        List<Path> written = corpus.assertAnonymised(volumes.folder("anonymised").resolve(name));
        assertThat(written).hasSize(dicom);
        assertThat(status.getBytes().getWritten())
                .isEqualTo(written.stream().mapToLong(DatasetAnonymisationE2EIT::size).sum());
    }

    @Test
    void failingAnonymiserIsRetriedThenTheDatasetFailsWithTheReason() throws IOException {
        String name = "broken-export";
        PhiCorpus.write(volumes.folder("raw").resolve("imports/2026-11/" + name));
        // An output folder the anonymiser (uid 65532) cannot write into: every attempt fails.
        Path output = volumes.folder("anonymised").resolve(name + "/r1");
        Files.createDirectories(output);
        Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("r-xr-xr-x"));
        createDataset(name, "imports/2026-11/" + name);
        String jobName = name + "-r1";
        int attempts = AnonymisationJob.BACKOFF_LIMIT + 1;

        // Between attempts the Job controller backs off (10 s, then 20 s): the Dataset says so.
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            Dataset now = dataset(name);
                            Condition reconciling = find(now, "Reconciling");
                            assertThat(reconciling.getStatus()).isEqualTo("True");
                            assertThat(reconciling.getReason()).isEqualTo("RetryingAfterFailure");
                            assertThat(now.getStatus().getFailedAttempts()).isPositive();
                            assertThat(find(now, "Failed").getStatus()).isEqualTo("False");
                        });

        await().atMost(Duration.ofMinutes(3))
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
                                    .contains("fednode-anonymiser: fatal: ")
                                    // The anonymiser names the option, never a path (issue 14).
                                    .contains("--output")
                                    .doesNotContain("JAVA_TOOL_OPTIONS");
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
        assertThat(PhiCorpus.regularFiles(output)).as("nothing written").isEmpty();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
