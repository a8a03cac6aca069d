package io.fednode.operator.node;

import static io.fednode.fixtures.ConditionAssert.assertThat;
import static io.fednode.fixtures.FederationNodes.hospital;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.RefusedClaimChange;
import io.fednode.operator.OperatorSettings;
import io.fednode.testing.Conflicts;
import io.fednode.testing.FakeVolumeController;
import io.fednode.testing.RealApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the FederationNode reconciler learns about a node lives in the node's status, not in the
 * operator's memory: an operator started anew against the same API server (a restart, or a new
 * leader) still knows a claim change was refused and that a policy was removed by someone, and what
 * it knew of a node goes with the node.
 */
class OperatorRestartIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final Set<String> WATCHED = Set.of("restart", "churn");

    private static final OperatorSettings SETTINGS =
            OperatorSettings.defaults()
                    .withResyncPeriod(Duration.ofMinutes(5))
                    .withNamespaces(WATCHED);

    private InstalledOperator operator;

    @BeforeAll
    static void retryUnwrittenStatus() {
        Awaitility.ignoreExceptionsByDefault();
    }

    @AfterAll
    static void reset() {
        Awaitility.reset();
    }

    @AfterEach
    void stopOperator() {
        if (operator != null) {
            operator.close();
            operator = null;
        }
    }

    static KubernetesClient admin() {
        return API.client();
    }

    void startOperator() {
        operator = InstalledOperator.install(admin(), API::clientAs, SETTINGS);
    }

    static FederationNode get(String ns, String name) {
        return admin().resources(FederationNode.class).inNamespace(ns).withName(name).get();
    }

    static void edit(String ns, String name, Consumer<FederationNode> change) {
        Conflicts.edit(
                admin().resources(FederationNode.class).inNamespace(ns).withName(name),
                n -> {
                    change.accept(n);
                    return n;
                });
    }

    static NetworkPolicy policy(String ns, String name) {
        return admin().network().v1().networkPolicies().inNamespace(ns).withName(name).get();
    }

    static List<Event> events(String ns, String reason) {
        return admin().v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }

    /** Write requests (any verb, any outcome) the API server counted on PersistentVolumeClaims. */
    static long claimWrites() {
        return ApiServerWrites.byVerbAndResource(admin()).entrySet().stream()
                .filter(e -> e.getKey().endsWith(" persistentvolumeclaims"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /** Creates a data node, binds its claims and waits for Ready. */
    static void readyNode(String ns, String name) {
        Nodes.namespace(admin(), ns);
        admin().resources(FederationNode.class)
                .resource(hospital(ns, name, NodeRole.DATA).build())
                .create();
        for (String volume : List.of("raw", "anonymised", "scratch")) {
            FakeVolumeController.bind(admin(), ns, name + "-" + volume);
        }
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(get(ns, name)).hasCondition("Ready", "True"));
    }

    /** Asks for 2Gi of the raw volume, which no StorageClass here can expand to. */
    static void askForARefusedExpansion(String ns, String name) {
        edit(ns, name, n -> n.getSpec().getStorage().getRaw().setSize("2Gi"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            FederationNode n = get(ns, name);
                            assertThat(n).hasReason("StorageReady", "VolumeClaimRejected");
                            assertThat(n.getStatus().getRefusedClaimChanges())
                                    .singleElement()
                                    .satisfies(
                                            r -> {
                                                assertThat(r.getClaim()).isEqualTo(name + "-raw");
                                                assertThat(r.getRequest()).isEqualTo("2Gi");
                                                assertThat(r.getMessage()).isNotBlank();
                                            });
                        });
    }

    @Test
    void aNewOperatorKnowsTheRefusedClaimChangeAndTheRemovedPolicy() {
        String ns = "restart";
        startOperator();
        readyNode(ns, "steady");
        askForARefusedExpansion(ns, "steady");
        List<RefusedClaimChange> learnt = get(ns, "steady").getStatus().getRefusedClaimChanges();
        assertThat(events(ns, "NetworkPolicyRestored")).isEmpty();

        operator.close();
        operator = null;
        String uid = policy(ns, "steady-default-deny").getMetadata().getUid();
        admin().network()
                .v1()
                .networkPolicies()
                .inNamespace(ns)
                .withName("steady-default-deny")
                .delete();
        long claimWritesBefore = claimWrites();

        startOperator();
        // The new operator's first reconcile of the node handles the volumes before the policies:
        // once the policy is back, the refused claim change has been considered.
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            NetworkPolicy back = policy(ns, "steady-default-deny");
                            assertThat(back).isNotNull();
                            assertThat(back.getMetadata().getUid()).isNotEqualTo(uid);
                            assertThat(events(ns, "NetworkPolicyRestored"))
                                    .as("the new operator tells that someone removed the policy")
                                    .singleElement()
                                    .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
                        });
        FederationNode n = get(ns, "steady");
        assertThat(n)
                .hasReason("StorageReady", "VolumeClaimRejected")
                .hasMessageContaining("StorageReady", "spec.storage.raw");
        assertThat(n.getStatus().getRefusedClaimChanges()).isEqualTo(learnt);
        assertThat(claimWrites())
                .as("the refused expansion is not sent again by the new operator")
                .isEqualTo(claimWritesBefore);

        // Asking for what the claim has clears the memory.
        edit(ns, "steady", x -> x.getSpec().getStorage().getRaw().setSize("1Gi"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            FederationNode ready = get(ns, "steady");
                            assertThat(ready).hasCondition("Ready", "True");
                            assertThat(ready.getStatus().getRefusedClaimChanges()).isEmpty();
                        });
    }

    @Test
    void whatTheOperatorKnewOfANodeGoesWithTheNode() {
        String ns = "churn";
        startOperator();
        int rounds = 5;
        for (int i = 0; i < rounds; i++) {
            // The same node, deleted and created again: the claims are retained (the default
            // deletionPolicy), so each new node meets the same claim, uid and all.
            if (i == 0) {
                readyNode(ns, "again");
            } else {
                admin().resources(FederationNode.class)
                        .resource(hospital(ns, "again", NodeRole.DATA).build())
                        .create();
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(
                                () -> assertThat(get(ns, "again")).hasCondition("Ready", "True"));
            }
            long before = claimWrites();
            askForARefusedExpansion(ns, "again");
            assertThat(claimWrites() - before)
                    .as(
                            "round %d: a new node asks the API server itself; no refusal"
                                    + " remembered from a deleted node answers for it",
                            i)
                    .isEqualTo(1);
            admin().resources(FederationNode.class).inNamespace(ns).withName("again").delete();
            await().atMost(Duration.ofSeconds(60)).until(() -> get(ns, "again") == null);
        }
    }
}
