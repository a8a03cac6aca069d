package io.fednode.operator.training;

import static io.fednode.operator.training.Fixtures.dataset;
import static io.fednode.operator.training.Fixtures.node;
import static io.fednode.operator.training.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingEnvVar;
import io.fednode.api.v1alpha1.TrainingResources;
import io.fednode.api.v1alpha1.TrainingRun;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingJobTest {

    private static TrainingRun runWithData() {
        TrainingRun run = run("lung-ct-round-1");
        run.getSpec().setDatasets(List.of("lung-ct", "brain-mr"));
        run.getSpec().setCommand(List.of("python", "train.py"));
        run.getSpec().setArgs(List.of("--rounds", "10"));
        run.getSpec().setEnv(List.of(new TrainingEnvVar("ROUNDS", "10")));
        return run;
    }

    private static Job job(TrainingRun run, FederationNode node) {
        return TrainingJob.desired(
                run,
                node,
                Map.of(
                        "lung-ct", dataset("lung-ct", "hospital-a", true),
                        "brain-mr", dataset("brain-mr", "hospital-a", true)));
    }

    @Test
    void gpusAreLimitsOnTheNodesResourceName() {
        FederationNode node = node();
        node.getSpec().getCompute().setGpuResourceName("amd.com/gpu");
        Container c =
                job(runWithData(), node).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getResources().getLimits()).containsEntry("amd.com/gpu", new Quantity("2"));
        assertThat(c.getResources().getRequests()).doesNotContainKey("amd.com/gpu");
        assertThat(c.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    }

    @Test
    void cpuOnlyRunRequestsNoGpu() {
        TrainingRun run = runWithData();
        run.getSpec().setGpus(0);
        Container c = job(run, node()).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    }

    @Test
    void runResourcesOverrideTheNodeDefaultsKeyByKey() {
        TrainingRun run = runWithData();
        run.getSpec()
                .setResources(
                        new TrainingResources(
                                Map.of("cpu", new Quantity("4"), "memory", new Quantity("16Gi")),
                                null));
        Container c = job(run, node()).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getResources().getRequests())
                .containsEntry("cpu", new Quantity("4"))
                .containsEntry("memory", new Quantity("16Gi"));
        assertThat(c.getResources().getLimits())
                .containsEntry("memory", new Quantity("8Gi"))
                .containsEntry("nvidia.com/gpu", new Quantity("2"));
    }

    @Test
    void schedulingComesFromTheNodePolicy() {
        PodSpec pod = job(runWithData(), node()).getSpec().getTemplate().getSpec();
        assertThat(pod.getRuntimeClassName()).isEqualTo("nvidia");
        assertThat(pod.getNodeSelector()).containsExactly(Map.entry("fednode.io/test-gpu", "true"));
        assertThat(pod.getTolerations()).hasSize(1);
        assertThat(pod.getTolerations().get(0).getKey()).isEqualTo("nvidia.com/gpu");
    }

    @Test
    void datasetsAreMountedReadOnlyFromTheirFolderOfTheAnonymisedVolume() {
        Job job = job(runWithData(), node());
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        List<VolumeMount> mounts = pod.getContainers().get(0).getVolumeMounts();
        assertThat(mounts)
                .filteredOn(m -> m.getName().equals("anonymised"))
                .extracting(
                        VolumeMount::getMountPath,
                        VolumeMount::getSubPath,
                        VolumeMount::getReadOnly)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/data/lung-ct", "lung-ct/r3", true),
                        org.assertj.core.groups.Tuple.tuple("/data/brain-mr", "brain-mr/r3", true));
        Volume anonymised =
                pod.getVolumes().stream()
                        .filter(v -> v.getName().equals("anonymised"))
                        .findFirst()
                        .orElseThrow();
        assertThat(anonymised.getPersistentVolumeClaim().getClaimName())
                .isEqualTo("hospital-a-anonymised");
        assertThat(anonymised.getPersistentVolumeClaim().getReadOnly()).isTrue();
    }

    @Test
    void theRawVolumeIsNeverMounted() {
        PodSpec pod = job(runWithData(), node()).getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes())
                .allSatisfy(
                        v -> {
                            if (v.getPersistentVolumeClaim() != null) {
                                assertThat(v.getPersistentVolumeClaim().getClaimName())
                                        .isNotEqualTo("hospital-a-raw");
                            }
                        });
        assertThat(pod.getVolumes())
                .extracting(Volume::getName)
                .containsExactlyInAnyOrder("anonymised", "scratch", "tmp");
    }

    @Test
    void scratchIsTheRunsWritableFolderOfTheScratchVolume() {
        PodSpec pod = job(runWithData(), node()).getSpec().getTemplate().getSpec();
        VolumeMount scratch =
                pod.getContainers().get(0).getVolumeMounts().stream()
                        .filter(m -> m.getName().equals("scratch"))
                        .findFirst()
                        .orElseThrow();
        assertThat(scratch.getMountPath()).isEqualTo("/scratch");
        assertThat(scratch.getSubPath()).isEqualTo("training/lung-ct-round-1");
        assertThat(scratch.getReadOnly()).isNull();
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("scratch"))
                .singleElement()
                .satisfies(
                        v ->
                                assertThat(v.getPersistentVolumeClaim().getClaimName())
                                        .isEqualTo("hospital-a-scratch"));
    }

    @Test
    void nodeWithoutScratchVolumeGetsAnEmptyDir() {
        FederationNode node = node();
        node.getSpec().getStorage().setScratch(null);
        PodSpec pod = job(runWithData(), node).getSpec().getTemplate().getSpec();
        Volume scratch =
                pod.getVolumes().stream()
                        .filter(v -> v.getName().equals("scratch"))
                        .findFirst()
                        .orElseThrow();
        assertThat(scratch.getEmptyDir()).isNotNull();
    }

    @Test
    void securityContextIsRestrictedAndNoTokenIsMounted() {
        PodSpec pod = job(runWithData(), node()).getSpec().getTemplate().getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getEnableServiceLinks()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo("hospital-a-training");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        var sc = pod.getContainers().get(0).getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getPrivileged()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    @Test
    void runsAsTheNonRootDefaultUserWhatEverTheImageSays() {
        PodSpec pod = job(runWithData(), node()).getSpec().getTemplate().getSpec();
        // Numeric, non-zero: an image whose default user is root (or a name) still runs.
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(65532L);
    }

    @Test
    void theRunMayNameItsOwnUserAndGroup() {
        TrainingRun run = runWithData();
        run.getSpec().setRunAsUser(1234L);
        run.getSpec().setRunAsGroup(2345L);
        PodSpec pod = job(run, node()).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1234L);
        assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(2345L);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    @Test
    void oneAttemptWithTheDeadlineFromTheSmallerMaxRuntime() {
        TrainingRun run = runWithData();
        run.getSpec().setMaxRuntime("90m");
        Job job = job(run, node());
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(5400L);
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");

        run.getSpec().setMaxRuntime("48h");
        assertThat(job(run, node()).getSpec().getActiveDeadlineSeconds()).isEqualTo(86400L);
        run.getSpec().setMaxRuntime(null);
        assertThat(job(run, node()).getSpec().getActiveDeadlineSeconds()).isEqualTo(86400L);
    }

    @Test
    void commandArgsAndEnvironmentAreTheRunsPlusTheOperatorsOwn() {
        Container c =
                job(runWithData(), node()).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo(Fixtures.IMAGE);
        assertThat(c.getCommand()).containsExactly("python", "train.py");
        assertThat(c.getArgs()).containsExactly("--rounds", "10");
        assertThat(c.getEnv())
                .extracting(EnvVar::getName, EnvVar::getValue)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("ROUNDS", "10"),
                        org.assertj.core.groups.Tuple.tuple(
                                "FEDNODE_AGGREGATOR_ENDPOINT", "https://203.0.113.10:9092"),
                        org.assertj.core.groups.Tuple.tuple("FEDNODE_DATA_DIR", "/data"));
        assertThat(c.getEnv()).allSatisfy(e -> assertThat(e.getValueFrom()).isNull());
    }

    @Test
    void aFederatedJobsRunGetsItsJobEnvironmentAndResultsFile() {
        TrainingRun run = runWithData();
        run.getMetadata().setLabels(Map.of("fednode.io/federated-job-uid", "3f2a9c1e-uid"));
        run.getMetadata().setAnnotations(Map.of("fednode.io/federated-job-type", "Evaluate"));
        Container c = job(run, node()).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getEnv())
                .extracting(EnvVar::getName, EnvVar::getValue)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("FEDNODE_JOB_TYPE", "Evaluate"),
                        org.assertj.core.groups.Tuple.tuple("FEDNODE_JOB_UID", "3f2a9c1e-uid"),
                        org.assertj.core.groups.Tuple.tuple("FEDNODE_NODE_ID", "hospital-a"),
                        org.assertj.core.groups.Tuple.tuple(
                                "FEDNODE_RESULTS_FILE", "/dev/termination-log"));
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        // Only what the trainer wrote: never its logs, which could quote data.
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("File");
    }

    @Test
    void anOrdinaryRunHasNoFederatedJobEnvironment() {
        Container c =
                job(runWithData(), node()).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getEnv())
                .extracting(EnvVar::getName)
                .doesNotContain("FEDNODE_JOB_TYPE", "FEDNODE_JOB_UID", "FEDNODE_RESULTS_FILE");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    }

    @Test
    void ownedByTheRunAndLabelledForTheNodesPolicies() {
        Job job = job(runWithData(), node());
        assertThat(job.getMetadata().getName()).isEqualTo("lung-ct-round-1");
        assertThat(job.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getKind()).isEqualTo("TrainingRun");
                            assertThat(r.getUid()).isEqualTo("lung-ct-round-1-uid");
                            assertThat(r.getController()).isTrue();
                        });
        assertThat(job.getMetadata().getLabels())
                .containsEntry("fednode.io/training-run", "lung-ct-round-1")
                .containsEntry("fednode.io/training-node", "hospital-a")
                .doesNotContainKey("fednode.io/node");
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("fednode.io/training-run", "lung-ct-round-1")
                .containsEntry("fednode.io/node", "hospital-a")
                .containsEntry("fednode.io/workload", "training");
    }
}
