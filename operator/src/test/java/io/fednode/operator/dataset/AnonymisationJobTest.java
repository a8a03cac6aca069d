package io.fednode.operator.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fednode.api.v1alpha1.AnonymisationOption;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnonymisationJobTest {
    private final FederationNode node = Fixtures.node("hospital", "hospital-a", NodeRole.HYBRID);
    private final Dataset dataset =
            Fixtures.dataset("hospital", "lung-ct", "hospital-a", "imports/2026-11/lung-ct/");

    private Job job(int revision) {
        return AnonymisationJob.desired(dataset, node, revision, "registry.test/anonymiser:1");
    }

    private static Container container(Job job) {
        assertThat(job.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
        return job.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static VolumeMount mount(Job job, String path) {
        return container(job).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no mount at " + path));
    }

    private static Volume volume(Job job, String name) {
        return job.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    @Test
    void isNamedByRevisionAndOwnedByTheDataset() {
        Job job = job(3);
        assertThat(job.getMetadata().getName()).isEqualTo("lung-ct-r3");
        assertThat(job.getMetadata().getNamespace()).isEqualTo("hospital");
        assertThat(job.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        o -> {
                            assertThat(o.getKind()).isEqualTo("Dataset");
                            assertThat(o.getName()).isEqualTo("lung-ct");
                            assertThat(o.getUid()).isEqualTo("uid-lung-ct");
                            assertThat(o.getController()).isTrue();
                        });
        assertThat(job.getMetadata().getLabels())
                .containsEntry(DatasetLabels.DATASET, "lung-ct")
                .containsEntry(DatasetLabels.REVISION, "3");
        // The first 16 hex digits of the SHA-256 of the revision's canonical inputs, computed
        // outside the code under test:
        //   printf 'source.path=imports/2026-11/lung-ct\noptions=retain-patient-characteristics' \
        //     | sha256sum | cut -c1-16
        // (the fixture's path without its trailing '/', the node's default option).
        assertThat(job.getMetadata().getAnnotations())
                .containsEntry(DatasetLabels.REVISION_DIGEST, "9f68c658fc89adfa");
    }

    @Test
    void jobHasADeadlineTheDatasetMaySet() {
        assertThat(job(1).getSpec().getActiveDeadlineSeconds())
                .as("24 hours when the Dataset sets none")
                .isEqualTo(86_400L);
        dataset.getSpec().setActiveDeadlineSeconds(3_600L);
        assertThat(job(1).getSpec().getActiveDeadlineSeconds()).isEqualTo(3_600L);
        assertThat(DatasetRevision.of(dataset, node).digest())
                .as("the deadline is not an input of the revision")
                .isEqualTo("9f68c658fc89adfa");
    }

    @Test
    void jvmRunsWithTheAnonymisersMeasuredBestFlagsAndBoundedHeap() {
        String options =
                container(job(1)).getEnv().stream()
                        .filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
                        .findFirst()
                        .orElseThrow()
                        .getValue();
        assertThat(options.split(" "))
                .contains(
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-XX:MaxRAMPercentage=75",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-XX:SharedArchiveFile=" + AnonymisationJob.CDS_ARCHIVE);
        assertThat(AnonymisationJob.CDS_ARCHIVE)
                .as("the archive sits next to the jar it was dumped for")
                .isEqualTo("/opt/fednode/fednode-anonymiser.jsa");
    }

    @Test
    void rawVolumeIsReadOnlyAndOnlyTheSourceFolderIsMounted() {
        Job job = job(1);
        VolumeMount raw = mount(job, AnonymisationJob.RAW_MOUNT);
        assertThat(raw.getReadOnly()).isTrue();
        assertThat(raw.getSubPath()).isEqualTo("imports/2026-11/lung-ct");
        Volume v = volume(job, raw.getName());
        assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("hospital-a-raw");
        assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
    }

    @Test
    void outputGoesToTheRevisionsOwnFolderOfTheAnonymisedVolume() {
        Job job = job(2);
        VolumeMount out = mount(job, AnonymisationJob.OUTPUT_MOUNT);
        assertThat(out.getReadOnly()).isFalse();
        assertThat(out.getSubPath()).isEqualTo("lung-ct/r2");
        assertThat(volume(job, out.getName()).getPersistentVolumeClaim().getClaimName())
                .isEqualTo("hospital-a-anonymised");
    }

    @Test
    void quarantineGoesToScratchNeverToTheAnonymisedVolume() {
        Job job = job(2);
        VolumeMount q = mount(job, AnonymisationJob.QUARANTINE_MOUNT);
        assertThat(q.getSubPath()).isEqualTo("quarantine/lung-ct/r2");
        assertThat(volume(job, q.getName()).getPersistentVolumeClaim().getClaimName())
                .isEqualTo("hospital-a-scratch");
    }

    @Test
    void keyIsAReadOnlySecretFile() {
        Job job = job(1);
        VolumeMount key = mount(job, AnonymisationJob.KEY_MOUNT);
        assertThat(key.getReadOnly()).isTrue();
        Volume v = volume(job, key.getName());
        assertThat(v.getSecret().getSecretName()).isEqualTo("hospital-a-pseudonym-key");
        assertThat(v.getSecret().getItems())
                .extracting(i -> tuple(i.getKey(), i.getPath()))
                .containsExactly(tuple("key", "key"));
        assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(container(job).getArgs())
                .containsSubsequence("--key-file", AnonymisationJob.KEY_MOUNT + "/key");
    }

    @Test
    void onlyTheOutputQuarantineAndTmpAreWritable() {
        assertThat(container(job(1)).getVolumeMounts())
                .filteredOn(m -> !Boolean.TRUE.equals(m.getReadOnly()))
                .extracting(VolumeMount::getMountPath)
                .containsExactlyInAnyOrder(
                        AnonymisationJob.OUTPUT_MOUNT,
                        AnonymisationJob.QUARANTINE_MOUNT,
                        AnonymisationJob.TMP_MOUNT);
    }

    @Test
    void podIsRestrictedAndHasNoServiceAccountToken() {
        PodSpec pod = job(1).getSpec().getTemplate().getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo("hospital-a-anonymiser");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        var sc = container(job(1)).getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getPrivileged()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
    }

    @Test
    void podsCarryTheLabelsTheIsolationPoliciesSelect() {
        Map<String, String> labels = job(1).getSpec().getTemplate().getMetadata().getLabels();
        assertThat(labels)
                .containsEntry("fednode.io/workload", "anonymiser")
                .containsEntry("fednode.io/node", "hospital-a")
                .containsEntry(DatasetLabels.DATASET, "lung-ct");
        var selector = DatasetIsolationPolicy.desired(dataset).getSpec().getPodSelector();
        assertThat(labels.entrySet()).containsAll(selector.getMatchLabels().entrySet());
    }

    @Test
    void reportGoesToTheTerminationMessage() {
        Container c = container(job(1));
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
        assertThat(c.getArgs()).containsSubsequence("--report", c.getTerminationMessagePath());
    }

    @Test
    void commandLineFollowsTheAnonymiserContract() {
        Container c = container(job(1));
        assertThat(c.getCommand()).containsExactly("java", "-jar", AnonymisationJob.ANONYMISER_JAR);
        assertThat(c.getArgs())
                .containsExactly(
                        "--input", "/data/raw",
                        "--output", "/data/output",
                        "--quarantine", "/data/quarantine",
                        "--key-file", "/var/run/fednode/pseudonym-key/key",
                        "--threads", "3",
                        "--report", "/dev/termination-log",
                        "--option", "retain-patient-characteristics");
    }

    @Test
    void datasetOptionsReplaceTheNodeDefaults() {
        dataset.getSpec()
                .setOptions(
                        List.of(
                                AnonymisationOption.CLEAN_DESCRIPTORS,
                                AnonymisationOption.RETAIN_LONGITUDINAL_MODIFIED_DATES));
        assertThat(container(job(1)).getArgs())
                .doesNotContain("retain-patient-characteristics")
                .containsSubsequence("--option", "retain-longitudinal-modified-dates")
                .containsSubsequence("--option", "clean-descriptors");
        dataset.getSpec().setOptions(List.of());
        assertThat(container(job(1)).getArgs()).doesNotContain("--option");
    }

    @Test
    void imageIsTheNodesOverrideElseTheOperatorsDefault() {
        assertThat(container(job(1)).getImage()).isEqualTo("registry.test/anonymiser:1");
        assertThat(container(AnonymisationJob.desired(dataset, node, 1)).getImage())
                .isEqualTo(AnonymiserImage.DEFAULT)
                .startsWith(AnonymiserImage.REPOSITORY + ":")
                .doesNotEndWith("${project.version}");
        node.getSpec().getAnonymisation().setImage("mirror.local/anon@sha256:abc");
        assertThat(container(job(1)).getImage()).isEqualTo("mirror.local/anon@sha256:abc");
    }

    @Test
    void resourcesComeFromTheNode() {
        var defaults = container(job(1)).getResources();
        assertThat(defaults.getRequests()).containsEntry("cpu", new Quantity("3"));
        var custom =
                new ResourceRequirementsBuilder()
                        .withRequests(
                                Map.of("cpu", new Quantity("6"), "memory", new Quantity("2Gi")))
                        .withLimits(Map.of("memory", new Quantity("4Gi")))
                        .build();
        node.getSpec().getAnonymisation().setResources(custom);
        assertThat(container(job(1)).getResources()).isEqualTo(custom);
    }

    @Test
    void retriesAreBoundedAndUsageErrorsAreNotRetried() {
        var spec = job(1).getSpec();
        assertThat(spec.getBackoffLimit()).isEqualTo(AnonymisationJob.BACKOFF_LIMIT).isPositive();
        assertThat(spec.getPodFailurePolicy().getRules())
                .anySatisfy(
                        r -> {
                            assertThat(r.getAction()).isEqualTo("FailJob");
                            assertThat(r.getOnExitCodes().getValues()).containsExactly(2);
                        });
    }

    @Test
    void sourceAtTheRootOfTheRawVolumeMountsTheWholeVolume() {
        dataset.getSpec().getSource().setPath("./");
        assertThat(mount(job(1), AnonymisationJob.RAW_MOUNT).getSubPath()).isNull();
    }

    @Test
    void isAPureFunction() {
        assertThat(job(4)).isEqualTo(job(4));
    }
}
