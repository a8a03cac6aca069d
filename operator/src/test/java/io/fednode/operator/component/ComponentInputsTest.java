package io.fednode.operator.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fednode.api.common.SecretKeyRef;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentValuesSource;
import java.net.InetAddress;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of components: values, digest, egress, Helm's chart strings, pre-flight Pods. */
class ComponentInputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static ComponentSpec spec(Map<String, Object> values, String... secrets) {
        ComponentSpec c = new ComponentSpec();
        c.setName("web");
        c.setChart("probe-config");
        c.setRepository("https://charts.example.org");
        c.setVersion("1.0.0");
        c.setValues(values == null ? null : JSON.valueToTree(values));
        for (String s : secrets) {
            c.getValuesFrom().add(new ComponentValuesSource(new SecretKeyRef(s, "values.yaml")));
        }
        return c;
    }

    static Secret secret(String name, String yaml, String resourceVersion) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withUid("uid-" + name)
                .withResourceVersion(resourceVersion)
                .endMetadata()
                .addToData("values.yaml", Base64.getEncoder().encodeToString(yaml.getBytes()))
                .build();
    }

    @Test
    void secretValuesMergeOverValuesKeyByKey() throws Exception {
        ComponentValues v =
                ComponentValues.of(
                        spec(Map.of("db", Map.of("host", "pg", "port", 5432), "replicas", 1), "s"),
                        n -> secret(n, "db: {password: hunter2-long}\nreplicas: 2\n", "7"));
        assertThat(JSON.treeToValue(v.merged(), Map.class))
                .isEqualTo(
                        Map.of(
                                "db",
                                Map.of("host", "pg", "port", 5432, "password", "hunter2-long"),
                                "replicas",
                                2));
        assertThat(v.toString()).doesNotContain("hunter2");
        assertThat(v.redact("error: value hunter2-long is bad"))
                .isEqualTo("error: value *** is bad");
    }

    @Test
    void theDigestFollowsTheSecretsVersionNotItsContentAndTheSpec() throws Exception {
        String a =
                ComponentValues.of(spec(Map.of("x", 1), "s"), n -> secret(n, "p: one", "1"))
                        .digest();
        String sameVersion =
                ComponentValues.of(spec(Map.of("x", 1), "s"), n -> secret(n, "p: one", "1"))
                        .digest();
        String newVersion =
                ComponentValues.of(spec(Map.of("x", 1), "s"), n -> secret(n, "p: two", "2"))
                        .digest();
        String newValues =
                ComponentValues.of(spec(Map.of("x", 2), "s"), n -> secret(n, "p: one", "1"))
                        .digest();
        assertThat(a).isEqualTo(sameVersion).isNotEqualTo(newVersion).isNotEqualTo(newValues);
        assertThat(a).doesNotContain("one");
    }

    @Test
    void aMissingSecretOrKeyOrANonMappingIsNamed() {
        assertThatThrownBy(() -> ComponentValues.of(spec(null, "gone"), n -> null))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> {
                            assertThat(p.reason()).isEqualTo(Reasons.VALUES_INVALID);
                            assertThat(p.getMessage())
                                    .contains("Secret gone key values.yaml does not exist");
                            assertThat(p.retry()).isTrue();
                        });
        assertThatThrownBy(
                        () ->
                                ComponentValues.of(
                                        spec(null, "s"), n -> secret(n, "- just\n- a list", "1")))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> assertThat(p.getMessage()).contains("is not a YAML mapping"));
        assertThatThrownBy(
                        () ->
                                ComponentValues.of(
                                        spec(null, "s"),
                                        n -> secret(n, "password: [unclosed", "1")))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> assertThat(p.getMessage()).doesNotContain("unclosed"));
    }

    @Test
    void theRepositoryMustBeInsideTheEgressAllowList() throws Exception {
        RepositoryEgress.check("https://203.0.113.10/charts", List.of("203.0.113.0/24"), false);
        assertThatThrownBy(
                        () ->
                                RepositoryEgress.check(
                                        "https://198.51.100.7", List.of("203.0.113.0/24"), false))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> {
                            assertThat(p.reason()).isEqualTo(Reasons.REPOSITORY_NOT_ALLOWED);
                            assertThat(p.getMessage())
                                    .contains("198.51.100.7", "spec.connectivity.egressCIDRs");
                        });
        assertThatThrownBy(() -> RepositoryEgress.check("https://203.0.113.10", null, false))
                .isInstanceOf(ComponentProblem.class);
    }

    @Test
    void loopbackRepositoriesOnlyForTestOperators() throws Exception {
        RepositoryEgress.check("http://127.0.0.1:8080", List.of(), true);
        assertThatThrownBy(
                        () ->
                                RepositoryEgress.check(
                                        "http://127.0.0.1:8080", List.of("0.0.0.0/0"), false))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> assertThat(p.getMessage()).contains("loopback"));
    }

    @Test
    void cidrContainment() throws Exception {
        InetAddress a = InetAddress.getByName("10.1.2.3");
        assertThat(RepositoryEgress.contains("10.0.0.0/8", a)).isTrue();
        assertThat(RepositoryEgress.contains("10.1.2.3/32", a)).isTrue();
        assertThat(RepositoryEgress.contains("10.1.2.4/32", a)).isFalse();
        assertThat(RepositoryEgress.contains("0.0.0.0/0", a)).isTrue();
        assertThat(RepositoryEgress.contains("2001:db8::/32", a)).isFalse();
        assertThat(RepositoryEgress.contains("2001:db8::/32", InetAddress.getByName("2001:db8::1")))
                .isTrue();
    }

    @Test
    void helmChartStringsGiveTheVersion() {
        assertThat(HelmReleases.chartVersion("probe-config-1.2.0")).isEqualTo("1.2.0");
        assertThat(HelmReleases.chartVersion("orthanc-1.0.0-rc.1+b7")).isEqualTo("1.0.0-rc.1+b7");
        assertThat(HelmReleases.chartVersion("fl-client-2-0.3.0")).isEqualTo("0.3.0");
        assertThat(HelmReleases.chartVersion("nonsense")).isEmpty();
    }

    @Test
    void theKubeconfigForHelmCarriesTheClientsCredentials() {
        io.fabric8.kubernetes.client.Config config =
                new io.fabric8.kubernetes.client.ConfigBuilder()
                        .withMasterUrl("https://10.0.0.1:6443")
                        .withCaCertData("Q0E=")
                        .withOauthToken("tok'en")
                        .build();
        String kubeconfig = new HelmReleases(config).kubeConfig();
        assertThat(kubeconfig)
                .contains("server: 'https://10.0.0.1:6443/'")
                .contains("certificate-authority-data: Q0E=")
                .contains("token: 'tok''en'");
    }

    @Test
    void preflightPodsComeFromEveryWorkloadKind() {
        String manifest =
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  template:
                    metadata: {labels: {app: d}}
                    spec: {containers: [{name: a, image: x}]}
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: cj}
                spec:
                  jobTemplate:
                    spec:
                      template:
                        spec: {containers: [{name: b, image: y}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec: {containers: [{name: c, image: z}]}
                """;
        var pods = PodSecurityPreflight.pods(manifest, "ns");
        assertThat(pods)
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("d-preflight", "cj-preflight", "p-preflight");
        assertThat(pods.get(0).getMetadata().getLabels()).containsEntry("app", "d");
        assertThat(pods).allMatch(p -> "ns".equals(p.getMetadata().getNamespace()));
    }

    @Test
    void aStatefulSetsPreflightPodHasTheVolumesOfItsClaimTemplates() {
        String manifest =
                """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec:
                  template:
                    spec:
                      containers: [{name: c, image: z, volumeMounts: [{name: data, mountPath: /d}]}]
                  volumeClaimTemplates:
                    - metadata: {name: data}
                      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                """;
        var pod = PodSecurityPreflight.pods(manifest, "ns").get(0);
        assertThat(pod.getSpec().getVolumes())
                .singleElement()
                .satisfies(
                        v -> {
                            assertThat(v.getName()).isEqualTo("data");
                            assertThat(v.getPersistentVolumeClaim().getClaimName())
                                    .isEqualTo("data-db-0");
                        });
    }
}
