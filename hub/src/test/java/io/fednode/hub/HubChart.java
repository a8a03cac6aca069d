package io.fednode.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fednode.testing.RealApiServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** charts/fednode-hub rendered in-process (helm-java) and applied to a real API server. */
final class HubChart {
    static final String SERVICE_ACCOUNT = "fednode-hub";

    private HubChart() {}

    static List<HasMetadata> render(KubernetesClient kube, String namespace) throws Exception {
        String yaml =
                new Helm(Path.of("../charts/fednode-hub"))
                        .template()
                        .withName("hub")
                        .withNamespace(namespace)
                        .skipCrds()
                        .call();
        return kube.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }

    /**
     * Applies the chart's ServiceAccount, Role and RoleBinding and returns a client authenticated
     * as that ServiceAccount (TokenRequest API), so the tests exercise exactly the chart's RBAC.
     */
    static KubernetesClient installRbacAndLogIn(RealApiServer api, String namespace)
            throws Exception {
        KubernetesClient kube = api.client();
        for (HasMetadata o : render(kube, namespace)) {
            if (o instanceof ServiceAccount || o instanceof Role || o instanceof RoleBinding) {
                kube.resource(o).inNamespace(namespace).create();
            }
        }
        String token =
                kube.serviceAccounts()
                        .inNamespace(namespace)
                        .withName(SERVICE_ACCOUNT)
                        .tokenRequest(
                                new TokenRequestBuilder()
                                        .withNewSpec()
                                        .withExpirationSeconds(3600L)
                                        .endSpec()
                                        .build())
                        .getStatus()
                        .getToken();
        Config admin = Config.fromKubeconfig(api.kubeConfigYaml());
        return new KubernetesClientBuilder()
                .withConfig(
                        new ConfigBuilder(admin)
                                .withClientCertData(null)
                                .withClientKeyData(null)
                                .withClientCertFile(null)
                                .withClientKeyFile(null)
                                .withOauthToken(token)
                                .withNamespace(namespace)
                                .build())
                .build();
    }

    static void assertLeastPrivilegeAndRestricted(KubernetesClient kube, String namespace)
            throws Exception {
        List<HasMetadata> objects = render(kube, namespace);
        assertThat(objects)
                .extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrder(
                        "ServiceAccount",
                        "Role",
                        "RoleBinding",
                        "Service",
                        "Service",
                        "Deployment",
                        "ValidatingAdmissionPolicy",
                        "ValidatingAdmissionPolicyBinding");
        for (HasMetadata o : objects) {
            if (o instanceof Role role) {
                for (PolicyRule rule : role.getRules()) {
                    assertThat(rule.getVerbs()).doesNotContain("*", "update");
                    assertThat(rule.getResources()).doesNotContain("*");
                    assertThat(rule.getApiGroups()).doesNotContain("*");
                }
            }
            if (o instanceof Deployment deployment) {
                assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
                Pod pod =
                        new PodBuilder()
                                .withNewMetadata()
                                .withName("fednode-hub-dry-run")
                                .withNamespace(namespace)
                                .endMetadata()
                                .withSpec(deployment.getSpec().getTemplate().getSpec())
                                .build();
                // The namespace enforces Pod Security "restricted": a dry-run create is admitted
                // only if the chart's pod complies.
                kube.pods().inNamespace(namespace).resource(pod).dryRun().create();
            }
            if (!(o instanceof Deployment)) {
                kube.resource(o).inNamespace(namespace).dryRun().createOr(r -> r.update());
            }
        }
    }
}
