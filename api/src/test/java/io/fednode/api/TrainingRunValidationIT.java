package io.fednode.api;

import static io.fednode.testing.ApiRejections.BAD_REQUEST;
import static io.fednode.testing.ApiRejections.INVALID;
import static io.fednode.testing.ApiRejections.assertCreateRejected;
import static io.fednode.testing.ApiRejections.assertUpdateRejected;
import static io.fednode.testing.ApiRejections.map;
import static io.fednode.testing.ApiRejections.specOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.testing.RealApiServer;
import java.io.IOException;
import java.nio.file.Files;
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
 * The committed TrainingRun CRD on a real kube-apiserver: the sample is accepted, defaults are
 * filled in, the spec cannot change, and bad runs are rejected with the message a user sees from
 * {@code kubectl apply}, naming the field.
 */
class TrainingRunValidationIT {
    private static final String NS = "validation";
    private static final String DIGEST = "a".repeat(64);

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    @BeforeAll
    static void installCrd() {
        API.installCrd(Path.of("../crds/trainingruns.fednode.io-v1.yml"));
        API.client()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    @Test
    void shippedSampleIsAccepted() throws IOException {
        GenericKubernetesResource run =
                Serialization.unmarshal(
                        Files.readString(Path.of("../manifests/samples/trainingrun-lung-ct.yaml")),
                        GenericKubernetesResource.class);
        GenericKubernetesResource created = client().resource(run).inNamespace(NS).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
    }

    @Test
    void gpusDefaultToZero() {
        GenericKubernetesResource run = valid("defaults");
        specOf(run).remove("gpus");
        GenericKubernetesResource created = client().resource(run).inNamespace(NS).create();
        assertThat(specOf(created)).containsEntry("gpus", 0);
    }

    @Test
    void specCannotChange() {
        GenericKubernetesResource created =
                client().resource(valid("immutable")).inNamespace(NS).create();
        specOf(created).put("gpus", 2);
        assertUpdateRejected(
                client(),
                NS,
                created,
                INVALID,
                List.of(
                        "spec: Invalid value",
                        "spec is immutable: delete the TrainingRun and create a new one"));
    }

    /**
     * One bad run: the change to a valid run and what the API server answers. Schema violations are
     * 422 Unprocessable; fields the schema does not declare are refused under strict field
     * validation (kubectl's default) with 400 Bad Request.
     */
    record Case(
            String name,
            Consumer<GenericKubernetesResource> mutation,
            int code,
            List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case spec(String name, Consumer<Map<String, Object>> m, String... expected) {
        return new Case(name, r -> m.accept(specOf(r)), INVALID, List.of(expected));
    }

    private static Case undeclared(
            String name, Consumer<Map<String, Object>> m, String... expected) {
        return new Case(name, r -> m.accept(specOf(r)), BAD_REQUEST, List.of(expected));
    }

    static Stream<Arguments> invalidRuns() {
        List<Case> cases = new ArrayList<>();
        cases.add(spec("missing nodeRef", s -> s.remove("nodeRef"), "spec.nodeRef", "Required"));
        cases.add(
                spec(
                        "nodeRef not a DNS label",
                        s -> s.put("nodeRef", "Hospital_A"),
                        "spec.nodeRef",
                        "Invalid value: \"Hospital_A\""));
        cases.add(spec("missing image", s -> s.remove("image"), "spec.image", "Required value"));
        cases.add(
                spec(
                        "image with a space",
                        s -> s.put("image", "registry.example.org/fl/trainer latest"),
                        "spec.image",
                        "should match"));
        cases.add(
                spec(
                        "image digest not sha256",
                        s -> s.put("image", "registry.example.org/fl/trainer@md5:abc"),
                        "spec.image",
                        "image digest must be @sha256: followed by 64 lowercase hex characters"));
        cases.add(
                spec(
                        "image digest too short",
                        s -> s.put("image", "registry.example.org/fl/trainer@sha256:abc"),
                        "spec.image",
                        "image digest must be @sha256"));
        cases.add(
                spec(
                        "negative GPUs",
                        s -> s.put("gpus", -1),
                        "spec.gpus",
                        "should be greater than or equal to 0"));
        cases.add(
                spec(
                        "65 GPUs",
                        s -> s.put("gpus", 65),
                        "spec.gpus",
                        "should be less than or equal to 64"));
        cases.add(
                spec(
                        "root user",
                        s -> s.put("runAsUser", 0),
                        "spec.runAsUser",
                        "should be greater than or equal to 1"));
        cases.add(
                spec(
                        "root group",
                        s -> s.put("runAsGroup", 0),
                        "spec.runAsGroup",
                        "should be greater than or equal to 1"));
        cases.add(
                spec(
                        "dataset name with a slash",
                        s -> s.put("datasets", List.of("../raw")),
                        "spec.datasets[0]",
                        "Invalid value: \"../raw\""));
        cases.add(
                spec(
                        "dataset twice",
                        s -> s.put("datasets", List.of("lung-ct", "lung-ct")),
                        "spec.datasets",
                        "datasets must not repeat"));
        cases.add(
                spec(
                        "plain http aggregator",
                        s -> map(s, "aggregator").put("endpoint", "http://agg.example.org"),
                        "spec.aggregator.endpoint",
                        "should match '^https://'"));
        cases.add(
                spec(
                        "aggregator without host",
                        s -> map(s, "aggregator").put("endpoint", "https://"),
                        "spec.aggregator.endpoint",
                        "endpoint must be an https:// URL with a host"));
        cases.add(
                spec(
                        "aggregator without endpoint",
                        s -> map(s, "aggregator").remove("endpoint"),
                        "spec.aggregator.endpoint",
                        "Required value"));
        cases.add(
                spec(
                        "maxRuntime in days",
                        s -> s.put("maxRuntime", "2d"),
                        "spec.maxRuntime",
                        "Invalid value: \"2d\""));
        cases.add(
                spec(
                        "maxRuntime zero",
                        s -> s.put("maxRuntime", "0s"),
                        "spec.maxRuntime",
                        "maxRuntime must be at least 1s"));
        cases.add(
                spec(
                        "GPUs requested through resources",
                        s -> s.put("resources", Map.of("limits", Map.of("nvidia.com/gpu", "8"))),
                        "spec.resources.limits",
                        "only cpu, memory and ephemeral-storage may be set; request GPUs with"
                                + " spec.gpus"));
        cases.add(
                undeclared(
                        "resource claims",
                        s -> s.put("resources", Map.of("claims", List.of(Map.of("name", "gpu")))),
                        "unknown field \"spec.resources.claims\""));
        cases.add(
                spec(
                        "env variable twice",
                        s ->
                                s.put(
                                        "env",
                                        List.of(
                                                Map.of("name", "A", "value", "1"),
                                                Map.of("name", "A", "value", "2"))),
                        "spec.env",
                        "env names must not repeat"));
        cases.add(
                spec(
                        "env variable in the operator's namespace",
                        s ->
                                s.put(
                                        "env",
                                        List.of(
                                                Map.of(
                                                        "name",
                                                        "FEDNODE_AGGREGATOR_ENDPOINT",
                                                        "value",
                                                        "https://elsewhere"))),
                        "spec.env",
                        "env names starting with FEDNODE_ are reserved for the operator"));
        cases.add(
                undeclared(
                        "env from a Secret",
                        s ->
                                s.put(
                                        "env",
                                        List.of(
                                                Map.of(
                                                        "name",
                                                        "KEY",
                                                        "valueFrom",
                                                        Map.of(
                                                                "secretKeyRef",
                                                                Map.of(
                                                                        "name",
                                                                        "hospital-a-pseudonym-key",
                                                                        "key",
                                                                        "key"))))),
                        "unknown field \"spec.env[0].valueFrom\""));
        cases.add(
                undeclared(
                        "unknown field",
                        s -> s.put("hostNetwork", true),
                        "unknown field \"spec.hostNetwork\""));
        cases.add(
                new Case(
                        "name too long for its Job",
                        r -> r.getMetadata().setName("r".repeat(64)),
                        INVALID,
                        List.of(
                                "metadata.name must be at most 63 characters (it names the run's"
                                        + " Job)")));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRuns")
    void invalidRunIsRejectedNamingTheField(Case c) {
        GenericKubernetesResource run = valid("bad-" + Integer.toHexString(c.name().hashCode()));
        c.mutation().accept(run);
        assertCreateRejected(
                client(), NS, run, FieldValidateable.Validation.STRICT, c.code(), c.expected());
    }

    /** A valid run, the base every invalid case changes one thing in. */
    private static GenericKubernetesResource valid(String name) {
        String yaml =
                """
                apiVersion: fednode.io/v1alpha1
                kind: TrainingRun
                metadata:
                  name: %s
                spec:
                  nodeRef: hospital-a
                  image: registry.example.org/fl/trainer@sha256:%s
                  command: [python, train.py]
                  gpus: 1
                  datasets: [lung-ct]
                  aggregator:
                    endpoint: https://agg.example.org:9092
                  maxRuntime: 2h
                  resources:
                    requests: {cpu: "2", memory: 8Gi}
                """
                        .formatted(name, DIGEST);
        GenericKubernetesResource r =
                Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        specOf(r).put("datasets", new ArrayList<>(List.of("lung-ct")));
        specOf(r).put("aggregator", new LinkedHashMap<>(map(specOf(r), "aggregator")));
        return r;
    }

    private static KubernetesClient client() {
        return API.client();
    }
}
