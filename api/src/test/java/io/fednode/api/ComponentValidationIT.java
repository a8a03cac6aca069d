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

    private static Map<String, Object> component(String name, String version) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("chart", "orthanc");
        c.put("repository", "https://charts.example.org");
        c.put("version", version);
        return c;
    }
}
