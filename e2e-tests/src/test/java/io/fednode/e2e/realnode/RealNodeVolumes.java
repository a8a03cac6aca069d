package io.fednode.e2e.realnode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.testing.KwokCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Static volumes on the real node for one FederationNode: a hostPath PersistentVolume per storage
 * volume (raw, anonymised, scratch), pinned to the real node and pre-bound to the claim the node
 * reconciler creates ({@code <node>-<volume>}), as a hospital's storage team would provide them
 * (the local cluster has no provisioner). Their folders are on this machine, so a test writes the
 * raw DICOM files and reads the anonymised output directly.
 */
public final class RealNodeVolumes {
    public static final String STORAGE_CLASS = "real-node-static";
    public static final List<String> VOLUMES = List.of("raw", "anonymised", "scratch");

    private final Map<String, Path> folders;

    private RealNodeVolumes(Map<String, Path> folders) {
        this.folders = folders;
    }

    /** Creates the folders and the PersistentVolumes for {@code node}'s claims in {@code ns}. */
    public static RealNodeVolumes create(KwokCluster cluster, String ns, String node) {
        KubernetesClient k = cluster.client();
        if (k.storage().v1().storageClasses().withName(STORAGE_CLASS).get() == null) {
            k.resource(
                            new StorageClassBuilder()
                                    .withNewMetadata()
                                    .withName(STORAGE_CLASS)
                                    .endMetadata()
                                    .withProvisioner("kubernetes.io/no-provisioner")
                                    .withVolumeBindingMode("Immediate")
                                    .build())
                    .serverSideApply();
        }
        Map<String, Path> folders = new LinkedHashMap<>();
        for (String volume : VOLUMES) {
            Path folder = cluster.hostDirectory(ns + "/" + node + "/" + volume);
            folders.put(volume, folder);
            k.resource(
                            new PersistentVolumeBuilder()
                                    .withNewMetadata()
                                    .withName(ns + "-" + node + "-" + volume)
                                    .endMetadata()
                                    .withNewSpec()
                                    .withCapacity(Map.of("storage", new Quantity("1Gi")))
                                    .withAccessModes("ReadWriteOnce")
                                    .withStorageClassName(STORAGE_CLASS)
                                    .withPersistentVolumeReclaimPolicy("Retain")
                                    .withNewHostPath()
                                    .withPath(folder.toString())
                                    .withType("Directory")
                                    .endHostPath()
                                    .withNewNodeAffinity()
                                    .withNewRequired()
                                    .addNewNodeSelectorTerm()
                                    .addNewMatchExpression()
                                    .withKey("kubernetes.io/hostname")
                                    .withOperator("In")
                                    .withValues(KwokCluster.REAL_NODE)
                                    .endMatchExpression()
                                    .endNodeSelectorTerm()
                                    .endRequired()
                                    .endNodeAffinity()
                                    .withNewClaimRef()
                                    .withNamespace(ns)
                                    .withName(node + "-" + volume)
                                    .endClaimRef()
                                    .endSpec()
                                    .build())
                    .create();
        }
        return new RealNodeVolumes(folders);
    }

    /** The folder on this machine behind a volume (raw, anonymised or scratch). */
    public Path folder(String volume) {
        return folders.get(volume);
    }

    /** Waits until the claims the test or the node reconciler created are bound. */
    public static void awaitBound(KubernetesClient k, String ns, String node) {
        await().atMost(Duration.ofMinutes(1))
                .untilAsserted(
                        () -> {
                            for (String volume : VOLUMES) {
                                var pvc =
                                        k.persistentVolumeClaims()
                                                .inNamespace(ns)
                                                .withName(node + "-" + volume)
                                                .get();
                                assertThat(pvc).as("claim " + volume).isNotNull();
                                assertThat(pvc.getStatus().getPhase()).isEqualTo("Bound");
                            }
                        });
    }
}
