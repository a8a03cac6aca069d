package io.fednode.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator's install manifests as a user renders them for the namespaces the operator is to
 * watch: {@code tools/render-manifests.sh} with {@code WATCH_NAMESPACES}, so a test runs under
 * exactly the Roles and admission policy the chart grants for those namespaces.
 */
public final class OperatorManifests {
    private OperatorManifests() {}

    /**
     * Renders manifests/install for the given watched namespaces into a new folder under the
     * module's {@code target/} (removed by {@code mvn clean}).
     */
    public static Path render(Collection<String> watchNamespaces) {
        try {
            Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
            Path out = Files.createTempDirectory(target, "fednode-install");
            Path log = Files.createTempFile(target, "render-manifests", ".log");
            ProcessBuilder render =
                    new ProcessBuilder(
                                    KubernetesBinaries.repoRoot()
                                            .resolve("tools/render-manifests.sh")
                                            .toString(),
                                    out.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile());
            render.environment().put("HELM", KubernetesBinaries.binary("helm").toString());
            render.environment().put("WATCH_NAMESPACES", String.join(",", watchNamespaces));
            Process p = render.start();
            boolean done = p.waitFor(2, TimeUnit.MINUTES);
            String text = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            if (!done || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("tools/render-manifests.sh failed:\n" + text);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates the watched namespaces (if missing) and applies the rendered namespace, CRDs,
     * ServiceAccount, Roles and admission policy: everything but the Deployment.
     *
     * @return the folder of the rendered manifests
     */
    public static Path applyAllButDeployment(
            KubernetesClient admin, Collection<String> watchNamespaces) {
        Path dir = render(watchNamespaces);
        for (String ns : watchNamespaces) {
            admin.resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName(ns)
                                    .endMetadata()
                                    .build())
                    .fieldManager(Manifests.FIELD_MANAGER)
                    .serverSideApply();
        }
        for (String file : List.of("00-namespace.yaml", "01-crds.yaml", "02-rbac.yaml")) {
            Manifests.apply(admin, dir.resolve(file));
        }
        return dir;
    }
}
