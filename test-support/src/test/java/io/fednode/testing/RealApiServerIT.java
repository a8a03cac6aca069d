package io.fednode.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The integration-test API server enforces what a real cluster enforces: RBAC and Pod Security. */
class RealApiServerIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    @Test
    void servesTheKubernetesVersionBuiltFromSource() {
        assertThat(API.client().getKubernetesVersion().getGitVersion())
                .isEqualTo("v" + KubernetesBinaries.VERSION);
    }

    @Test
    void rbacDeniesAServiceAccountWithoutGrants() {
        namespace("rbac", null);
        API.client()
                .resource(
                        new ServiceAccountBuilder()
                                .withNewMetadata()
                                .withName("nobody")
                                .withNamespace("rbac")
                                .endMetadata()
                                .build())
                .create();
        try (KubernetesClient nobody = API.clientAs("rbac", "nobody")) {
            assertThatThrownBy(() -> nobody.secrets().inNamespace("rbac").list())
                    .isInstanceOfSatisfying(
                            KubernetesClientException.class,
                            e -> {
                                assertThat(e.getCode()).isEqualTo(403);
                                assertThat(e.getMessage())
                                        .contains("system:serviceaccount:rbac:nobody");
                            });
        }
    }

    @Test
    void podSecurityRestrictedRejectsAPrivilegedPod() {
        namespace("restricted", "restricted");
        Pod privileged =
                new PodBuilder()
                        .withNewMetadata()
                        .withName("privileged")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("c")
                        .withImage("example.org/app:1")
                        .withNewSecurityContext()
                        .withPrivileged(true)
                        .endSecurityContext()
                        .endContainer()
                        .endSpec()
                        .build();
        assertThatThrownBy(
                        () -> API.client().resource(privileged).inNamespace("restricted").create())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> {
                            assertThat(e.getCode()).isEqualTo(403);
                            assertThat(e.getMessage())
                                    .contains("violates PodSecurity \"restricted:latest\"")
                                    .contains("privileged");
                        });
    }

    private static void namespace(String name, String podSecurityLevel) {
        NamespaceBuilder ns = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
        if (podSecurityLevel != null) {
            ns.editMetadata()
                    .addToLabels("pod-security.kubernetes.io/enforce", podSecurityLevel)
                    .endMetadata();
        }
        API.client().resource(ns.build()).create();
    }
}
