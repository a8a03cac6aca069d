package io.fednode.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.DeletionPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.fixtures.ConditionAssert;
import io.fednode.fixtures.FederationNodes;
import io.fednode.operator.OperatorSettings;
import io.fednode.testing.KwokCluster;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A hospital's node on a cluster with real controllers: the PV controller binds the node's claims
 * to volumes (static PVs of a no-provisioner StorageClass, as on-premises storage often is), the
 * node turns Ready, and deleting it lets the garbage collector remove what it owns — volumes and
 * key only under {@code deletionPolicy: Delete}.
 */
class FederationNodeLifecycleIT {
    static final String STORAGE_CLASS = "hospital-local";

    @RegisterExtension static final KwokCluster CLUSTER = new KwokCluster();

    private static InstalledOperator operator;

    @BeforeAll
    static void setUp() {
        KubernetesClient admin = CLUSTER.client();
        admin.resource(
                        new StorageClassBuilder()
                                .withNewMetadata()
                                .withName(STORAGE_CLASS)
                                .endMetadata()
                                .withProvisioner("kubernetes.io/no-provisioner")
                                .withVolumeBindingMode("Immediate")
                                .build())
                .create();
        for (int i = 0; i < 8; i++) {
            admin.resource(
                            new PersistentVolumeBuilder()
                                    .withNewMetadata()
                                    .withName("hospital-disk-" + i)
                                    .endMetadata()
                                    .withNewSpec()
                                    .withStorageClassName(STORAGE_CLASS)
                                    .withAccessModes("ReadWriteOnce")
                                    .addToCapacity("storage", new Quantity("2Gi"))
                                    .withNewHostPath()
                                    .withPath("/srv/hospital-disk-" + i)
                                    .endHostPath()
                                    .endSpec()
                                    .build())
                    .create();
        }
        operator =
                InstalledOperator.install(
                        admin,
                        CLUSTER.kubeConfigYaml(),
                        OperatorSettings.defaults()
                                .withNamespaces(Set.of("hospital-retain", "hospital-delete")));
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    static FederationNode node(String ns, DeletionPolicy policy) {
        return FederationNodes.node(ns, ns)
                .role(NodeRole.DATA)
                .deletionPolicy(policy)
                .joinToken("hub-join")
                .storage("1Gi", "1Gi", "1Gi")
                .storageClass(STORAGE_CLASS)
                .build();
    }

    static KubernetesClient admin() {
        return CLUSTER.client();
    }

    static FederationNode createAndAwaitReady(String ns, DeletionPolicy policy) {
        admin().resource(
                        new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .serverSideApply();
        admin().resource(node(ns, policy)).create();
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            FederationNode n =
                                    admin().resources(FederationNode.class)
                                            .inNamespace(ns)
                                            .withName(ns)
                                            .get();
                            ConditionAssert.assertThat(n)
                                    .hasCondition("StorageReady", "True")
                                    .hasCondition("Ready", "True");
                        });
        for (String volume : List.of("raw", "anonymised", "scratch")) {
            assertThat(
                            admin().persistentVolumeClaims()
                                    .inNamespace(ns)
                                    .withName(ns + "-" + volume)
                                    .get()
                                    .getStatus()
                                    .getPhase())
                    .isEqualTo("Bound");
        }
        return admin().resources(FederationNode.class).inNamespace(ns).withName(ns).get();
    }

    static void deleteAndAwaitGarbageCollection(String ns) {
        admin().resources(FederationNode.class).inNamespace(ns).withName(ns).delete();
        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            assertThat(
                                            admin().resources(FederationNode.class)
                                                    .inNamespace(ns)
                                                    .list()
                                                    .getItems())
                                    .isEmpty();
                            assertThat(
                                            admin().network()
                                                    .v1()
                                                    .networkPolicies()
                                                    .inNamespace(ns)
                                                    .list()
                                                    .getItems())
                                    .as("NetworkPolicies are owned by the node")
                                    .isEmpty();
                            assertThat(
                                            admin().serviceAccounts()
                                                    .inNamespace(ns)
                                                    .withLabel("fednode.io/node")
                                                    .list()
                                                    .getItems())
                                    .as("workload ServiceAccounts are owned by the node")
                                    .isEmpty();
                        });
    }

    @Test
    void aRetainedNodesVolumesAndKeyOutliveIt() {
        String ns = "hospital-retain";
        createAndAwaitReady(ns, DeletionPolicy.Retain);
        String key =
                admin().secrets()
                        .inNamespace(ns)
                        .withName(ns + "-pseudonym-key")
                        .get()
                        .getData()
                        .get("key");

        deleteAndAwaitGarbageCollection(ns);

        for (String volume : List.of("raw", "anonymised", "scratch")) {
            var pvc =
                    admin().persistentVolumeClaims()
                            .inNamespace(ns)
                            .withName(ns + "-" + volume)
                            .get();
            assertThat(pvc).as(volume + " is retained").isNotNull();
            assertThat(pvc.getMetadata().getDeletionTimestamp()).isNull();
        }
        assertThat(admin().secrets().inNamespace(ns).withName(ns + "-pseudonym-key").get())
                .isNotNull();

        // Re-creating the node adopts its volumes and key: the data and pseudonyms carry on.
        createAndAwaitReady(ns, DeletionPolicy.Retain);
        assertThat(
                        admin().secrets()
                                .inNamespace(ns)
                                .withName(ns + "-pseudonym-key")
                                .get()
                                .getData()
                                .get("key"))
                .isEqualTo(key);
    }

    @Test
    void aNodeWithDeletionPolicyDeleteTakesItsVolumesAndKeyWithIt() {
        String ns = "hospital-delete";
        createAndAwaitReady(ns, DeletionPolicy.Delete);

        deleteAndAwaitGarbageCollection(ns);

        await().atMost(Duration.ofMinutes(2))
                .untilAsserted(
                        () -> {
                            assertThat(
                                            admin().persistentVolumeClaims()
                                                    .inNamespace(ns)
                                                    .list()
                                                    .getItems())
                                    .isEmpty();
                            assertThat(
                                            admin().secrets()
                                                    .inNamespace(ns)
                                                    .withName(ns + "-pseudonym-key")
                                                    .get())
                                    .isNull();
                        });
    }
}
