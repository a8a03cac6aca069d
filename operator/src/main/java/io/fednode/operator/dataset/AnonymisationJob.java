package io.fednode.operator.dataset;

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
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;
import io.fednode.api.v1alpha1.AnonymisationOption;
import io.fednode.api.v1alpha1.AnonymisationSpec;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.common.RestrictedSecurity;
import io.fednode.operator.common.VolumeKind;
import io.fednode.operator.common.WorkloadKind;
import io.fednode.operator.node.PseudonymKeySecret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The anonymiser Job of one revision of a Dataset, as a pure function of the Dataset, its node and
 * the revision number. The Job is created once and never changed: a different input is a different
 * revision, hence a different Job.
 *
 * <p>What it guarantees: the raw volume is mounted read-only and only at the source folder; output
 * goes to the revision's own folder of the anonymised volume, quarantine to the scratch volume
 * (never the anonymised one); the pseudonymisation key is a read-only file; no ServiceAccount
 * token; the restricted Pod Security profile (non-root, read-only root filesystem, no privilege
 * escalation, no capabilities, RuntimeDefault seccomp). The anonymiser writes its JSON report to
 * the container's termination message, where the operator reads it.
 */
public final class AnonymisationJob {
    public static final String CONTAINER = "anonymiser";

    /** Where the image holds the anonymiser's runnable jar. */
    public static final String ANONYMISER_JAR = "/opt/fednode/fednode-anonymiser.jar";

    /**
     * The class-data-sharing archive the anonymiser image holds for that jar, dumped by the image's
     * own JVM (tools/anonymiser-cds.sh). A JVM that finds no usable archive there (another image, a
     * different JVM build) starts without it, silently.
     */
    public static final String CDS_ARCHIVE = "/opt/fednode/fednode-anonymiser.jsa";

    public static final String RAW_MOUNT = "/data/raw";
    public static final String OUTPUT_MOUNT = "/data/output";
    public static final String QUARANTINE_MOUNT = "/data/quarantine";
    public static final String KEY_MOUNT = "/var/run/fednode/pseudonym-key";
    public static final String KEY_FILE = KEY_MOUNT + "/" + PseudonymKeySecret.KEY;
    public static final String TMP_MOUNT = "/tmp";

    /**
     * The anonymiser writes its report here, and the kubelet turns this file into the container's
     * termination message. The default path, which the kubelet always provides as a writable file
     * even with a read-only root filesystem.
     */
    public static final String REPORT_FILE = "/dev/termination-log";

    /** Exit status of an anonymiser usage error: retrying cannot help. */
    public static final int USAGE_ERROR_EXIT = 2;

    /** Pod attempts after the first one before the Job fails (the Job controller backs off). */
    public static final int BACKOFF_LIMIT = 2;

    /**
     * The Job's {@code activeDeadlineSeconds} when the Dataset sets none (the CRD's default, for a
     * Dataset stored before the field existed): 24 hours.
     */
    public static final long DEFAULT_DEADLINE_SECONDS = 24 * 60 * 60;

    /** Default worker threads when the node does not set {@code anonymisation.parallelism}. */
    public static final int DEFAULT_THREADS = 2;

    /** The image's non-root user; files are group-owned by the same id through fsGroup. */
    public static final long RUN_AS = 65532L;

    static final String RAW_VOLUME = "raw";
    static final String ANONYMISED_VOLUME = "anonymised";
    static final String SCRATCH_VOLUME = "scratch";
    static final String KEY_VOLUME = "pseudonym-key";
    static final String TMP_VOLUME = "tmp";

    private AnonymisationJob() {}

    /** The Job with the operator's default image for its version when the node sets none. */
    public static Job desired(Dataset dataset, FederationNode node, int revision) {
        return desired(dataset, node, revision, AnonymiserImage.DEFAULT);
    }

    public static Job desired(
            Dataset dataset, FederationNode node, int revision, String defaultImage) {
        String nodeName = node.getMetadata().getName();
        DatasetRevision inputs = DatasetRevision.of(dataset, node);
        AnonymisationSpec settings =
                node.getSpec().getAnonymisation() == null
                        ? new AnonymisationSpec()
                        : node.getSpec().getAnonymisation();
        int threads =
                settings.getParallelism() == null ? DEFAULT_THREADS : settings.getParallelism();
        String image =
                settings.getImage() == null || settings.getImage().isBlank()
                        ? defaultImage
                        : settings.getImage();

        var meta = DatasetLabels.metadata(dataset, DatasetRevision.jobName(dataset, revision));
        meta.getLabels().put(DatasetLabels.REVISION, Integer.toString(revision));
        meta.setAnnotations(Map.of(DatasetLabels.REVISION_DIGEST, inputs.digest()));

        Map<String, String> podLabels = DatasetLabels.pod(dataset, nodeName);
        podLabels.put(DatasetLabels.REVISION, Integer.toString(revision));

        return new JobBuilder()
                .withMetadata(meta)
                .withNewSpec()
                .withActiveDeadlineSeconds(deadlineSeconds(dataset))
                .withBackoffLimit(BACKOFF_LIMIT)
                .withNewPodFailurePolicy()
                .withRules(
                        new PodFailurePolicyRuleBuilder()
                                .withAction("FailJob")
                                .withNewOnExitCodes()
                                .withContainerName(CONTAINER)
                                .withOperator("In")
                                .withValues(USAGE_ERROR_EXIT)
                                .endOnExitCodes()
                                .build(),
                        new PodFailurePolicyRuleBuilder()
                                .withAction("Ignore")
                                .addNewOnPodCondition()
                                .withType("DisruptionTarget")
                                .withStatus("True")
                                .endOnPodCondition()
                                .build())
                .endPodFailurePolicy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName(WorkloadKind.ANONYMISER.serviceAccountName(nodeName))
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withSecurityContext(RestrictedSecurity.pod(RUN_AS, RUN_AS, RUN_AS))
                .withContainers(container(dataset, revision, inputs, threads, image, settings))
                .withVolumes(volumes(nodeName, node))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The Dataset's {@code spec.activeDeadlineSeconds}, else {@link #DEFAULT_DEADLINE_SECONDS}. */
    static long deadlineSeconds(Dataset dataset) {
        Long set = dataset.getSpec().getActiveDeadlineSeconds();
        return set == null ? DEFAULT_DEADLINE_SECONDS : set;
    }

    private static Container container(
            Dataset dataset,
            int revision,
            DatasetRevision inputs,
            int threads,
            String image,
            AnonymisationSpec settings) {
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image)
                .withImagePullPolicy("IfNotPresent")
                .withCommand(command())
                .withArgs(arguments(inputs.options(), threads))
                .withEnv(environment())
                .withResources(resources(settings, threads))
                .withTerminationMessagePath(REPORT_FILE)
                // A run that fails writes no report; the tail of its log (the error) is the
                // message.
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(RestrictedSecurity.container())
                .withVolumeMounts(mounts(dataset, revision, inputs))
                .build();
    }

    static List<String> command() {
        return List.of("java", "-jar", ANONYMISER_JAR);
    }

    static List<String> arguments(Iterable<AnonymisationOption> options, int threads) {
        List<String> args = new ArrayList<>();
        args.addAll(List.of("--input", RAW_MOUNT));
        args.addAll(List.of("--output", OUTPUT_MOUNT));
        args.addAll(List.of("--quarantine", QUARANTINE_MOUNT));
        args.addAll(List.of("--key-file", KEY_FILE));
        args.addAll(List.of("--threads", Integer.toString(threads)));
        args.addAll(List.of("--report", REPORT_FILE));
        for (AnonymisationOption option : options) {
            args.addAll(List.of("--option", option.cliName()));
        }
        return args;
    }

    /**
     * The JVM settings of every anonymiser run: the build's anonymiser flags ({@link
     * AnonymiserImage#JVM_FLAGS}, the list the anonymiser image's default {@code JAVA_TOOL_OPTIONS}
     * and the terminal launcher {@code fednode-anonymise} are made from too) plus the image's
     * class-data archive and the writable {@code /tmp}. The heap follows the container's memory
     * limit; an out-of-memory error ends the attempt (and the Job retries) instead of leaving a
     * half-working JVM. The C1-only, serial-GC JVM with the image's class-data archive is the
     * anonymiser's measured best on few cores (docs/anonymiser.md, Benchmarks): C2's compile
     * threads otherwise compete with the work itself, and the archive halves the start-up.
     */
    public static final String JAVA_OPTIONS =
            AnonymiserImage.JVM_FLAGS
                    + " -XX:SharedArchiveFile="
                    + CDS_ARCHIVE
                    + " -Djava.io.tmpdir="
                    + TMP_MOUNT;

    static List<EnvVar> environment() {
        return List.of(new EnvVar("JAVA_TOOL_OPTIONS", JAVA_OPTIONS, null));
    }

    static ResourceRequirements resources(AnonymisationSpec settings, int threads) {
        if (settings.getResources() != null) {
            return settings.getResources();
        }
        return new ResourceRequirementsBuilder()
                .withRequests(
                        Map.of(
                                "cpu", new Quantity(Integer.toString(threads)),
                                "memory", new Quantity("512Mi")))
                .withLimits(Map.of("memory", new Quantity("1Gi")))
                .build();
    }

    private static List<VolumeMount> mounts(Dataset dataset, int revision, DatasetRevision inputs) {
        List<VolumeMount> mounts = new ArrayList<>();
        VolumeMountBuilder raw =
                new VolumeMountBuilder()
                        .withName(RAW_VOLUME)
                        .withMountPath(RAW_MOUNT)
                        .withReadOnly(true);
        if (!inputs.sourcePath().equals(".")) {
            raw.withSubPath(inputs.sourcePath());
        }
        mounts.add(raw.build());
        mounts.add(
                new VolumeMountBuilder()
                        .withName(ANONYMISED_VOLUME)
                        .withMountPath(OUTPUT_MOUNT)
                        .withSubPath(DatasetRevision.outputPath(dataset, revision))
                        .withReadOnly(false)
                        .build());
        mounts.add(
                new VolumeMountBuilder()
                        .withName(SCRATCH_VOLUME)
                        .withMountPath(QUARANTINE_MOUNT)
                        .withSubPath(DatasetRevision.quarantinePath(dataset, revision))
                        .withReadOnly(false)
                        .build());
        mounts.add(
                new VolumeMountBuilder()
                        .withName(KEY_VOLUME)
                        .withMountPath(KEY_MOUNT)
                        .withReadOnly(true)
                        .build());
        mounts.add(
                new VolumeMountBuilder()
                        .withName(TMP_VOLUME)
                        .withMountPath(TMP_MOUNT)
                        .withReadOnly(false)
                        .build());
        return mounts;
    }

    private static List<Volume> volumes(String nodeName, FederationNode node) {
        return List.of(
                new VolumeBuilder()
                        .withName(RAW_VOLUME)
                        .withNewPersistentVolumeClaim()
                        .withClaimName(VolumeKind.RAW.claimName(nodeName))
                        .withReadOnly(true)
                        .endPersistentVolumeClaim()
                        .build(),
                new VolumeBuilder()
                        .withName(ANONYMISED_VOLUME)
                        .withNewPersistentVolumeClaim()
                        .withClaimName(VolumeKind.ANONYMISED.claimName(nodeName))
                        .endPersistentVolumeClaim()
                        .build(),
                new VolumeBuilder()
                        .withName(SCRATCH_VOLUME)
                        .withNewPersistentVolumeClaim()
                        .withClaimName(VolumeKind.SCRATCH.claimName(nodeName))
                        .endPersistentVolumeClaim()
                        .build(),
                new VolumeBuilder()
                        .withName(KEY_VOLUME)
                        .withNewSecret()
                        .withSecretName(PseudonymKeySecret.name(node))
                        .addNewItem()
                        .withKey(PseudonymKeySecret.KEY)
                        .withPath(PseudonymKeySecret.KEY)
                        .endItem()
                        .withDefaultMode(0440)
                        .withOptional(false)
                        .endSecret()
                        .build(),
                new VolumeBuilder()
                        .withName(TMP_VOLUME)
                        .withNewEmptyDir()
                        .withSizeLimit(new Quantity("256Mi"))
                        .endEmptyDir()
                        .build());
    }
}
