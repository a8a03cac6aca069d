package io.fednode.operator.component;

import static io.fednode.api.common.ConditionTypes.FALSE;
import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.fixtures.ConditionAssert.assertThatConditions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fednode.api.v1alpha1.ComponentConditions;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentStatus;
import io.fednode.api.v1alpha1.DeletionPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.fixtures.FederationNodes;
import io.fednode.operator.OperatorSettings;
import io.fednode.operator.node.InstalledOperator;
import io.fednode.testing.ChartRepositoryServer;
import io.fednode.testing.ControllerManager;
import io.fednode.testing.FakeKubelet;
import io.fednode.testing.Namespaces;
import io.fednode.testing.RealApiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A component's volumes follow the node's deletionPolicy when the component is uninstalled
 * (disabled, removed, or its node deleted), against a real kube-apiserver with the real StatefulSet
 * controller (it makes the claims from volumeClaimTemplates), the real garbage collector and
 * PVC-protection controller (they delete what is handed to them) of a kube-controller-manager, real
 * Helm (helm-java) and the operator as its ServiceAccount under the chart's RBAC and admission
 * policies. No node runs: {@link FakeKubelet} reports the Pods ready, which is all the StatefulSet
 * controller and Helm's readiness wait look at.
 *
 * <p>Each node has two components of chart {@code probe-volumes} (a StatefulSet {@code
 * <release>-db} with two replicas and a {@code data} claim template: claims {@code
 * data-<release>-db-0/1}), its own volumes, and next to it a user's claim and a user's claim named
 * like a third replica of {@code web}'s but without its labels; the last three are never touched.
 */
class ComponentVolumesIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final Path CHARTS = Path.of("../fixtures/src/main/resources/charts");
    static final String RETAIN = "vol-retain";
    static final String DELETE = "vol-delete";
    static final List<String> WEB_CLAIMS = List.of("data-web-db-0", "data-web-db-1");
    static final List<String> KEEP_CLAIMS = List.of("data-keep-db-0", "data-keep-db-1");
    static final List<String> NODE_CLAIMS = List.of("site-anonymised", "site-scratch");
    static final List<String> USER_CLAIMS = List.of("notes", "data-web-db-7");

    private static ChartRepositoryServer repo;
    private static ControllerManager controllers;
    private static final List<SharedIndexInformer<Pod>> kubelets = new ArrayList<>();
    private static InstalledOperator operator;

    @BeforeAll
    static void install() {
        Awaitility.ignoreExceptionsByDefault();
        repo = new ChartRepositoryServer();
        repo.publish(CHARTS.resolve("probe-volumes"), "1.0.0");
        for (String ns : List.of(RETAIN, DELETE)) {
            Namespaces.restricted(API.client(), ns);
            kubelets.add(FakeKubelet.start(API.client(), ns));
        }
        controllers =
                ControllerManager.start(
                        API.kubeConfigYaml(),
                        "statefulset-controller",
                        "garbage-collector-controller",
                        "persistentvolumeclaim-protection-controller",
                        "serviceaccount-controller");
        operator =
                InstalledOperator.install(
                        API.client(),
                        API::clientAs,
                        OperatorSettings.defaults()
                                .withResyncPeriod(Duration.ofSeconds(5))
                                .withNamespaces(Set.of(RETAIN, DELETE))
                                .withComponents(
                                        new ComponentSettings(Duration.ofSeconds(60), true)));
    }

    @AfterAll
    static void stop() {
        Awaitility.reset();
        if (operator != null) {
            operator.close();
        }
        kubelets.forEach(SharedIndexInformer::close);
        if (controllers != null) {
            controllers.close();
        }
        if (repo != null) {
            repo.close();
        }
    }

    @Test
    void retainKeepsTheClaimsOfADisabledComponentAndOfADeletedNode() {
        KubernetesClient admin = API.client();
        Map<String, String> uids = installNodeWithTwoComponents(RETAIN, DeletionPolicy.Retain);

        // disabled → uninstalled, its claims kept as they were and named in the status and Event
        edit(RETAIN, n -> n.getSpec().getComponents().get(0).setEnabled(false));
        String kept =
                "PersistentVolumeClaims kept (deletionPolicy Retain): "
                        + String.join(", ", WEB_CLAIMS);
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            assertThatConditions("web", status(RETAIN, "web").getConditions())
                                    .hasCondition(
                                            ComponentConditions.READY, FALSE, Reasons.DISABLED)
                                    .hasMessageContaining(ComponentConditions.READY, kept);
                            assertThat(
                                            admin.apps()
                                                    .statefulSets()
                                                    .inNamespace(RETAIN)
                                                    .withName("web-db")
                                                    .get())
                                    .isNull();
                            assertThat(podsOf(RETAIN, "web")).isEmpty(); // the GC has seen it go
                        });
        assertThat(eventMessages(RETAIN))
                .anyMatch(m -> m.contains("component web") && m.contains(kept));
        assertAllAsBefore(RETAIN, uids);

        // node deleted → its remaining component uninstalled too, every claim kept
        admin.resources(FederationNode.class).inNamespace(RETAIN).withName("site").delete();
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            assertThat(
                                            admin.apps()
                                                    .statefulSets()
                                                    .inNamespace(RETAIN)
                                                    .withName("keep-db")
                                                    .get())
                                    .isNull();
                            assertThat(podsOf(RETAIN, "keep")).isEmpty(); // the GC has seen it go
                        });
        assertThat(eventMessages(RETAIN))
                .anyMatch(
                        m ->
                                m.contains("component keep")
                                        && m.contains(
                                                "PersistentVolumeClaims kept (deletionPolicy Retain): "
                                                        + String.join(", ", KEEP_CLAIMS)));
        assertAllAsBefore(RETAIN, uids);
    }

    @Test
    void deleteRemovesTheClaimsOfARemovedComponentAndOfADeletedNodeOnly() {
        KubernetesClient admin = API.client();
        Map<String, String> uids = installNodeWithTwoComponents(DELETE, DeletionPolicy.Delete);

        // removed → uninstalled, its claims deleted (by the garbage collector, after the
        // StatefulSet); the other release's, the node's and the user's claims untouched
        edit(
                DELETE,
                n ->
                        n.getSpec()
                                .setComponents(
                                        new ArrayList<>(
                                                List.of(n.getSpec().getComponents().get(1)))));
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            for (String c : WEB_CLAIMS) {
                                assertThat(claim(DELETE, c)).as(c).isNull();
                            }
                        });
        assertThat(eventMessages(DELETE))
                .anyMatch(
                        m ->
                                m.contains("component web")
                                        && m.contains(
                                                "PersistentVolumeClaims deleted with their StatefulSets"
                                                        + " (deletionPolicy Delete): "
                                                        + String.join(", ", WEB_CLAIMS)));
        Map<String, String> rest = new HashMap<>(uids);
        WEB_CLAIMS.forEach(rest::remove);
        assertAllAsBefore(DELETE, rest);
        for (String c : KEEP_CLAIMS) {
            assertThat(claim(DELETE, c).getMetadata().getOwnerReferences()).as(c).isEmpty();
        }
        for (String c : NODE_CLAIMS) {
            assertThat(claim(DELETE, c).getMetadata().getOwnerReferences())
                    .extracting(OwnerReference::getKind)
                    .as(c)
                    .containsExactly("FederationNode");
        }

        // node deleted → the other component uninstalled and its claims deleted, as are the
        // node's own (owner reference); the user's claims stay
        admin.resources(FederationNode.class).inNamespace(DELETE).withName("site").delete();
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            for (String c : concat(KEEP_CLAIMS, NODE_CLAIMS)) {
                                assertThat(claim(DELETE, c)).as(c).isNull();
                            }
                        });
        for (String c : USER_CLAIMS) {
            assertThat(claim(DELETE, c).getMetadata().getUid()).as(c).isEqualTo(uids.get(c));
        }
    }

    /**
     * The node in {@code ns} with components web and keep, both Ready, their claims made by the
     * StatefulSet controller, and the user's claims.
     *
     * @return every claim of the namespace by name, with its uid
     */
    private static Map<String, String> installNodeWithTwoComponents(
            String ns, DeletionPolicy policy) {
        KubernetesClient admin = API.client();
        admin.resource(userClaim(ns, "notes", Map.of())).create();
        // named as web-db's eighth replica would name it, but not made by it: not its labels
        admin.resource(userClaim(ns, "data-web-db-7", Map.of("fednode.test/volume", "data")))
                .create();
        FederationNode node =
                FederationNodes.node(ns, "site")
                        .role(NodeRole.COMPUTE)
                        .storage(null, "1Gi", "1Gi")
                        .deletionPolicy(policy)
                        .build();
        node.getSpec()
                .setComponents(
                        new ArrayList<>(
                                List.of(
                                        component("web", "probe-volumes", "1.0.0"),
                                        component("keep", "probe-volumes", "1.0.0"))));
        admin.resource(node).create();
        await().atMost(Duration.ofSeconds(180))
                .untilAsserted(
                        () -> {
                            assertThat(controllers.isAlive()).as(controllers.log()).isTrue();
                            for (String c : List.of("web", "keep")) {
                                assertThatConditions(c, status(ns, c).getConditions())
                                        .hasCondition(
                                                ComponentConditions.READY, TRUE, Reasons.INSTALLED);
                            }
                            for (String c : concat(concat(WEB_CLAIMS, KEEP_CLAIMS), NODE_CLAIMS)) {
                                assertThat(claim(ns, c)).as(c).isNotNull();
                            }
                        });
        Map<String, String> uids = new HashMap<>();
        for (PersistentVolumeClaim c :
                admin.persistentVolumeClaims().inNamespace(ns).list().getItems()) {
            uids.put(c.getMetadata().getName(), c.getMetadata().getUid());
        }
        assertThat(uids)
                .containsOnlyKeys(
                        concat(concat(WEB_CLAIMS, KEEP_CLAIMS), concat(NODE_CLAIMS, USER_CLAIMS)));
        return uids;
    }

    /** Every claim in {@code uids} still exists, the same object, not being deleted. */
    private static void assertAllAsBefore(String ns, Map<String, String> uids) {
        uids.forEach(
                (name, uid) -> {
                    PersistentVolumeClaim c = claim(ns, name);
                    assertThat(c).as(name).isNotNull();
                    assertThat(c.getMetadata().getUid()).as(name).isEqualTo(uid);
                    assertThat(c.getMetadata().getDeletionTimestamp()).as(name).isNull();
                    assertThat(c.getMetadata().getOwnerReferences())
                            .as(name)
                            .noneMatch(o -> o.getKind().equals("StatefulSet"));
                });
    }

    private static PersistentVolumeClaim userClaim(
            String ns, String name, Map<String, String> labels) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build();
    }

    private static ComponentSpec component(String name, String chart, String version) {
        return ComponentTestBed.component(repo.url(), name, chart, version);
    }

    private static PersistentVolumeClaim claim(String ns, String name) {
        return API.client().persistentVolumeClaims().inNamespace(ns).withName(name).get();
    }

    private static List<Pod> podsOf(String ns, String release) {
        return API.client()
                .pods()
                .inNamespace(ns)
                .withLabel("app.kubernetes.io/instance", release)
                .list()
                .getItems();
    }

    private static List<String> eventMessages(String ns) {
        return API.client().v1().events().inNamespace(ns).list().getItems().stream()
                .map(e -> e.getMessage())
                .toList();
    }

    private static ComponentStatus status(String ns, String name) {
        FederationNode n =
                API.client().resources(FederationNode.class).inNamespace(ns).withName("site").get();
        return Optional.ofNullable(n.getStatus()).stream()
                .flatMap(s -> s.getComponents().stream())
                .filter(c -> c.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static void edit(String ns, Consumer<FederationNode> change) {
        new ComponentTestBed(API).edit(ns, "site", change);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
