package io.fednode.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.operator.OperatorSettings;
import io.fednode.operator.common.Labels;
import io.fednode.operator.common.WorkloadKind;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.RealApiServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the operator's ServiceAccount may do, asked of a real kube-apiserver with the chart's
 * rendered RBAC and admission policy applied (watching {@code hospital-a} and {@code hospital-b}):
 * SelfSubjectAccessReviews made with the ServiceAccount's own token, and Jobs created with it, so
 * RBAC and ValidatingAdmissionPolicy admission decide, not the test.
 */
class OperatorRbacIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final List<String> WATCHED = List.of("hospital-a", "hospital-b");
    static final String OUTSIDE = "elsewhere";

    private static Path rendered;
    private static KubernetesClient asOperator;

    @BeforeAll
    static void install() {
        rendered = OperatorManifests.applyAllButDeployment(API.client(), WATCHED);
        for (String ns : List.of(OUTSIDE, "kube-system")) {
            API.client()
                    .resource(
                            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                    .serverSideApply();
        }
        asOperator = API.clientAs(InstalledOperator.NAMESPACE, InstalledOperator.SERVICE_ACCOUNT);
        // The API server serves a new admission policy a moment after it is created: wait until a
        // Job naming another ServiceAccount is refused (dry run: nothing is stored).
        Job probe =
                job(
                        "hospital-a",
                        "policy-probe",
                        b ->
                                b.editSpec()
                                        .editTemplate()
                                        .editSpec()
                                        .withServiceAccountName("default")
                                        .endSpec()
                                        .endTemplate()
                                        .endSpec());
        awaitRefused(() -> asOperator.resource(probe).dryRun().create());
        // Each policy is loaded on its own: wait for the Secret and the Pod policy too, or a test
        // can run in the moment the first is served and the others are not yet.
        API.client()
                .resource(
                        new io.fabric8.kubernetes.api.model.SecretBuilder()
                                .withNewMetadata()
                                .withName("policy-probe")
                                .withNamespace("hospital-a")
                                .endMetadata()
                                .addToStringData("k", "v")
                                .build())
                .serverSideApply();
        awaitRefused(
                () ->
                        asOperator
                                .secrets()
                                .inNamespace("hospital-a")
                                .withName("policy-probe")
                                .dryRun()
                                .delete());
        API.client().secrets().inNamespace("hospital-a").withName("policy-probe").delete();
        API.client().resource(claim("policy-probe", java.util.Map.of())).create();
        awaitRefused(
                () ->
                        asOperator
                                .persistentVolumeClaims()
                                .inNamespace("hospital-a")
                                .withName("policy-probe")
                                .dryRun()
                                .edit(
                                        c -> {
                                            c.getMetadata().getLabels().put("probe", "x");
                                            return c;
                                        }));
        // A Pod can only be probed by a real create (a dry run is what the policy admits): one
        // created before the policy is served is deleted again at once.
        io.fabric8.kubernetes.api.model.Pod podProbe = pod("policy-probe");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            try {
                                asOperator.resource(podProbe).create();
                            } catch (KubernetesClientException e) {
                                return e.getCode() == 422 || e.getCode() == 403;
                            }
                            API.client()
                                    .pods()
                                    .inNamespace("hospital-a")
                                    .withName("policy-probe")
                                    .withGracePeriod(0)
                                    .delete();
                            await().atMost(Duration.ofSeconds(10))
                                    .until(
                                            () ->
                                                    API.client()
                                                                    .pods()
                                                                    .inNamespace("hospital-a")
                                                                    .withName("policy-probe")
                                                                    .get()
                                                            == null);
                            return false;
                        });
    }

    /**
     * Waits until the API server refuses {@code dryRunWrite} (422 from a policy, 403 from RBAC): a
     * new admission policy is served a moment after it is created.
     */
    static void awaitRefused(Runnable dryRunWrite) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            try {
                                dryRunWrite.run();
                                return false;
                            } catch (KubernetesClientException e) {
                                return e.getCode() == 422 || e.getCode() == 403;
                            }
                        });
    }

    @AfterAll
    static void close() {
        if (asOperator != null) {
            asOperator.close();
        }
    }

    static List<HasMetadata> rbacObjects() throws Exception {
        try (InputStream in = Files.newInputStream(rendered.resolve("02-rbac.yaml"))) {
            return API.client().load(in).items();
        }
    }

    @Test
    void theChartGrantsNothingClusterWideAndNoWildcards() throws Exception {
        List<HasMetadata> objects = rbacObjects();
        assertThat(objects)
                .as("cluster-wide grants")
                .noneMatch(o -> o instanceof ClusterRole || o instanceof ClusterRoleBinding);
        assertThat(
                        objects.stream()
                                .filter(Role.class::isInstance)
                                .map(o -> o.getMetadata().getNamespace()))
                .containsExactlyInAnyOrder("hospital-a", "hospital-b", InstalledOperator.NAMESPACE);
        for (HasMetadata o : objects) {
            if (o instanceof Role role) {
                for (PolicyRule rule : role.getRules()) {
                    assertThat(rule.getVerbs()).doesNotContain("*");
                    assertThat(rule.getResources()).doesNotContain("*");
                    assertThat(rule.getApiGroups()).doesNotContain("*");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kube-system", OUTSIDE, InstalledOperator.NAMESPACE})
    void outsideTheWatchedNamespacesSecretsJobsAndPoliciesAreDenied(String ns) {
        for (String verb : List.of("get", "list", "watch", "create", "patch", "update", "delete")) {
            assertThat(allowed(verb, "", "secrets", ns)).as("%s secrets in %s", verb, ns).isFalse();
        }
        assertThat(allowed("create", "batch", "jobs", ns)).as("create jobs in %s", ns).isFalse();
        assertThat(allowed("create", "", "pods", ns)).as("create pods in %s", ns).isFalse();
        assertThat(allowed("delete", "networking.k8s.io", "networkpolicies", ns)).isFalse();
        assertThat(allowed("delete", "", "serviceaccounts", ns)).isFalse();
        assertThat(allowed("create", "", "persistentvolumeclaims", ns)).isFalse();
        assertThat(allowed("list", "fednode.io", "federationnodes", ns)).isFalse();
    }

    @Test
    void clusterWideListsAndWatchesAreDenied() {
        // An empty namespace in an access review means all namespaces.
        for (String resource : List.of("secrets", "pods", "serviceaccounts")) {
            assertThat(allowed("list", "", resource, "")).as("list %s", resource).isFalse();
            assertThat(allowed("watch", "", resource, "")).as("watch %s", resource).isFalse();
        }
        assertThat(allowed("list", "batch", "jobs", "")).isFalse();
        assertThat(allowed("list", "fednode.io", "federationnodes", "")).isFalse();
        assertThat(allowed("create", "rbac.authorization.k8s.io", "rolebindings", "hospital-a"))
                .isFalse();
        assertThat(allowed("update", "coordination.k8s.io", "leases", "kube-system")).isFalse();
    }

    @Test
    void inAWatchedNamespaceWhatTheOperatorNeedsIsAllowedAndNoMore() {
        for (String ns : WATCHED) {
            for (String verb : List.of("get", "list", "watch", "create", "patch")) {
                assertThat(allowed(verb, "", "secrets", ns)).as("%s secrets", verb).isTrue();
                assertThat(allowed(verb, "", "persistentvolumeclaims", ns)).isTrue();
            }
            assertThat(allowed("create", "batch", "jobs", ns)).isTrue();
            assertThat(allowed("delete", "batch", "jobs", ns)).isTrue();
            assertThat(allowed("delete", "networking.k8s.io", "networkpolicies", ns)).isTrue();
            assertThat(allowed("delete", "", "serviceaccounts", ns)).isTrue();
            assertThat(allowed("patch", "fednode.io", "federationnodes/status", ns)).isTrue();
            assertThat(allowed("watch", "fednode.io", "datasets", ns)).isTrue();
            assertThat(allowed("watch", "fednode.io", "trainingruns", ns)).isTrue();
            // Federated jobs (issue 12): a run per accepted job, stopped when the hub drops it;
            // never changed.
            assertThat(allowed("create", "fednode.io", "trainingruns", ns)).isTrue();
            assertThat(allowed("delete", "fednode.io", "trainingruns", ns)).isTrue();
            assertThat(allowed("update", "fednode.io", "trainingruns", ns)).isFalse();
            assertThat(allowed("patch", "fednode.io", "trainingruns", ns)).isFalse();
            assertThat(allowed("create", "", "events", ns)).isTrue();
            // Components: Helm's release Secrets (update, delete) and what a component chart
            // holds; Pods only as dry runs. The admission policies narrow the Secrets and Pods
            // (secretsOtherThanHelmReleases..., podsOnlyAsDryRuns below).
            assertThat(allowed("delete", "", "secrets", ns)).isTrue();
            assertThat(allowed("update", "", "secrets", ns)).isTrue();
            assertThat(allowed("create", "", "pods", ns)).isTrue();
            for (String verb : List.of("get", "create", "patch", "delete")) {
                assertThat(allowed(verb, "", "configmaps", ns)).as("%s configmaps", verb).isTrue();
                assertThat(allowed(verb, "apps", "deployments", ns)).isTrue();
                assertThat(allowed(verb, "apps", "statefulsets", ns)).isTrue();
                assertThat(allowed(verb, "", "services", ns)).isTrue();
            }
            // Never: deleting claims, DaemonSets (a node-wide Pod), changing a node's spec,
            // granting rights.
            assertThat(allowed("delete", "", "persistentvolumeclaims", ns)).isFalse();
            assertThat(allowed("create", "apps", "daemonsets", ns)).isFalse();
            assertThat(allowed("list", "", "configmaps", ns)).isFalse();
            assertThat(allowed("patch", "fednode.io", "federationnodes", ns)).isFalse();
            assertThat(allowed("create", "rbac.authorization.k8s.io", "rolebindings", ns))
                    .isFalse();
        }
        for (String verb : List.of("get", "create", "update", "patch")) {
            assertThat(
                            allowed(
                                    verb,
                                    "coordination.k8s.io",
                                    "leases",
                                    InstalledOperator.NAMESPACE,
                                    OperatorSettings.LEASE_NAME))
                    .as("%s its Lease", verb)
                    .isTrue();
        }
        assertThat(
                        allowed(
                                "patch",
                                "coordination.k8s.io",
                                "leases",
                                InstalledOperator.NAMESPACE,
                                "another-controllers-lease"))
                .isFalse();
    }

    /** A Job as the operator makes it for node hospital-a's anonymiser, with one change. */
    static Job job(String ns, String name, UnaryOperator<JobBuilder> change) {
        JobBuilder b =
                new JobBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withNewTemplate()
                        .withNewMetadata()
                        .addToLabels(Labels.NODE, "hospital-a")
                        .addToLabels(Labels.WORKLOAD, WorkloadKind.ANONYMISER.label())
                        .endMetadata()
                        .withNewSpec()
                        .withRestartPolicy("Never")
                        .withServiceAccountName(
                                WorkloadKind.ANONYMISER.serviceAccountName("hospital-a"))
                        .withAutomountServiceAccountToken(false)
                        .addNewContainer()
                        .withName("anonymiser")
                        .withImage("registry.example.org/anonymiser:1")
                        .withNewSecurityContext()
                        .withAllowPrivilegeEscalation(false)
                        .withPrivileged(false)
                        .endSecurityContext()
                        .endContainer()
                        .addNewVolume()
                        .withName("raw")
                        .withNewPersistentVolumeClaim()
                        .withClaimName("hospital-a-raw")
                        .endPersistentVolumeClaim()
                        .endVolume()
                        .endSpec()
                        .endTemplate()
                        .endSpec();
        return change.apply(b).build();
    }

    @Test
    void theAdmissionPolicyAdmitsTheOperatorsOwnKindOfJob() {
        Job created = asOperator.resource(job("hospital-a", "anonymise-1", b -> b)).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "hospital-b-anonymiser", "hospital-a-training"})
    void aJobAsTheOperatorWithAnotherServiceAccountIsRejected(String serviceAccount) {
        Job other =
                job(
                        "hospital-a",
                        "as-" + serviceAccount,
                        b ->
                                b.editSpec()
                                        .editTemplate()
                                        .editSpec()
                                        .withServiceAccountName(serviceAccount)
                                        .endSpec()
                                        .endTemplate()
                                        .endSpec());
        assertRejected(
                other, "workload ServiceAccount hospital-a-anonymiser, not " + serviceAccount);
    }

    @Test
    void aJobAsTheOperatorWithoutAServiceAccountIsRejected() {
        Job noAccount =
                job(
                        "hospital-a",
                        "no-account",
                        b ->
                                b.editSpec()
                                        .editTemplate()
                                        .editSpec()
                                        .withServiceAccountName(null)
                                        .endSpec()
                                        .endTemplate()
                                        .endSpec());
        assertRejected(noAccount, "not default");
    }

    @Test
    void aJobAsTheOperatorThatReachesTheHostIsRejected() {
        assertRejected(
                job(
                        "hospital-a",
                        "host-path",
                        b ->
                                b.editSpec()
                                        .editTemplate()
                                        .editSpec()
                                        .addToVolumes(
                                                new VolumeBuilder()
                                                        .withName("root")
                                                        .withNewHostPath("/", null)
                                                        .build())
                                        .endSpec()
                                        .endTemplate()
                                        .endSpec()),
                "no hostPath");
        assertRejected(
                job(
                        "hospital-a",
                        "privileged",
                        b ->
                                b.editSpec()
                                        .editTemplate()
                                        .editSpec()
                                        .editFirstContainer()
                                        .editSecurityContext()
                                        .withPrivileged(true)
                                        .withAllowPrivilegeEscalation(true)
                                        .endSecurityContext()
                                        .endContainer()
                                        .endSpec()
                                        .endTemplate()
                                        .endSpec()),
                "no privileged container");
        assertRejected(
                job(
                        "hospital-a",
                        "host-network",
                        b ->
                                b.editSpec()
                                        .editTemplate()
                                        .editSpec()
                                        .withHostNetwork(true)
                                        .endSpec()
                                        .endTemplate()
                                        .endSpec()),
                "no host network");
        assertRejected(
                job(
                        "hospital-a",
                        "with-token",
                        b ->
                                b.editSpec()
                                        .editTemplate()
                                        .editSpec()
                                        .withAutomountServiceAccountToken(true)
                                        .endSpec()
                                        .endTemplate()
                                        .endSpec()),
                "automountServiceAccountToken: false");
    }

    @Test
    void secretsOtherThanHelmReleasesAreNeitherOverwrittenNorDeletedByTheOperator() {
        io.fabric8.kubernetes.api.model.Secret users =
                API.client()
                        .resource(
                                new io.fabric8.kubernetes.api.model.SecretBuilder()
                                        .withNewMetadata()
                                        .withName("users-secret")
                                        .withNamespace("hospital-a")
                                        .endMetadata()
                                        .addToStringData("k", "v")
                                        .build())
                        .create();
        String policy = "the operator updates only Helm release Secrets";
        assertThatThrownBy(
                        () ->
                                asOperator
                                        .secrets()
                                        .inNamespace("hospital-a")
                                        .withName("users-secret")
                                        .delete())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getMessage()).contains(policy));
        users.getMetadata().setManagedFields(null);
        users.setStringData(java.util.Map.of("k", "overwritten"));
        assertThatThrownBy(() -> asOperator.resource(users).update())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getMessage()).contains(policy));
        assertThat(
                        API.client()
                                .secrets()
                                .inNamespace("hospital-a")
                                .withName("users-secret")
                                .get()
                                .getData())
                .containsEntry("k", java.util.Base64.getEncoder().encodeToString("v".getBytes()));

        // Naming the operator's field manager does not help: the old exemption for it could be
        // claimed by anyone holding the token.
        assertThatThrownBy(
                        () ->
                                asOperator
                                        .secrets()
                                        .inNamespace("hospital-a")
                                        .withName("users-secret")
                                        .patch(
                                                new io.fabric8.kubernetes.client.dsl.base
                                                                .PatchContext.Builder()
                                                        .withPatchType(
                                                                io.fabric8.kubernetes.client.dsl
                                                                        .base.PatchType
                                                                        .SERVER_SIDE_APPLY)
                                                        .withFieldManager("fednode-operator")
                                                        .withForce(true)
                                                        .build(),
                                                "{\"apiVersion\":\"v1\",\"kind\":\"Secret\","
                                                        + "\"metadata\":{\"name\":\"users-secret\"},"
                                                        + "\"stringData\":{\"k\":\"stolen\"}}"))
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getMessage()).contains(policy));

        // A Secret the operator made (its label, set by an admin here): patched, never deleted.
        API.client()
                .resource(
                        new io.fabric8.kubernetes.api.model.SecretBuilder()
                                .withNewMetadata()
                                .withName("hospital-a-pseudonymisation-key-copy")
                                .withNamespace("hospital-a")
                                .addToLabels("app.kubernetes.io/managed-by", "fednode-operator")
                                .endMetadata()
                                .addToStringData("key", "k1")
                                .build())
                .create();
        asOperator
                .secrets()
                .inNamespace("hospital-a")
                .withName("hospital-a-pseudonymisation-key-copy")
                .edit(
                        s -> {
                            s.getData().put("pending", "cGVuZGluZw==");
                            return s;
                        });
        assertThatThrownBy(
                        () ->
                                asOperator
                                        .secrets()
                                        .inNamespace("hospital-a")
                                        .withName("hospital-a-pseudonymisation-key-copy")
                                        .delete())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getMessage()).contains(policy));

        io.fabric8.kubernetes.api.model.Secret release =
                API.client()
                        .resource(
                                new io.fabric8.kubernetes.api.model.SecretBuilder()
                                        .withNewMetadata()
                                        .withName("sh.helm.release.v1.web.v1")
                                        .withNamespace("hospital-a")
                                        .endMetadata()
                                        .withType("helm.sh/release.v1")
                                        .addToStringData("release", "x")
                                        .build())
                        .create();
        release.getMetadata().setManagedFields(null);
        release.setStringData(java.util.Map.of("release", "y"));
        asOperator.resource(release).update();
        asOperator
                .secrets()
                .inNamespace("hospital-a")
                .withName(release.getMetadata().getName())
                .delete();
    }

    /** A bare Pod in hospital-a, as a component chart might hold one. */
    static io.fabric8.kubernetes.api.model.Pod pod(String name) {
        return new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("hospital-a")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("registry.example.org/x:1")
                .endContainer()
                .endSpec()
                .build();
    }

    @Test
    void podsOnlyAsDryRuns() {
        io.fabric8.kubernetes.api.model.Pod pod = pod("preflight");
        asOperator.resource(pod).dryRun().create();
        assertThatThrownBy(() -> asOperator.resource(pod).create())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e ->
                                assertThat(e.getMessage())
                                        .contains("creates Pods only as server-side dry runs"));
        assertThat(API.client().pods().inNamespace("hospital-a").withName("preflight").get())
                .isNull();
    }

    /**
     * Claims: no delete at all (RBAC), and no patch that would hand a claim to the garbage
     * collector (an owner reference) unless it is a component's volume going with its StatefulSet
     * or a node's volume going with its node (admission policy fednode-operator-claims).
     */
    @Test
    void noClaimButAComponentsVolumeCanBeHandedToTheGarbageCollector() {
        KubernetesClient admin = API.client();
        admin.resource(claim("notes", java.util.Map.of())).create();
        admin.resource(
                        claim(
                                "hospital-a-raw",
                                java.util.Map.of(
                                        Labels.MANAGED_BY,
                                        Labels.MANAGER,
                                        Labels.NODE,
                                        "hospital-a")))
                .create();
        admin.resource(
                        claim(
                                "data-web-db-0",
                                java.util.Map.of("app.kubernetes.io/instance", "web")))
                .create();
        var claims = asOperator.persistentVolumeClaims().inNamespace("hospital-a");
        for (String name : List.of("notes", "hospital-a-raw", "data-web-db-0")) {
            assertThatThrownBy(() -> claims.withName(name).delete())
                    .as("delete %s", name)
                    .isInstanceOfSatisfying(
                            KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(403));
        }
        String foreign = "on claims it did not make the operator changes nothing but the owner";
        String own = "the operator changes only the owner reference to their own FederationNode";
        // a user's claim: no owner of any kind, no relabelling
        assertRefused("notes", owner("apps/v1", "StatefulSet", "notes"), foreign);
        assertRefused(
                "notes", owner("fednode.io/v1alpha1", "FederationNode", "hospital-a"), foreign);
        assertRefused("notes", owner("v1", "Pod", "anything"), foreign);
        assertThatThrownBy(
                        () ->
                                claims.withName("notes")
                                        .edit(
                                                c -> {
                                                    c.getMetadata()
                                                            .getLabels()
                                                            .put(Labels.MANAGED_BY, Labels.MANAGER);
                                                    return c;
                                                }))
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getMessage()).contains(foreign));
        // the node's raw volume: never with a StatefulSet (nor anything but its node)
        assertRefused("hospital-a-raw", owner("apps/v1", "StatefulSet", "hospital-a"), own);
        assertRefused("hospital-a-raw", owner("v1", "ConfigMap", "x"), own);
        // a component's volume: only with the StatefulSet it is named after
        assertRefused("data-web-db-0", owner("apps/v1", "StatefulSet", "other-db"), foreign);
        // the node's volume: only with its own node
        assertRefused(
                "hospital-a-raw",
                owner("fednode.io/v1alpha1", "FederationNode", "hospital-b"),
                own);
        claims.withName("data-web-db-0")
                .edit(
                        c -> {
                            c.getMetadata()
                                    .getOwnerReferences()
                                    .add(owner("apps/v1", "StatefulSet", "web-db"));
                            return c;
                        });
        // the node's volume with its node (deletionPolicy: Delete)
        claims.withName("hospital-a-raw")
                .edit(
                        c -> {
                            c.getMetadata()
                                    .getOwnerReferences()
                                    .add(
                                            owner(
                                                    "fednode.io/v1alpha1",
                                                    "FederationNode",
                                                    "hospital-a"));
                            return c;
                        });
        assertThat(
                        admin.persistentVolumeClaims()
                                .inNamespace("hospital-a")
                                .withName("notes")
                                .get()
                                .getMetadata()
                                .getOwnerReferences())
                .isEmpty();
        assertThat(
                        admin.persistentVolumeClaims()
                                .inNamespace("hospital-a")
                                .withName("data-web-db-0")
                                .get()
                                .getMetadata()
                                .getOwnerReferences())
                .extracting(io.fabric8.kubernetes.api.model.OwnerReference::getName)
                .containsExactly("web-db");
    }

    private static void assertRefused(
            String claim, io.fabric8.kubernetes.api.model.OwnerReference owner, String message) {
        assertThatThrownBy(
                        () ->
                                asOperator
                                        .persistentVolumeClaims()
                                        .inNamespace("hospital-a")
                                        .withName(claim)
                                        .edit(
                                                c -> {
                                                    c.getMetadata().getOwnerReferences().add(owner);
                                                    return c;
                                                }))
                .as("%s owned by %s %s", claim, owner.getKind(), owner.getName())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> {
                            assertThat(e.getCode()).isEqualTo(422);
                            assertThat(e.getMessage()).contains(message);
                        });
    }

    private static io.fabric8.kubernetes.api.model.OwnerReference owner(
            String apiVersion, String kind, String name) {
        return new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withName(name)
                .withUid(java.util.UUID.randomUUID().toString())
                .build();
    }

    static io.fabric8.kubernetes.api.model.PersistentVolumeClaim claim(
            String name, java.util.Map<String, String> labels) {
        return new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("hospital-a")
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
                .endResources()
                .endSpec()
                .build();
    }

    @Test
    void aJobInKubeSystemIsForbiddenByRbac() {
        Job job = job("kube-system", "anonymise-1", b -> b);
        assertThatThrownBy(() -> asOperator.resource(job).create())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(403));
    }

    static void assertRejected(Job job, String reason) {
        assertThatThrownBy(() -> asOperator.resource(job).create())
                .as("Job %s", job.getMetadata().getName())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> {
                            assertThat(e.getCode()).isEqualTo(422);
                            assertThat(e.getMessage())
                                    .contains("ValidatingAdmissionPolicy")
                                    .contains(reason);
                        });
        assertThat(
                        API.client()
                                .batch()
                                .v1()
                                .jobs()
                                .inNamespace(job.getMetadata().getNamespace())
                                .withName(job.getMetadata().getName())
                                .get())
                .isNull();
    }

    static boolean allowed(String verb, String group, String resource, String ns) {
        return allowed(verb, group, resource, ns, null);
    }

    static boolean allowed(String verb, String group, String resource, String ns, String name) {
        String sub = null;
        String res = resource;
        int slash = resource.indexOf('/');
        if (slash > 0) {
            res = resource.substring(0, slash);
            sub = resource.substring(slash + 1);
        }
        return asOperator
                .authorization()
                .v1()
                .selfSubjectAccessReview()
                .create(
                        new SelfSubjectAccessReviewBuilder()
                                .withNewSpec()
                                .withNewResourceAttributes()
                                .withVerb(verb)
                                .withGroup(group)
                                .withResource(res)
                                .withSubresource(sub)
                                .withNamespace(ns)
                                .withName(name)
                                .endResourceAttributes()
                                .endSpec()
                                .build())
                .getStatus()
                .getAllowed();
    }
}
