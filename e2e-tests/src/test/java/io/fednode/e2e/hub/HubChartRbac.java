package io.fednode.e2e.hub;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.Manifests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hub's ServiceAccount, Role and RoleBinding exactly as {@code charts/fednode-hub} ships them:
 * rendered by the helm CLI the build made ({@code helm template}), applied server-side. The hub
 * process then runs with that RBAC and nothing else.
 */
final class HubChartRbac {
    private HubChartRbac() {}

    /** Applies the chart's RBAC objects into the namespace; returns the ServiceAccount's name. */
    static String install(KubernetesClient admin, String namespace) {
        String yaml = helmTemplate(namespace);
        List<HasMetadata> objects =
                admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        String serviceAccount = null;
        for (HasMetadata o : objects) {
            if (o instanceof ServiceAccount || o instanceof Role || o instanceof RoleBinding) {
                o.getMetadata().setNamespace(namespace);
                admin.resource(o)
                        .fieldManager(Manifests.FIELD_MANAGER)
                        .forceConflicts()
                        .serverSideApply();
            }
            if (o instanceof ServiceAccount sa) {
                serviceAccount = sa.getMetadata().getName();
            }
        }
        if (serviceAccount == null) {
            throw new IllegalStateException("charts/fednode-hub renders no ServiceAccount");
        }
        return serviceAccount;
    }

    private static String helmTemplate(String namespace) {
        try {
            Process helm =
                    new ProcessBuilder(
                                    KubernetesBinaries.binary("helm").toString(),
                                    "template",
                                    "hub",
                                    KubernetesBinaries.repoRoot()
                                            .resolve("charts/fednode-hub")
                                            .toString(),
                                    "--namespace",
                                    namespace,
                                    "--skip-crds")
                            .redirectError(ProcessBuilder.Redirect.INHERIT)
                            .start();
            byte[] out = helm.getInputStream().readAllBytes();
            if (!helm.waitFor(1, TimeUnit.MINUTES) || helm.exitValue() != 0) {
                throw new IllegalStateException("helm template charts/fednode-hub failed");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
