package io.fednode.operator.node;

import static io.fednode.fixtures.ConditionAssert.assertThat;
import static io.fednode.fixtures.FederationNodes.hospital;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fednode.api.v1alpha1.DeletionPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.VolumeSpec;
import io.fednode.operator.OperatorSettings;
import io.fednode.testing.Conflicts;
import io.fednode.testing.FakeVolumeController;
import io.fednode.testing.RealApiServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator, installed from manifests/install and running as its own ServiceAccount, against a
 * real kube-apiserver. No controllers run here, so the test binds claims itself by writing their
 * status, the way a volume controller would.
 */
class FederationNodeReconcilerIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    private static InstalledOperator operator;

    /** The namespaces of the tests below; the operator has a Role in these only. */
    static final Set<String> WATCHED =
            Set.of("hybrid", "keys", "roles", "restore", "pause", "resize", "ownership");

    @BeforeAll
    static void install() {
        // Convergence checks read status that may not exist yet (a null status, a condition not
        // yet written): retry those like a failed assertion instead of failing at once.
        Awaitility.ignoreExceptionsByDefault();
        operator =
                InstalledOperator.install(
                        API.client(),
                        API::clientAs,
                        OperatorSettings.defaults()
                                .withResyncPeriod(Duration.ofMinutes(5))
                                .withNamespaces(WATCHED));
    }

    @AfterAll
    static void stop() {
        Awaitility.reset();
        if (operator != null) {
            operator.close();
        }
    }

    static KubernetesClient admin() {
        return API.client();
    }

    static MixedOperation<FederationNode, ?, Resource<FederationNode>> nodes() {
        return admin().resources(FederationNode.class);
    }

    static FederationNode create(FederationNode node) {
        Nodes.namespace(admin(), node.getMetadata().getNamespace());
        return nodes().resource(node).create();
    }

    static FederationNode get(String ns, String name) {
        return nodes().inNamespace(ns).withName(name).get();
    }

    /** A user's edit; retried when it races with the operator's status patch (409). */
    static FederationNode edit(
            String ns, String name, java.util.function.Consumer<FederationNode> change) {
        for (int attempt = 0; ; attempt++) {
            try {
                return Conflicts.edit(
                        nodes().inNamespace(ns).withName(name),
                        n -> {
                            change.accept(n);
                            return n;
                        });
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    static PersistentVolumeClaim claim(String ns, String name) {
        return admin().persistentVolumeClaims().inNamespace(ns).withName(name).get();
    }

    static void bind(String ns, String claimName) {
        FakeVolumeController.bind(admin(), ns, claimName);
    }

    static List<Event> events(String ns, String reason) {
        return admin().v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }

    static boolean ownedBy(HasMetadata object, FederationNode node) {
        List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
        return refs != null
                && refs.stream().anyMatch(r -> r.getUid().equals(node.getMetadata().getUid()));
    }

    @Test
    void hybridNodeGetsItsObjectsAndIsReadyOnceItsVolumesAreBound() {
        String ns = "hybrid";
        FederationNode created = create(hospital(ns, "hospital-a", NodeRole.HYBRID).build());

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            FederationNode n = get(ns, "hospital-a");
                            assertThat(n.getStatus()).isNotNull();
                            assertThat(n.getStatus().getObservedGeneration()).isEqualTo(1L);
                            assertThat(n)
                                    .hasCondition("StorageReady", "False", "VolumeClaimPending")
                                    .hasCondition("Ready", "False")
                                    .hasCondition("Reconciling", "True")
                                    .hasCondition("Stalled", "False")
                                    .hasCondition("NetworkIsolated", "True");
                            // the test node names no CA bundle: the hub link says so
                            assertThat(n)
                                    .hasCondition("Registered", "False", "NoCaBundle")
                                    .hasCondition("Connected", "Unknown")
                                    .hasCondition("Paused", "False");
                            // A person can see that the node waits for its volumes (the
                            // same reason is also on the "Ready is False" event).
                            assertThat(events(ns, "VolumeClaimPending"))
                                    .filteredOn(e -> e.getMessage().startsWith("StorageReady "))
                                    .singleElement()
                                    .satisfies(
                                            e -> {
                                                assertThat(e.getType()).isEqualTo("Normal");
                                                assertThat(e.getInvolvedObject().getUid())
                                                        .isEqualTo(created.getMetadata().getUid());
                                                assertThat(e.getMessage())
                                                        .startsWith("StorageReady is False: ")
                                                        .contains("waiting for a volume");
                                            });
                        });

        for (String volume : List.of("raw", "anonymised", "scratch")) {
            PersistentVolumeClaim pvc = claim(ns, "hospital-a-" + volume);
            assertThat(pvc.getMetadata().getLabels())
                    .containsEntry("fednode.io/node", "hospital-a")
                    .containsEntry("app.kubernetes.io/managed-by", "fednode-operator");
            assertThat(pvc.getSpec().getResources().getRequests().get("storage"))
                    .isEqualTo(new Quantity("1Gi"));
            assertThat(ownedBy(pvc, created)).as("retained volumes have no owner").isFalse();
        }
        for (String workload : List.of("anonymiser", "training")) {
            ServiceAccount sa =
                    admin().serviceAccounts()
                            .inNamespace(ns)
                            .withName("hospital-a-" + workload)
                            .get();
            assertThat(sa.getAutomountServiceAccountToken()).isFalse();
            assertThat(ownedBy(sa, created)).isTrue();
        }
        Secret key = admin().secrets().inNamespace(ns).withName("hospital-a-pseudonym-key").get();
        assertThat(Base64.getDecoder().decode(key.getData().get("key")))
                .hasSizeGreaterThanOrEqualTo(32);
        assertThat(key.getImmutable()).isTrue();

        NetworkPolicy deny =
                admin().network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(ns)
                        .withName("hospital-a-default-deny")
                        .get();
        assertThat(deny.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(deny.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
        assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.getSpec().getIngress()).isNullOrEmpty();
        assertThat(deny.getSpec().getEgress()).isNullOrEmpty();
        NetworkPolicy egress =
                admin().network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(ns)
                        .withName("hospital-a-allow-federation-egress")
                        .get();
        assertThat(egress.getSpec().getEgress().get(0).getTo().get(0).getIpBlock().getCidr())
                .isEqualTo("203.0.113.10/32");
        // Only opted-in node components; training Pods get their aggregator from their run.
        assertThat(egress.getSpec().getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("fednode.io/federation-egress", "true"));
        NetworkPolicy dns =
                admin().network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(ns)
                        .withName("hospital-a-allow-dns")
                        .get();
        assertThat(dns.getSpec().getPodSelector().getMatchExpressions().get(0).getOperator())
                .isEqualTo("NotIn");
        // Neither anonymiser nor training Pods get DNS from the node (training Pods get it from
        // their run's policy, only for a host-name aggregator).
        assertThat(dns.getSpec().getPodSelector().getMatchExpressions().get(0).getValues())
                .containsExactly("anonymiser", "training");

        for (String volume : List.of("raw", "anonymised", "scratch")) {
            bind(ns, "hospital-a-" + volume);
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            FederationNode n = get(ns, "hospital-a");
                            assertThat(n)
                                    .hasCondition("Ready", "True")
                                    .hasCondition("StorageReady", "True")
                                    .hasCondition("Reconciling", "False");
                            assertThat(events(ns, "NodeReady")).hasSize(1);
                        });
        assertThat(events(ns, "PseudonymKeyGenerated")).hasSize(1);
        assertThat(events(ns, "VolumeClaimCreated")).hasSize(3);
    }

    @Test
    void pseudonymKeyIsGeneratedOnceAndAUsersKeyIsNeverTouched() {
        String ns = "keys";
        create(hospital(ns, "hospital-b", NodeRole.DATA).build());
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                admin().secrets()
                                                .inNamespace(ns)
                                                .withName("hospital-b-pseudonym-key")
                                                .get()
                                        != null);
        String key =
                admin().secrets()
                        .inNamespace(ns)
                        .withName("hospital-b-pseudonym-key")
                        .get()
                        .getData()
                        .get("key");

        edit(
                ns,
                "hospital-b",
                n -> {
                    n.getSpec().getAnonymisation().setParallelism(4);
                    n.getSpec().setDeletionPolicy(DeletionPolicy.Delete);
                });
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            assertThat(get(ns, "hospital-b").getStatus().getObservedGeneration())
                                    .isEqualTo(2L);
                            Secret now =
                                    admin().secrets()
                                            .inNamespace(ns)
                                            .withName("hospital-b-pseudonym-key")
                                            .get();
                            assertThat(ownedBy(now, get(ns, "hospital-b"))).isTrue();
                        });
        assertThat(
                        admin().secrets()
                                .inNamespace(ns)
                                .withName("hospital-b-pseudonym-key")
                                .get()
                                .getData()
                                .get("key"))
                .as("the key survives spec changes")
                .isEqualTo(key);

        // A key the hospital brought itself (too short here) is reported, never rewritten.
        Secret own =
                new SecretBuilder()
                        .withNewMetadata()
                        .withName("byok-pseudonym-key")
                        .withNamespace(ns)
                        .endMetadata()
                        .addToData("key", Base64.getEncoder().encodeToString(new byte[8]))
                        .build();
        admin().resource(own).create();
        create(hospital(ns, "byok", NodeRole.DATA).build());
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            FederationNode n = get(ns, "byok");
                            assertThat(n)
                                    .hasCondition("Stalled", "True", "PseudonymKeyInvalid")
                                    .hasMessageContaining("Ready", "at least 32 bytes");
                        });
        Secret after = admin().secrets().inNamespace(ns).withName("byok-pseudonym-key").get();
        assertThat(after.getData()).isEqualTo(own.getData());
        assertThat(after.getMetadata().getLabels()).isNullOrEmpty();
    }

    @Test
    void roleChangeConvergesAndKeepsVolumes() {
        String ns = "roles";
        create(hospital(ns, "switch", NodeRole.HYBRID).build());
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            assertThat(sa(ns, "switch-anonymiser")).isNotNull();
                            assertThat(sa(ns, "switch-training")).isNotNull();
                            assertThat(policy(ns, "switch-allow-federation-egress")).isNotNull();
                        });

        edit(
                ns,
                "switch",
                n -> {
                    n.getSpec().setRole(NodeRole.COMPUTE);
                    n.getSpec().getStorage().setRaw(null);
                    n.getSpec().setAnonymisation(null);
                });
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            assertThat(sa(ns, "switch-anonymiser"))
                                    .as("no anonymiser on a compute node")
                                    .isNull();
                            assertThat(sa(ns, "switch-training")).isNotNull();
                            assertThat(policy(ns, "switch-allow-federation-egress")).isNotNull();
                            assertThat(get(ns, "switch").getStatus().getObservedGeneration())
                                    .isEqualTo(2L);
                        });
        assertThat(claim(ns, "switch-raw")).as("volumes are retained on a role change").isNotNull();

        edit(
                ns,
                "switch",
                n -> {
                    n.getSpec().setRole(NodeRole.DATA);
                    n.getSpec().setCompute(null);
                    n.getSpec().getStorage().setRaw(new VolumeSpec("1Gi"));
                });
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            assertThat(sa(ns, "switch-training"))
                                    .as("no training on a data node")
                                    .isNull();
                            assertThat(policy(ns, "switch-allow-federation-egress"))
                                    .as("no pod of a data node talks to the federation")
                                    .isNull();
                            assertThat(sa(ns, "switch-anonymiser")).isNotNull();
                            assertThat(policy(ns, "switch-default-deny")).isNotNull();
                            assertThat(get(ns, "switch").getStatus().getObservedGeneration())
                                    .isEqualTo(3L);
                        });
        assertThat(events(ns, "Removed")).hasSizeGreaterThanOrEqualTo(3);
    }

    static ServiceAccount sa(String ns, String name) {
        return admin().serviceAccounts().inNamespace(ns).withName(name).get();
    }

    static NetworkPolicy policy(String ns, String name) {
        return admin().network().v1().networkPolicies().inNamespace(ns).withName(name).get();
    }

    @Test
    void aDeletedNetworkPolicyIsRestored() {
        String ns = "restore";
        create(hospital(ns, "guarded", NodeRole.DATA).build());
        // The node's status is the operator's memory that the policy existed: delete it only once
        // the status says so (under load the policy can exist a while before the status does).
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            assertThat(policy(ns, "guarded-default-deny")).isNotNull();
                            assertThat(get(ns, "guarded")).hasCondition("NetworkIsolated", "True");
                        });
        String uid = policy(ns, "guarded-default-deny").getMetadata().getUid();

        admin().network()
                .v1()
                .networkPolicies()
                .inNamespace(ns)
                .withName("guarded-default-deny")
                .delete();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            NetworkPolicy back = policy(ns, "guarded-default-deny");
                            assertThat(back).isNotNull();
                            assertThat(back.getMetadata().getUid()).isNotEqualTo(uid);
                            assertThat(events(ns, "NetworkPolicyRestored"))
                                    .singleElement()
                                    .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
                        });
    }

    @Test
    void aPausedNodeIsLeftAloneUntilResumed() {
        String ns = "pause";
        create(hospital(ns, "frozen", NodeRole.DATA).build());
        // The first reconcile has acted on generation 1 and said so (under load the policy can
        // exist before the status is written).
        await().atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                policy(ns, "frozen-default-deny") != null
                                        && get(ns, "frozen").getStatus() != null
                                        && Long.valueOf(1L)
                                                .equals(
                                                        get(ns, "frozen")
                                                                .getStatus()
                                                                .getObservedGeneration()));

        edit(
                ns,
                "frozen",
                n ->
                        n.getMetadata()
                                .getAnnotations()
                                .put(FederationNodeConditions.PAUSED_ANNOTATION, "true"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            FederationNode n = get(ns, "frozen");
                            assertThat(n).hasCondition("Paused", "True", "PausedByAnnotation");
                            assertThat(events(ns, "PausedByAnnotation")).hasSize(1);
                        });

        double before = operator.reconciliationsStarted();
        admin().network()
                .v1()
                .networkPolicies()
                .inNamespace(ns)
                .withName("frozen-default-deny")
                .delete();
        edit(ns, "frozen", n -> n.getSpec().getAnonymisation().setParallelism(3));
        // Both changes reach the operator (it reconciles) but it changes nothing while paused.
        await().atMost(Duration.ofSeconds(60))
                .until(() -> operator.reconciliationsStarted() >= before + 1);
        assertThat(policy(ns, "frozen-default-deny")).isNull();
        assertThat(get(ns, "frozen").getStatus().getObservedGeneration())
                .as("a paused node has not acted on its new spec")
                .isEqualTo(1L);

        edit(
                ns,
                "frozen",
                n ->
                        n.getMetadata()
                                .getAnnotations()
                                .remove(FederationNodeConditions.PAUSED_ANNOTATION));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            FederationNode n = get(ns, "frozen");
                            assertThat(n).hasCondition("Paused", "False");
                            assertThat(n.getStatus().getObservedGeneration()).isEqualTo(2L);
                            assertThat(policy(ns, "frozen-default-deny")).isNotNull();
                            assertThat(events(ns, "Resumed")).hasSize(1);
                        });
    }

    @Test
    void volumesNeverShrinkAndARefusedExpansionIsReported() {
        String ns = "resize";
        create(hospital(ns, "grow", NodeRole.DATA).build());
        for (String volume : List.of("raw", "anonymised", "scratch")) {
            bind(ns, "grow-" + volume);
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(get(ns, "grow")).hasCondition("Ready", "True"));

        edit(ns, "grow", n -> n.getSpec().getStorage().getRaw().setSize("512Mi"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            FederationNode n = get(ns, "grow");
                            assertThat(n)
                                    .hasCondition("Stalled", "True", "VolumeShrinkNotAllowed")
                                    .hasMessageContaining("Ready", "spec.storage.raw.size")
                                    .hasCondition("Ready", "False");
                        });
        assertThat(claim(ns, "grow-raw").getSpec().getResources().getRequests().get("storage"))
                .isEqualTo(new Quantity("1Gi"));

        // No StorageClass here allows expansion, so the API server refuses the larger request.
        edit(ns, "grow", n -> n.getSpec().getStorage().getRaw().setSize("2Gi"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            FederationNode n = get(ns, "grow");
                            assertThat(n)
                                    .hasReason("StorageReady", "VolumeClaimRejected")
                                    .hasMessageContaining("StorageReady", "spec.storage.raw")
                                    .hasCondition("Stalled", "True");
                        });

        edit(ns, "grow", n -> n.getSpec().getStorage().getRaw().setSize("1Gi"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(get(ns, "grow")).hasCondition("Ready", "True"));
    }

    @Test
    void deletionPolicyDecidesWhetherVolumesAndKeyAreOwnedByTheNode() {
        String ns = "ownership";
        FederationNode node = create(hospital(ns, "owned", NodeRole.DATA).build());
        await().atMost(Duration.ofSeconds(60)).until(() -> claim(ns, "owned-raw") != null);
        assertThat(ownedBy(claim(ns, "owned-raw"), node)).isFalse();

        edit(ns, "owned", n -> n.getSpec().setDeletionPolicy(DeletionPolicy.Delete));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            for (String volume : List.of("raw", "anonymised", "scratch")) {
                                assertThat(ownedBy(claim(ns, "owned-" + volume), node)).isTrue();
                            }
                            assertThat(
                                            ownedBy(
                                                    admin().secrets()
                                                            .inNamespace(ns)
                                                            .withName("owned-pseudonym-key")
                                                            .get(),
                                                    node))
                                    .isTrue();
                        });

        edit(ns, "owned", n -> n.getSpec().setDeletionPolicy(DeletionPolicy.Retain));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ownedBy(claim(ns, "owned-raw"), node)).isFalse());
    }

    @Test
    void theOperatorPodPassesRestrictedPodSecurity() throws Exception {
        Deployment deployment;
        try (InputStream in =
                Files.newInputStream(InstalledOperator.INSTALL.resolve("03-deployment.yaml"))) {
            deployment =
                    admin().load(in).items().stream()
                            .filter(Deployment.class::isInstance)
                            .map(Deployment.class::cast)
                            .findFirst()
                            .orElseThrow();
        }
        assertThat(
                        admin().namespaces()
                                .withName(InstalledOperator.NAMESPACE)
                                .get()
                                .getMetadata()
                                .getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        Pod pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withName("operator-pod-security-check")
                        .withNamespace(InstalledOperator.NAMESPACE)
                        .endMetadata()
                        .withSpec(deployment.getSpec().getTemplate().getSpec())
                        .build();
        Pod accepted = admin().resource(pod).dryRun().create();
        assertThat(accepted.getMetadata().getUid()).isNotBlank();

        // The same Pod without its security context is refused: the check has teeth.
        Pod loose =
                new PodBuilder(pod)
                        .editSpec()
                        .withSecurityContext(null)
                        .editFirstContainer()
                        .withSecurityContext(null)
                        .endContainer()
                        .endSpec()
                        .build();
        assertThatThrownBy(() -> admin().resource(loose).dryRun().create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("violates PodSecurity");
    }
}
