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
 * The committed FederatedJob CRD on a real kube-apiserver: the sample is accepted, defaults are
 * filled in, the spec cannot change, and bad jobs are rejected with the message {@code kubectl
 * apply} shows, naming the field.
 */
class FederatedJobValidationIT {
    private static final String NS = "validation";
    private static final String DIGEST = "b".repeat(64);

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    @BeforeAll
    static void installCrd() {
        API.installCrd(Path.of("../crds/federatedjobs.fednode.io-v1.yml"));
        API.client()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    @Test
    void shippedSampleIsAccepted() throws IOException {
        GenericKubernetesResource job =
                Serialization.unmarshal(
                        Files.readString(
                                Path.of("../manifests/samples/federatedjob-lung-ct-train.yaml")),
                        GenericKubernetesResource.class);
        GenericKubernetesResource created = client().resource(job).inNamespace(NS).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
    }

    @Test
    void defaultsAreFilledIn() {
        GenericKubernetesResource job = valid("defaults");
        specOf(job).remove("gpus");
        specOf(job).remove("maxRuntime");
        specOf(job).remove("acceptDeadline");
        specOf(job).put("placement", new LinkedHashMap<>(Map.of("nodes", List.of("hospital-a"))));
        specOf(job).put("results", new LinkedHashMap<>());
        GenericKubernetesResource created = client().resource(job).inNamespace(NS).create();
        assertThat(specOf(created))
                .containsEntry("gpus", 0)
                .containsEntry("maxRuntime", "1h")
                .containsEntry("acceptDeadline", "1h");
        assertThat(map(specOf(created), "placement")).containsEntry("minNodes", 1);
        assertThat(map(specOf(created), "results")).containsEntry("maxBytes", 4096);
    }

    @Test
    void evaluateNeedsNoAggregator() {
        GenericKubernetesResource job = valid("evaluate");
        specOf(job).put("type", "Evaluate");
        specOf(job).remove("aggregator");
        assertThat(client().resource(job).inNamespace(NS).create().getMetadata().getUid())
                .isNotBlank();
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
                List.of("spec: Invalid value", "spec is immutable: create a new FederatedJob"));
    }

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

    static Stream<Arguments> invalidJobs() {
        List<Case> cases = new ArrayList<>();
        cases.add(spec("missing type", s -> s.remove("type"), "spec.type", "Required value"));
        cases.add(
                spec(
                        "unknown type",
                        s -> s.put("type", "Infer"),
                        "spec.type",
                        "Unsupported value: \"Infer\""));
        cases.add(
                spec(
                        "missing submitter",
                        s -> s.remove("submitter"),
                        "spec.submitter",
                        "Required value"));
        cases.add(
                spec(
                        "submitter too long",
                        s -> s.put("submitter", "u".repeat(254)),
                        "spec.submitter",
                        "may not be more than 253"));
        cases.add(
                spec(
                        "image by tag",
                        s -> s.put("image", "registry.example.org/fl/trainer:latest"),
                        "spec.image",
                        "should match '^[^@]+@sha256:[a-f0-9]{64}$'"));
        cases.add(
                spec(
                        "image digest too short",
                        s -> s.put("image", "registry.example.org/fl/trainer@sha256:abc"),
                        "spec.image",
                        "should match"));
        cases.add(
                spec(
                        "Train without aggregator",
                        s -> s.remove("aggregator"),
                        "spec: Invalid value",
                        "aggregator is required for a Train job"));
        cases.add(
                spec(
                        "65 GPUs",
                        s -> s.put("gpus", 65),
                        "spec.gpus",
                        "should be less than or equal to 64"));
        cases.add(
                spec(
                        "maxRuntime without unit",
                        s -> s.put("maxRuntime", "90"),
                        "spec.maxRuntime",
                        "Invalid value: \"90\""));
        cases.add(
                spec(
                        "maxRuntime zero",
                        s -> s.put("maxRuntime", "0s"),
                        "spec.maxRuntime",
                        "maxRuntime must be at least 1s"));
        cases.add(
                spec(
                        "acceptDeadline zero",
                        s -> s.put("acceptDeadline", "0m"),
                        "spec.acceptDeadline",
                        "acceptDeadline must be at least 1s"));
        cases.add(
                spec(
                        "minNodes zero",
                        s -> map(s, "placement").put("minNodes", 0),
                        "spec.placement.minNodes",
                        "should be greater than or equal to 1"));
        cases.add(
                spec(
                        "node twice",
                        s -> map(s, "placement").put("nodes", List.of("hospital-a", "hospital-a")),
                        "spec.placement.nodes",
                        "nodes must not repeat"));
        cases.add(
                spec(
                        "node id not a DNS label",
                        s -> map(s, "placement").put("nodes", List.of("Hospital_A")),
                        "spec.placement.nodes[0]",
                        "Invalid value: \"Hospital_A\""));
        cases.add(
                spec(
                        "dataset twice",
                        s -> s.put("datasets", List.of("lung-ct", "lung-ct")),
                        "spec.datasets",
                        "datasets must not repeat"));
        cases.add(
                spec(
                        "17 datasets",
                        s -> {
                            List<String> names = new ArrayList<>();
                            for (int i = 0; i < 17; i++) {
                                names.add("d" + i);
                            }
                            s.put("datasets", names);
                        },
                        "spec.datasets",
                        "must have at most 16 items"));
        cases.add(
                spec(
                        "env in the operator's namespace",
                        s -> s.put("env", List.of(Map.of("name", "FEDNODE_NODE_ID", "value", "x"))),
                        "spec.env",
                        "env names starting with FEDNODE_ are reserved for the operator"));
        cases.add(
                spec(
                        "results maxBytes above the termination-message cap",
                        s -> s.put("results", Map.of("maxBytes", 4097)),
                        "spec.results.maxBytes",
                        "should be less than or equal to 4096"));
        cases.add(
                spec(
                        "metric name with a slash",
                        s -> s.put("results", Map.of("allowedMetrics", List.of("../loss"))),
                        "spec.results.allowedMetrics[0]",
                        "should match"));
        cases.add(
                spec(
                        "plain http aggregator",
                        s -> map(s, "aggregator").put("endpoint", "http://agg.example.org"),
                        "spec.aggregator.endpoint",
                        "should match '^https://'"));
        cases.add(
                new Case(
                        "env from a Secret",
                        r ->
                                specOf(r)
                                        .put(
                                                "env",
                                                List.of(
                                                        Map.of(
                                                                "name",
                                                                "KEY",
                                                                "valueFrom",
                                                                Map.of(
                                                                        "secretKeyRef",
                                                                        Map.of(
                                                                                "name", "k", "key",
                                                                                "k"))))),
                        BAD_REQUEST,
                        List.of("unknown field \"spec.env[0].valueFrom\"")));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidJobs")
    void invalidJobIsRejectedNamingTheField(Case c) {
        GenericKubernetesResource job = valid("bad-" + Integer.toHexString(c.name().hashCode()));
        c.mutation().accept(job);
        assertCreateRejected(
                client(), NS, job, FieldValidateable.Validation.STRICT, c.code(), c.expected());
    }

    /** A valid job, the base every invalid case changes one thing in. */
    private static GenericKubernetesResource valid(String name) {
        String yaml =
                """
                apiVersion: fednode.io/v1alpha1
                kind: FederatedJob
                metadata:
                  name: %s
                spec:
                  type: Train
                  submitter: researcher@example.org
                  image: registry.example.org/fl/trainer@sha256:%s
                  command: [python, client.py]
                  gpus: 1
                  maxRuntime: 2h
                  datasets: [lung-ct]
                  placement:
                    nodes: [hospital-a, hospital-b]
                    minNodes: 2
                  aggregator:
                    endpoint: https://agg.example.org:9092
                  acceptDeadline: 30m
                """
                        .formatted(name, DIGEST);
        GenericKubernetesResource r =
                Serialization.unmarshal(yaml, GenericKubernetesResource.class);
        specOf(r).put("placement", new LinkedHashMap<>(map(specOf(r), "placement")));
        specOf(r).put("aggregator", new LinkedHashMap<>(map(specOf(r), "aggregator")));
        return r;
    }

    private static KubernetesClient client() {
        return API.client();
    }
}
