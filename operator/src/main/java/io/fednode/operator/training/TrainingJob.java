package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fednode.api.v1alpha1.ComputeSpec;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunSpec;
import io.fednode.operator.common.FederatedJobLabels;
import io.fednode.operator.common.RestrictedSecurity;
import io.fednode.operator.common.VolumeKind;
import io.fednode.operator.common.WorkloadKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Job of an admitted TrainingRun, a pure function of the run, its node and its datasets.
 * Created once and never changed: a later change of the node's policy applies to later runs.
 *
 * <ul>
 *   <li>GPUs as {@code limits} on the node's GPU resource name (and nothing else names GPUs);
 *   <li>runtimeClassName, nodeSelector and tolerations from the node;
 *   <li>each dataset read-only at {@code /data/<name>}, from its own folder of the anonymised
 *       volume ({@code subPath}); the raw volume is never mounted;
 *   <li>writable {@code /scratch} (the run's folder of the scratch volume) and {@code /tmp};
 *   <li>restricted security context, no ServiceAccount token, no service links; a numeric non-root
 *       user and group ({@code spec.runAsUser}/{@code runAsGroup}, else {@value #DEFAULT_UID}), so
 *       an image whose default user is root runs too instead of failing {@code runAsNonRoot};
 *   <li>one attempt ({@code backoffLimit: 0}), {@code activeDeadlineSeconds} from maxRuntime;
 *   <li>for the run of a federated job ({@link FederatedJobLabels#UID}): {@code FEDNODE_JOB_TYPE},
 *       {@code FEDNODE_JOB_UID} and {@code FEDNODE_RESULTS_FILE}, the termination message file,
 *       read with policy {@code File} (never the logs).
 * </ul>
 */
public final class TrainingJob {
    public static final String CONTAINER = "trainer";
    public static final String DATA_DIR = "/data";
    public static final String SCRATCH_DIR = "/scratch";
    public static final String TMP_DIR = "/tmp";

    /**
     * Where a federated job's trainer writes its results: the container's termination message,
     * which the kubelet keeps (at most 4096 bytes) in the Pod's status after the container ends.
     */
    public static final String RESULTS_FILE = "/dev/termination-log";

    static final String ANONYMISED_VOLUME = "anonymised";
    static final String SCRATCH_VOLUME = "scratch";
    static final String TMP_VOLUME = "tmp";
    static final String DEFAULT_GPU_RESOURCE = "nvidia.com/gpu";

    /** User and group of a training container whose run names none (distroless's "nonroot"). */
    public static final long DEFAULT_UID = 65532;

    private TrainingJob() {}

    /** The Job's name: the run's (the CRD keeps it at most 63 characters). */
    public static String name(TrainingRun run) {
        return run.getMetadata().getName();
    }

    /** Folder of a run in the scratch volume. */
    static String scratchPath(TrainingRun run) {
        return "training/" + run.getMetadata().getName();
    }

    public static Job desired(TrainingRun run, FederationNode node, Map<String, Dataset> datasets) {
        ComputeSpec compute = node.getSpec().getCompute();
        String nodeName = node.getMetadata().getName();
        return new JobBuilder()
                .withMetadata(TrainingLabels.metadata(run, name(run), TrainingLabels.job(run)))
                .withNewSpec()
                .withBackoffLimit(0)
                .withCompletions(1)
                .withParallelism(1)
                .withActiveDeadlineSeconds(RuntimeLimit.activeDeadlineSeconds(run, node))
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(TrainingLabels.pod(run))
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName(WorkloadKind.TRAINING.serviceAccountName(nodeName))
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withRuntimeClassName(compute.getRuntimeClassName())
                .withNodeSelector(
                        compute.getNodeSelector() == null
                                ? null
                                : new LinkedHashMap<>(compute.getNodeSelector()))
                .withTolerations(compute.getTolerations())
                .withSecurityContext(RestrictedSecurity.pod(runAsUser(run), runAsGroup(run), null))
                .withContainers(container(run, node, datasets))
                .withVolumes(volumes(run, node))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(
            TrainingRun run, FederationNode node, Map<String, Dataset> datasets) {
        TrainingRunSpec spec = run.getSpec();
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(spec.getImage())
                .withCommand(spec.getCommand())
                .withArgs(spec.getArgs())
                .withEnv(environment(run, node))
                .withResources(resources(run, node))
                // A federated job's results file is the termination message: only what the
                // trainer wrote there, never its logs (which could quote data).
                .withTerminationMessagePath(
                        FederatedJobLabels.isFederated(run) ? RESULTS_FILE : null)
                .withTerminationMessagePolicy(
                        FederatedJobLabels.isFederated(run) ? "File" : "FallbackToLogsOnError")
                .withSecurityContext(RestrictedSecurity.container())
                .withVolumeMounts(mounts(run, node, datasets))
                .build();
    }

    static long runAsUser(TrainingRun run) {
        Long uid = run.getSpec().getRunAsUser();
        return uid == null ? DEFAULT_UID : uid;
    }

    static long runAsGroup(TrainingRun run) {
        Long gid = run.getSpec().getRunAsGroup();
        return gid == null ? DEFAULT_UID : gid;
    }

    static List<EnvVar> environment(TrainingRun run, FederationNode node) {
        List<EnvVar> env = new ArrayList<>();
        if (run.getSpec().getEnv() != null) {
            run.getSpec()
                    .getEnv()
                    .forEach(e -> env.add(new EnvVar(e.getName(), e.getValue(), null)));
        }
        env.add(new EnvVar("FEDNODE_NODE_ID", node.getSpec().getNodeId(), null));
        env.add(new EnvVar("FEDNODE_RUN", run.getMetadata().getName(), null));
        env.add(new EnvVar("FEDNODE_DATA_DIR", DATA_DIR, null));
        env.add(new EnvVar("FEDNODE_SCRATCH_DIR", SCRATCH_DIR, null));
        if (FederatedJobLabels.isFederated(run)) {
            env.add(
                    new EnvVar(
                            "FEDNODE_JOB_TYPE",
                            FederatedJobLabels.annotation(run, FederatedJobLabels.TYPE),
                            null));
            env.add(new EnvVar("FEDNODE_JOB_UID", FederatedJobLabels.uid(run), null));
            env.add(new EnvVar("FEDNODE_RESULTS_FILE", RESULTS_FILE, null));
        }
        if (run.getSpec().getAggregator() != null) {
            env.add(
                    new EnvVar(
                            "FEDNODE_AGGREGATOR_ENDPOINT",
                            run.getSpec().getAggregator().getEndpoint(),
                            null));
        }
        return env;
    }

    /**
     * The node's default resources, overridden key by key by the run's; then the GPUs, which only
     * {@code spec.gpus} decides (limits; Kubernetes sets the equal request).
     */
    static ResourceRequirements resources(TrainingRun run, FederationNode node) {
        ComputeSpec compute = node.getSpec().getCompute();
        String gpuResource =
                compute.getGpuResourceName() == null
                        ? DEFAULT_GPU_RESOURCE
                        : compute.getGpuResourceName();
        Map<String, Quantity> requests = new LinkedHashMap<>();
        Map<String, Quantity> limits = new LinkedHashMap<>();
        if (compute.getDefaultResources() != null) {
            putAll(requests, compute.getDefaultResources().getRequests());
            putAll(limits, compute.getDefaultResources().getLimits());
        }
        if (run.getSpec().getResources() != null) {
            putAll(requests, run.getSpec().getResources().getRequests());
            putAll(limits, run.getSpec().getResources().getLimits());
        }
        requests.remove(gpuResource);
        limits.remove(gpuResource);
        int gpus = TrainingAdmission.gpus(run);
        if (gpus > 0) {
            limits.put(gpuResource, new Quantity(Integer.toString(gpus)));
        }
        return new ResourceRequirementsBuilder()
                .withRequests(requests.isEmpty() ? null : requests)
                .withLimits(limits.isEmpty() ? null : limits)
                .build();
    }

    private static void putAll(Map<String, Quantity> into, Map<String, Quantity> from) {
        if (from != null) {
            into.putAll(from);
        }
    }

    static List<VolumeMount> mounts(
            TrainingRun run, FederationNode node, Map<String, Dataset> datasets) {
        List<VolumeMount> mounts = new ArrayList<>();
        for (String name : TrainingAdmission.datasetNames(run)) {
            mounts.add(
                    new VolumeMountBuilder()
                            .withName(ANONYMISED_VOLUME)
                            .withMountPath(DATA_DIR + "/" + name)
                            .withSubPath(datasets.get(name).getStatus().getOutputPath())
                            .withReadOnly(true)
                            .build());
        }
        mounts.add(
                new VolumeMountBuilder()
                        .withName(SCRATCH_VOLUME)
                        .withMountPath(SCRATCH_DIR)
                        .withSubPath(hasScratchVolume(node) ? scratchPath(run) : null)
                        .build());
        mounts.add(new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath(TMP_DIR).build());
        return mounts;
    }

    static List<Volume> volumes(TrainingRun run, FederationNode node) {
        String nodeName = node.getMetadata().getName();
        List<Volume> volumes = new ArrayList<>();
        if (!TrainingAdmission.datasetNames(run).isEmpty()) {
            volumes.add(
                    new VolumeBuilder()
                            .withName(ANONYMISED_VOLUME)
                            .withNewPersistentVolumeClaim()
                            .withClaimName(VolumeKind.ANONYMISED.claimName(nodeName))
                            .withReadOnly(true)
                            .endPersistentVolumeClaim()
                            .build());
        }
        if (hasScratchVolume(node)) {
            volumes.add(
                    new VolumeBuilder()
                            .withName(SCRATCH_VOLUME)
                            .withNewPersistentVolumeClaim()
                            .withClaimName(VolumeKind.SCRATCH.claimName(nodeName))
                            .endPersistentVolumeClaim()
                            .build());
        } else {
            volumes.add(
                    new VolumeBuilder()
                            .withName(SCRATCH_VOLUME)
                            .withNewEmptyDir()
                            .endEmptyDir()
                            .build());
        }
        volumes.add(
                new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
        return volumes;
    }

    static boolean hasScratchVolume(FederationNode node) {
        return VolumeKind.SCRATCH.declaredIn(node.getSpec()) != null;
    }
}
