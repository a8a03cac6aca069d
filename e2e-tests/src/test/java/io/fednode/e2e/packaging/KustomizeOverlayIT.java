package io.fednode.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.testing.KubernetesBinaries;
import io.fednode.testing.RealApiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kustomize base (manifests/) and the example site overlay (docs/examples/kustomize-overlay)
 * applied with the real kubectl to a real kube-apiserver: the overlay's mirror and namespace land
 * in the objects the API server stores, and no image of the release's registry is left.
 */
class KustomizeOverlayIT {
    private static final Path OVERLAY =
            KubernetesBinaries.repoRoot().resolve("docs/examples/kustomize-overlay");
    private static final String MIRROR = "registry.hospital.example/fednode/";

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    @TempDir Path dir;

    record Kubectl(int exit, String output) {}

    private Kubectl kubectl(String... args) throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, API.kubeConfigYaml());
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                KubernetesBinaries.binary("kubectl").toString(),
                                "--kubeconfig",
                                kubeconfig.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "kubectl", ".txt");
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Kubectl(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void theExampleOverlayInstallsFromTheMirrorIntoTheHospitalsNamespace() throws Exception {
        Kubectl rendered = kubectl("kustomize", OVERLAY.toString());
        assertThat(rendered.exit()).as(rendered.output()).isZero();
        assertThat(rendered.output())
                .as("every image the overlay installs or makes the operator run is mirrored")
                .doesNotContain("ghcr.io")
                .doesNotContain("hospital-a");

        KubernetesClient kube = API.client();
        kube.namespaces()
                .resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName("radiology")
                                .endMetadata()
                                .build())
                .create();
        Kubectl applied = kubectl("apply", "-k", OVERLAY.toString(), "--server-side");
        assertThat(applied.exit()).as(applied.output()).isZero();

        Deployment operator =
                kube.apps()
                        .deployments()
                        .inNamespace("fednode-system")
                        .withName("fednode-operator")
                        .get();
        var container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo(MIRROR + "fednode-operator:0.2.0");
        Map<String, String> env =
                container.getEnv().stream()
                        .filter(e -> e.getValue() != null)
                        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env)
                .containsEntry("FEDNODE_WATCH_NAMESPACES", "radiology")
                .containsEntry("FEDNODE_ANONYMISER_IMAGE", MIRROR + "fednode-anonymiser:0.2.0");
        assertThat(kube.rbac().roles().inNamespace("radiology").withName("fednode-operator").get())
                .isNotNull();
        assertThat(
                        kube.rbac()
                                .roleBindings()
                                .inNamespace("radiology")
                                .withName("fednode-operator")
                                .get())
                .isNotNull();
        assertThat(kube.namespaces().withName("hospital-a").get())
                .as("nothing of the base's example namespace is left")
                .isNull();
        assertThat(
                        kube
                                .apiextensions()
                                .v1()
                                .customResourceDefinitions()
                                .list()
                                .getItems()
                                .stream()
                                .map(c -> c.getMetadata().getName()))
                .contains(
                        "federationnodes.fednode.io",
                        "datasets.fednode.io",
                        "trainingruns.fednode.io");
    }

    @Test
    void theBaseListsEveryFileOfTheInstallDirectory() throws Exception {
        Path manifests = KubernetesBinaries.repoRoot().resolve("manifests");
        Kubectl base = kubectl("kustomize", manifests.toString());
        assertThat(base.exit()).as(base.output()).isZero();
        String kustomization = Files.readString(manifests.resolve("kustomization.yaml"));
        try (var files = Files.list(manifests.resolve("install"))) {
            for (Path file : files.toList()) {
                assertThat(kustomization)
                        .as("manifests/kustomization.yaml lists %s", file.getFileName())
                        .contains("  - install/" + file.getFileName() + "\n");
            }
        }
    }
}
