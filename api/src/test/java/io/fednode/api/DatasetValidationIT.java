package io.fednode.api;

import static io.fednode.testing.ApiRejections.INVALID;
import static io.fednode.testing.ApiRejections.assertCreateRejected;
import static io.fednode.testing.ApiRejections.map;
import static io.fednode.testing.ApiRejections.specOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.testing.RealApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed Dataset CRD, installed on a real kube-apiserver, accepts the shipped sample and
 * good paths and rejects bad Datasets with a message that names the field — what a data steward
 * sees from {@code kubectl apply}.
 */
class DatasetValidationIT {
    private static final String NS = "dataset-validation";

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    @BeforeAll
    static void installCrd() {
        API.installCrd(Path.of("../crds/datasets.fednode.io-v1.yml"));
        API.client()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    static Stream<Path> samples() throws IOException {
        return Files.list(Path.of("../manifests/samples"))
                .filter(p -> p.getFileName().toString().startsWith("dataset-"))
                .sorted();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shippedSamplesAreAccepted(Path sample) throws IOException {
        GenericKubernetesResource dataset =
                Serialization.unmarshal(Files.readString(sample), GenericKubernetesResource.class);
        GenericKubernetesResource created = client().resource(dataset).inNamespace(NS).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
    }

    @ParameterizedTest
    @MethodSource("goodPaths")
    void relativePathsWithoutParentSegmentsAreAccepted(String path) {
        GenericKubernetesResource dataset = valid("ok-" + Integer.toHexString(path.hashCode()));
        map(specOf(dataset), "source").put("path", path);
        assertThat(client().resource(dataset).inNamespace(NS).create().getMetadata().getUid())
                .isNotBlank();
    }

    static Stream<String> goodPaths() {
        return Stream.of("lung", "imports/2026-11/lung-ct", "a..b/c", "x/..y/z..", "./here");
    }

    @Test
    void shortNamesDoNotClashWithBuiltIns() {
        var names =
                client().apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName("datasets.fednode.io")
                        .get()
                        .getSpec()
                        .getNames();
        assertThat(names.getShortNames()).contains("fds").doesNotContain("ds");
    }

    @Test
    void deadlineDefaultsToADay() {
        GenericKubernetesResource created =
                client().resource(valid("default-deadline")).inNamespace(NS).create();
        assertThat(specOf(created).get("activeDeadlineSeconds"))
                .as("spec.activeDeadlineSeconds filled in by the API server")
                .isEqualTo(86400);
    }

    record Case(String name, Consumer<GenericKubernetesResource> mutation, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> invalidResources() {
        List<Case> cases = new ArrayList<>();
        cases.add(
                new Case(
                        "missing node ref",
                        d -> specOf(d).remove("nodeRef"),
                        List.of("spec.nodeRef", "Required value")));
        cases.add(
                new Case(
                        "node ref not a DNS label",
                        d -> specOf(d).put("nodeRef", "Hospital_A"),
                        List.of("spec.nodeRef", "Invalid value: \"Hospital_A\"")));
        cases.add(
                new Case(
                        "missing source",
                        d -> specOf(d).remove("source"),
                        List.of("spec.source", "Required value")));
        cases.add(
                new Case(
                        "missing source path",
                        d -> map(specOf(d), "source").remove("path"),
                        List.of("spec.source.path", "Required value")));
        cases.add(
                new Case(
                        "empty source path",
                        d -> map(specOf(d), "source").put("path", ""),
                        List.of("spec.source.path", "at least 1 chars long")));
        cases.add(
                new Case(
                        "'..' path",
                        d -> map(specOf(d), "source").put("path", "imports/../../etc"),
                        List.of("spec.source.path", "path must not contain a '..' segment")));
        cases.add(
                new Case(
                        "path that is only '..'",
                        d -> map(specOf(d), "source").put("path", ".."),
                        List.of("spec.source.path", "path must not contain a '..' segment")));
        cases.add(
                new Case(
                        "trailing '..' segment",
                        d -> map(specOf(d), "source").put("path", "imports/.."),
                        List.of("spec.source.path", "path must not contain a '..' segment")));
        cases.add(
                new Case(
                        "leading '/'",
                        d -> map(specOf(d), "source").put("path", "/etc/passwd"),
                        List.of(
                                "spec.source.path",
                                "path must be relative to the raw volume (no leading '/')")));
        cases.add(
                new Case(
                        "unknown option",
                        d -> specOf(d).put("options", List.of("keep-everything")),
                        List.of("spec.options[0]", "Unsupported value: \"keep-everything\"")));
        cases.add(
                new Case(
                        "both longitudinal date options",
                        d ->
                                specOf(d)
                                        .put(
                                                "options",
                                                List.of(
                                                        "retain-longitudinal-full-dates",
                                                        "retain-longitudinal-modified-dates")),
                        List.of("spec.options", "mutually exclusive")));
        cases.add(
                new Case(
                        "repeated option",
                        d -> specOf(d).put("options", List.of("clean-graphics", "clean-graphics")),
                        List.of("spec.options", "options must not repeat")));
        cases.add(
                new Case(
                        "description too long",
                        d -> specOf(d).put("description", "x".repeat(1025)),
                        List.of("spec.description", "Too long")));
        cases.add(
                new Case(
                        "deadline under a minute",
                        d -> specOf(d).put("activeDeadlineSeconds", 59),
                        List.of("spec.activeDeadlineSeconds", "greater than or equal to 60")));
        cases.add(
                new Case(
                        "deadline over 30 days",
                        d -> specOf(d).put("activeDeadlineSeconds", 2592001),
                        List.of("spec.activeDeadlineSeconds", "less than or equal to 2592000")));
        cases.add(
                new Case(
                        "name too long for its Job names",
                        d -> d.getMetadata().setName("d".repeat(53)),
                        List.of("metadata.name must be at most 52 characters")));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidResources")
    void invalidResourceIsRejectedNamingTheField(Case c) {
        GenericKubernetesResource dataset =
                valid("bad-" + Integer.toHexString(c.name().hashCode()));
        c.mutation().accept(dataset);
        assertCreateRejected(client(), NS, dataset, INVALID, c.expected());
    }

    /** A valid Dataset, the base every invalid case changes one thing in. */
    private static GenericKubernetesResource valid(String name) {
        String yaml =
                """
                apiVersion: fednode.io/v1alpha1
                kind: Dataset
                metadata:
                  name: %s
                spec:
                  nodeRef: hospital-a
                  source:
                    path: imports/2026-11/lung-ct
                  options: [clean-descriptors]
                  description: Lung CT, 2026 cohort
                """
                        .formatted(name);
        return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }

    private static KubernetesClient client() {
        return API.client();
    }
}
