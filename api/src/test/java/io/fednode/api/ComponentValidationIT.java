package io.fednode.api;

import static io.fednode.testing.ApiRejections.INVALID;
import static io.fednode.testing.ApiRejections.assertCreateRejected;
import static io.fednode.testing.ApiRejections.specOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fednode.testing.RealApiServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code spec.components} of the committed FederationNode CRD on a real kube-apiserver: pinned
 * versions, unique names and https repositories are enforced before the operator sees a node.
 */
class ComponentValidationIT {
    private static final String NS = "components";

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    @BeforeAll
    static void installCrd() {
        API.installCrd(Path.of("../crds/federationnodes.fednode.io-v1.yml"));
        API.client()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    @Test
    void aPinnedComponentIsAcceptedWithItsDefaultsAndFreeFormValues() {
        GenericKubernetesResource node = FederationNodeValidationIT.valid("pinned");
        Map<String, Object> receiver = component("dicom-receiver", "1.4.2");
        receiver.put(
                "values",
                Map.of("replicas", 2, "persistence", Map.of("enabled", true), "tag", "x"));
        receiver.put(
                "valuesFrom",
                List.of(Map.of("secretRef", Map.of("name", "receiver", "key", "values.yaml"))));
        specOf(node).put("components", List.of(receiver, component("viewer", "0.1.0-rc.1+b7")));

        GenericKubernetesResource created = API.client().resource(node).inNamespace(NS).create();

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> components =
                (List<Map<String, Object>>) specOf(created).get("components");
        assertThat(components.get(0))
                .containsEntry("enabled", true)
                .containsEntry(
                        "values",
                        Map.of("replicas", 2, "persistence", Map.of("enabled", true), "tag", "x"));
        assertThat(components.get(1)).containsEntry("version", "0.1.0-rc.1+b7");
    }

    @Test
    void anOciChartWithoutRepositoryIsAccepted() {
        GenericKubernetesResource node = FederationNodeValidationIT.valid("oci");
        Map<String, Object> registry =
                ociComponent("receiver", "oci://registry.example.org/charts/orthanc");
        Map<String, Object> withPort =
                ociComponent("viewer", "oci://registry.example.org:8443/a/b_c/ohif-viewer");
        Map<String, Object> loopback = ociComponent("local", "oci://127.0.0.1:5000/charts/orthanc");
        loopback.put("plainHTTP", true);
        specOf(node).put("components", List.of(registry, withPort, loopback));

        GenericKubernetesResource created = API.client().resource(node).inNamespace(NS).create();

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> components =
                (List<Map<String, Object>>) specOf(created).get("components");
        assertThat(components.get(0))
                .containsEntry("chart", "oci://registry.example.org/charts/orthanc")
                .doesNotContainKey("repository");
        assertThat(components.get(2)).containsEntry("plainHTTP", true);
    }

    record Case(String name, Consumer<List<Map<String, Object>>> mutation, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> invalidComponents() {
        String pinned = "version must be an exact semantic version";
        List<Case> cases = new ArrayList<>();
        for (String version :
                List.of(
                        "latest",
                        "^1.4.0",
                        "~1.4",
                        "1.4",
                        "1.4.x",
                        ">=1.0.0",
                        "v1.4.2",
                        "01.4.2",
                        "1.4.2 || 1.5.0")) {
            cases.add(
                    new Case(
                            "version " + version,
                            c -> c.get(0).put("version", version),
                            List.of("spec.components[0].version", pinned)));
        }
        cases.add(
                new Case(
                        "duplicate names",
                        c -> c.add(component("dicom-receiver", "2.0.0")),
                        List.of("spec.components", "components must have unique names")));
        cases.add(
                new Case(
                        "name not a DNS label",
                        c -> c.get(0).put("name", "DICOM_receiver"),
                        List.of("spec.components[0].name", "Invalid value: \"DICOM_receiver\"")));
        cases.add(
                new Case(
                        "name longer than a Helm release name",
                        c -> c.get(0).put("name", "a".repeat(54)),
                        List.of("spec.components[0].name", "Too long")));
        cases.add(
                new Case(
                        "plain http repository",
                        c -> c.get(0).put("repository", "http://charts.example.org"),
                        List.of("spec.components[0].repository", "must be an https:// URL")));
        cases.add(
                new Case(
                        "oci repository",
                        c -> c.get(0).put("repository", "oci://registry.example.org/charts"),
                        List.of("spec.components[0].repository", "must be an https:// URL")));
        String noTag = "an oci:// chart reference must not carry a tag or digest";
        cases.add(
                new Case(
                        "oci chart with a repository",
                        c -> c.get(0).put("chart", "oci://registry.example.org/charts/orthanc"),
                        List.of(
                                "spec.components[0]",
                                "repository must be absent for an oci:// chart")));
        cases.add(
                new Case(
                        "chart name without repository",
                        c -> c.get(0).remove("repository"),
                        List.of("spec.components[0]", "repository is required for a chart name")));
        cases.add(
                new Case(
                        "oci chart with a tag",
                        c ->
                                c.set(
                                        0,
                                        ociComponent(
                                                "dicom-receiver",
                                                "oci://registry.example.org/charts/orthanc:1.4.2")),
                        List.of("spec.components[0].chart", noTag)));
        cases.add(
                new Case(
                        "oci chart with a tag, registry with a port",
                        c ->
                                c.set(
                                        0,
                                        ociComponent(
                                                "dicom-receiver",
                                                "oci://127.0.0.1:5000/charts/orthanc:1.4.2")),
                        List.of("spec.components[0].chart", noTag)));
        cases.add(
                new Case(
                        "oci chart with a digest",
                        c ->
                                c.set(
                                        0,
                                        ociComponent(
                                                "dicom-receiver",
                                                "oci://registry.example.org/charts/orthanc@sha256:"
                                                        + "0".repeat(64))),
                        List.of("spec.components[0].chart", noTag)));
        for (String malformed :
                List.of(
                        "oci://registry.example.org",
                        "oci://",
                        "oci://Registry.Example.org/charts/orthanc",
                        "oci://registry.example.org/charts/Orthanc",
                        "oci://user:pw@registry.example.org/charts/orthanc",
                        "https://registry.example.org/charts/orthanc")) {
            cases.add(
                    new Case(
                            "chart " + malformed,
                            c -> c.set(0, ociComponent("dicom-receiver", malformed)),
                            List.of(
                                    "spec.components[0].chart",
                                    "chart must be a chart name (lowercase letters")));
        }
        String tls = "plainHTTP is only for an oci:// chart on 127.0.0.1";
        cases.add(
                new Case(
                        "plain http to a registry elsewhere",
                        c -> {
                            Map<String, Object> oci =
                                    ociComponent(
                                            "dicom-receiver",
                                            "oci://registry.example.org/charts/orthanc");
                            oci.put("plainHTTP", true);
                            c.set(0, oci);
                        },
                        List.of("spec.components[0]", tls)));
        cases.add(
                new Case(
                        "plain http to a loopback look-alike",
                        c -> {
                            Map<String, Object> oci =
                                    ociComponent(
                                            "dicom-receiver",
                                            "oci://127.0.0.1.example.org/charts/orthanc");
                            oci.put("plainHTTP", true);
                            c.set(0, oci);
                        },
                        List.of("spec.components[0]", tls)));
        cases.add(
                new Case(
                        "plain http for a repository chart",
                        c -> c.get(0).put("plainHTTP", true),
                        List.of("spec.components[0]", tls)));
        cases.add(
                new Case(
                        "repository without host",
                        c -> c.get(0).put("repository", "https://"),
                        List.of("spec.components[0].repository", "must be an https:// URL")));
        cases.add(
                new Case(
                        "missing version",
                        c -> c.get(0).remove("version"),
                        List.of("spec.components[0].version", "Required value")));
        cases.add(
                new Case(
                        "missing chart",
                        c -> c.get(0).remove("chart"),
                        List.of("spec.components[0].chart", "Required value")));
        cases.add(
                new Case(
                        "valuesFrom without key",
                        c ->
                                c.get(0)
                                        .put(
                                                "valuesFrom",
                                                List.of(Map.of("secretRef", Map.of("name", "s")))),
                        List.of(
                                "spec.components[0].valuesFrom[0].secretRef.key",
                                "Required value")));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidComponents")
    void invalidComponentIsRejectedNamingTheField(Case c) {
        GenericKubernetesResource node =
                FederationNodeValidationIT.valid("bad-" + Integer.toHexString(c.name().hashCode()));
        List<Map<String, Object>> components = new ArrayList<>();
        components.add(component("dicom-receiver", "1.4.2"));
        c.mutation().accept(components);
        specOf(node).put("components", components);
        assertCreateRejected(API.client(), NS, node, INVALID, c.expected());
    }

    private static Map<String, Object> ociComponent(String name, String chart) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("chart", chart);
        c.put("version", "1.4.2");
        return c;
    }

    private static Map<String, Object> component(String name, String version) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("chart", "orthanc");
        c.put("repository", "https://charts.example.org");
        c.put("version", version);
        return c;
    }
}
