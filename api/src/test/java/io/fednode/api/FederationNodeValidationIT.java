package io.fednode.api;

import static io.fednode.testing.ApiRejections.INVALID;
import static io.fednode.testing.ApiRejections.assertCreateRejected;
import static io.fednode.testing.ApiRejections.assertUpdateRejected;
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
 * The committed FederationNode CRD, installed on a real kube-apiserver, accepts the shipped samples
 * and rejects bad resources with a message that names the field — what a user sees from {@code
 * kubectl apply}.
 */
class FederationNodeValidationIT {
    private static final String NS = "validation";

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    @BeforeAll
    static void installCrd() {
        API.installCrd(Path.of("../crds/federationnodes.fednode.io-v1.yml"));
        API.client()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    static Stream<Path> samples() throws IOException {
        return Files.list(Path.of("../manifests/samples"))
                .filter(p -> p.getFileName().toString().startsWith("federationnode-"))
                .sorted();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shippedSamplesAreAccepted(Path sample) throws IOException {
        GenericKubernetesResource node =
                Serialization.unmarshal(Files.readString(sample), GenericKubernetesResource.class);
        GenericKubernetesResource created = client().resource(node).inNamespace(NS).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
    }

    @Test
    void defaultsAreFilledInByTheApiServer() {
        GenericKubernetesResource node = valid("defaults");
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) node.getAdditionalProperties().get("spec");
        spec.put("role", "hybrid");
        spec.put("compute", new LinkedHashMap<>());
        GenericKubernetesResource created = client().resource(node).inNamespace(NS).create();
        Map<String, Object> createdSpec = specOf(created);
        assertThat(createdSpec).containsEntry("deletionPolicy", "Retain");
        assertThat(createdSpec.get("compute"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("gpuResourceName", "nvidia.com/gpu")
                .containsEntry("maxRuntime", "24h");
    }

    @Test
    void federatedJobsAreNeverAcceptedUnlessTheNodeOptsIn() {
        GenericKubernetesResource node = valid("fjob-defaults");
        specOf(node).put("federatedJobs", new LinkedHashMap<>());
        GenericKubernetesResource created = client().resource(node).inNamespace(NS).create();
        assertThat(specOf(created).get("federatedJobs"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("accept", "Never");
    }

    @Test
    void federatedJobPolicyWithinTheComputeCeilingsIsAccepted() {
        GenericKubernetesResource node = valid("fjob-policy");
        specOf(node)
                .put(
                        "federatedJobs",
                        Map.of(
                                "accept",
                                "Manual",
                                "allowedSubmitters",
                                List.of("alice@example.org"),
                                "allowedTypes",
                                List.of("Evaluate"),
                                "maxGpus",
                                2,
                                "maxRuntime",
                                "24h",
                                "allowedDatasets",
                                List.of("ct-scans")));
        GenericKubernetesResource created = client().resource(node).inNamespace(NS).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
    }

    @Test
    void nodeIdCannotChange() {
        GenericKubernetesResource created =
                client().resource(valid("immutable")).inNamespace(NS).create();
        specOf(created).put("nodeId", "another-id");
        assertUpdateRejected(
                client(), NS, created, INVALID, List.of("spec.nodeId", "nodeId is immutable"));
    }

    @Test
    void namesLongerThanALabelValueAreRejected() {
        GenericKubernetesResource node = valid("n".repeat(64));
        specOf(node).put("nodeId", "long-name");
        assertCreateRejected(
                client(),
                NS,
                node,
                INVALID,
                List.of("metadata.name must be at most 63 characters"));
    }

    record Case(String name, Consumer<Map<String, Object>> mutation, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> invalidResources() {
        List<Case> cases = new ArrayList<>();
        cases.add(
                new Case(
                        "unknown role",
                        s -> s.put("role", "gateway"),
                        List.of(
                                "spec.role",
                                "Unsupported value: \"gateway\"",
                                "\"data\"",
                                "\"compute\"",
                                "\"hybrid\"")));
        cases.add(
                new Case(
                        "missing role",
                        s -> s.remove("role"),
                        List.of("spec.role", "Required value")));
        cases.add(
                new Case(
                        "missing nodeId",
                        s -> s.remove("nodeId"),
                        List.of("spec.nodeId", "Required value")));
        cases.add(
                new Case(
                        "nodeId not a DNS label",
                        s -> s.put("nodeId", "Hospital_A"),
                        List.of("spec.nodeId", "Invalid value: \"Hospital_A\"")));
        cases.add(
                new Case(
                        "nodeId too long",
                        s -> s.put("nodeId", "a".repeat(64)),
                        List.of("spec.nodeId", "Too long")));
        cases.add(
                new Case(
                        "missing hub",
                        s -> s.remove("hub"),
                        List.of("spec.hub", "Required value")));
        cases.add(
                new Case(
                        "plain http hub",
                        s -> map(s, "hub").put("endpoint", "http://hub.example.org"),
                        List.of("spec.hub.endpoint", "^https://")));
        cases.add(
                new Case(
                        "hub URL without host",
                        s -> map(s, "hub").put("endpoint", "https://"),
                        List.of(
                                "spec.hub.endpoint",
                                "endpoint must be an https:// URL with a host")));
        cases.add(
                new Case(
                        "join token ref without key",
                        s -> map(map(s, "hub"), "joinTokenSecretRef").remove("key"),
                        List.of("spec.hub.joinTokenSecretRef.key", "Required value")));
        cases.add(
                new Case(
                        "deletion policy misspelt",
                        s -> s.put("deletionPolicy", "Keep"),
                        List.of("spec.deletionPolicy", "Unsupported value: \"Keep\"")));
        cases.add(
                new Case(
                        "data node without raw volume",
                        s -> {
                            s.put("role", "data");
                            map(s, "storage").remove("raw");
                            s.remove("compute");
                        },
                        List.of("spec.storage.raw is required when spec.role is data or hybrid")));
        cases.add(
                new Case(
                        "compute node with raw volume",
                        s -> {
                            s.put("role", "compute");
                            s.remove("anonymisation");
                        },
                        List.of("spec.storage.raw is not allowed when spec.role is compute")));
        cases.add(
                new Case(
                        "compute node with anonymisation",
                        s -> {
                            s.put("role", "compute");
                            map(s, "storage").remove("raw");
                        },
                        List.of("spec.anonymisation is not allowed when spec.role is compute")));
        cases.add(
                new Case(
                        "data node with compute policy",
                        s -> s.put("role", "data"),
                        List.of("spec.compute is not allowed when spec.role is data")));
        cases.add(
                new Case(
                        "size not a quantity",
                        s -> map(map(s, "storage"), "raw").put("size", "lots"),
                        List.of("spec.storage.raw.size", "positive Kubernetes quantity")));
        cases.add(
                new Case(
                        "size zero",
                        s -> map(map(s, "storage"), "scratch").put("size", "0"),
                        List.of("spec.storage.scratch.size", "positive Kubernetes quantity")));
        cases.add(
                new Case(
                        "unknown access mode",
                        s ->
                                map(map(s, "storage"), "raw")
                                        .put("accessModes", List.of("ReadWriteSometimes")),
                        List.of(
                                "spec.storage.raw.accessModes[0]",
                                "Unsupported value: \"ReadWriteSometimes\"")));
        cases.add(
                new Case(
                        "unknown anonymisation option",
                        s -> map(s, "anonymisation").put("options", List.of("keep-everything")),
                        List.of(
                                "spec.anonymisation.options[0]",
                                "Unsupported value: \"keep-everything\"")));
        cases.add(
                new Case(
                        "both longitudinal date options",
                        s ->
                                map(s, "anonymisation")
                                        .put(
                                                "options",
                                                List.of(
                                                        "retain-longitudinal-full-dates",
                                                        "retain-longitudinal-modified-dates")),
                        List.of("spec.anonymisation.options", "mutually exclusive")));
        cases.add(
                new Case(
                        "repeated option",
                        s ->
                                map(s, "anonymisation")
                                        .put(
                                                "options",
                                                List.of("clean-graphics", "clean-graphics")),
                        List.of("spec.anonymisation.options", "options must not repeat")));
        cases.add(
                new Case(
                        "parallelism zero",
                        s -> map(s, "anonymisation").put("parallelism", 0),
                        List.of("spec.anonymisation.parallelism", "greater than or equal to 1")));
        cases.add(
                new Case(
                        "parallelism too high",
                        s -> map(s, "anonymisation").put("parallelism", 65),
                        List.of("spec.anonymisation.parallelism", "less than or equal to 64")));
        cases.add(
                new Case(
                        "zero GPUs per run",
                        s -> map(s, "compute").put("maxGpusPerRun", 0),
                        List.of("spec.compute.maxGpusPerRun", "greater than or equal to 1")));
        cases.add(
                new Case(
                        "too many concurrent runs",
                        s -> map(s, "compute").put("maxConcurrentRuns", 101),
                        List.of("spec.compute.maxConcurrentRuns", "less than or equal to 100")));
        cases.add(
                new Case(
                        "maxRuntime in days",
                        s -> map(s, "compute").put("maxRuntime", "1d"),
                        List.of("spec.compute.maxRuntime", "Invalid value: \"1d\"")));
        cases.add(
                new Case(
                        "heartbeat too fast",
                        s -> map(s, "connectivity").put("heartbeatInterval", "1s"),
                        List.of("spec.connectivity.heartbeatInterval", "between 5s and 10m")));
        cases.add(
                new Case(
                        "heartbeat too slow",
                        s -> map(s, "connectivity").put("heartbeatInterval", "11m"),
                        List.of("spec.connectivity.heartbeatInterval", "between 5s and 10m")));
        cases.add(
                new Case(
                        "egress to a host name",
                        s -> map(s, "connectivity").put("egressCIDRs", List.of("hub.example.org")),
                        List.of("spec.connectivity.egressCIDRs", "must be CIDRs")));
        cases.add(
                new Case(
                        "empty allowed image prefix",
                        s -> map(s, "compute").put("allowedImages", List.of("")),
                        List.of("spec.compute.allowedImages[0]", "at least 1 chars long")));
        cases.add(
                new Case(
                        "unknown federated job acceptance",
                        s -> s.put("federatedJobs", Map.of("accept", "Always")),
                        List.of(
                                "spec.federatedJobs.accept",
                                "Unsupported value: \"Always\"",
                                "\"Automatic\"",
                                "\"Manual\"",
                                "\"Never\"")));
        cases.add(
                new Case(
                        "unknown federated job type",
                        s -> s.put("federatedJobs", Map.of("allowedTypes", List.of("Infer"))),
                        List.of("spec.federatedJobs.allowedTypes[0]", "Invalid value: \"Infer\"")));
        cases.add(
                new Case(
                        "repeated federated job type",
                        s ->
                                s.put(
                                        "federatedJobs",
                                        Map.of("allowedTypes", List.of("Train", "Train"))),
                        List.of(
                                "spec.federatedJobs.allowedTypes",
                                "allowedTypes must not repeat")));
        cases.add(
                new Case(
                        "federated job GPUs above the compute ceiling",
                        s -> s.put("federatedJobs", Map.of("accept", "Automatic", "maxGpus", 3)),
                        List.of(
                                "spec.federatedJobs.maxGpus must not exceed"
                                        + " spec.compute.maxGpusPerRun")));
        cases.add(
                new Case(
                        "federated job GPUs on a data node",
                        s -> {
                            s.put("role", "data");
                            s.remove("compute");
                            s.put("federatedJobs", Map.of("maxGpus", 1));
                        },
                        List.of(
                                "spec.federatedJobs.maxGpus must not exceed"
                                        + " spec.compute.maxGpusPerRun")));
        cases.add(
                new Case(
                        "federated job runtime above the compute ceiling",
                        s -> s.put("federatedJobs", Map.of("maxRuntime", "25h")),
                        List.of(
                                "spec.federatedJobs.maxRuntime must not exceed"
                                        + " spec.compute.maxRuntime")));
        cases.add(
                new Case(
                        "federated job runtime not a duration",
                        s -> s.put("federatedJobs", Map.of("maxRuntime", "1d")),
                        List.of("spec.federatedJobs.maxRuntime", "Invalid value: \"1d\"")));
        cases.add(
                new Case(
                        "federated job dataset not a DNS label",
                        s -> s.put("federatedJobs", Map.of("allowedDatasets", List.of("CT_scans"))),
                        List.of(
                                "spec.federatedJobs.allowedDatasets[0]",
                                "Invalid value: \"CT_scans\"")));
        cases.add(
                new Case(
                        "empty federated job submitter",
                        s -> s.put("federatedJobs", Map.of("allowedSubmitters", List.of(""))),
                        List.of(
                                "spec.federatedJobs.allowedSubmitters[0]",
                                "at least 1 chars long")));
        cases.addAll(invalidMaintenanceWindows());
        return cases.stream().map(Arguments::of);
    }

    /** spec.maintenanceWindow: a window the operator could not read (docs/components.md). */
    static List<Case> invalidMaintenanceWindows() {
        String start = "maintenanceWindow.start must be a time of day as HH:MM";
        String duration = "maintenanceWindow.duration must be a duration from 15m to 24h";
        List<Case> cases = new ArrayList<>();
        for (String t : List.of("2:00", "24:00", "02:60", "0200", "2am")) {
            cases.add(
                    window(
                            "window start " + t,
                            w -> w.put("start", t),
                            "spec.maintenanceWindow.start",
                            start));
        }
        cases.add(
                window(
                        "window start with seconds",
                        w -> w.put("start", "02:00:00"),
                        "spec.maintenanceWindow.start",
                        "Too long"));
        for (String d : List.of("10m", "14m59s", "25h", "24h1s", "3", "3 hours", "1d", "-3h")) {
            cases.add(
                    window(
                            "window duration " + d,
                            w -> w.put("duration", d),
                            "spec.maintenanceWindow.duration",
                            duration));
        }
        cases.add(
                window(
                        "window day unknown",
                        w -> w.put("days", List.of("Saturday")),
                        "spec.maintenanceWindow.days[0]",
                        "Unsupported value"));
        cases.add(
                window(
                        "window day twice",
                        w -> w.put("days", List.of("Sat", "Sun", "Sat")),
                        "spec.maintenanceWindow.days",
                        "maintenanceWindow.days must not name a day twice"));
        for (String zone : List.of("Central European Time", "+01:00")) {
            cases.add(
                    window(
                            "window time zone " + zone,
                            w -> w.put("timeZone", zone),
                            "spec.maintenanceWindow.timeZone",
                            "should match"));
        }
        for (String field : List.of("start", "duration")) {
            cases.add(
                    window(
                            "window without " + field,
                            w -> w.remove(field),
                            "spec.maintenanceWindow." + field,
                            "Required value"));
        }
        return cases;
    }

    private static Case window(
            String name, Consumer<Map<String, Object>> change, String field, String message) {
        return new Case(
                name,
                s -> {
                    Map<String, Object> w = maintenanceWindow();
                    change.accept(w);
                    s.put("maintenanceWindow", w);
                },
                List.of(field, message));
    }

    /** Saturdays and Sundays 02:00 for 3h (UTC unless a test sets timeZone). */
    static Map<String, Object> maintenanceWindow() {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("days", List.of("Sat", "Sun"));
        w.put("start", "02:00");
        w.put("duration", "3h");
        return w;
    }

    @Test
    void aMaintenanceWindowIsAcceptedAndItsTimeZoneDefaultsToUtc() {
        GenericKubernetesResource weekend = valid("weekend");
        specOf(weekend).put("maintenanceWindow", maintenanceWindow());
        assertThat(specOf(client().resource(weekend).inNamespace(NS).create()))
                .extracting("maintenanceWindow")
                .isEqualTo(
                        Map.of(
                                "days",
                                List.of("Sat", "Sun"),
                                "start",
                                "02:00",
                                "duration",
                                "3h",
                                "timeZone",
                                "UTC"));
        Map<String, Object> everyNight = new LinkedHashMap<>();
        everyNight.put("start", "23:30");
        everyNight.put("duration", "1h30m");
        everyNight.put("timeZone", "Europe/Madrid");
        Map<String, Object> wholeDay = new LinkedHashMap<>(maintenanceWindow());
        wholeDay.put("duration", "24h");
        wholeDay.put("days", List.of("Mon"));
        for (Map<String, Object> w : List.of(everyNight, wholeDay)) {
            GenericKubernetesResource node =
                    valid("window-" + Integer.toHexString(w.hashCode() & 0xfffffff));
            specOf(node).put("maintenanceWindow", w);
            client().resource(node).inNamespace(NS).create();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidResources")
    void invalidResourceIsRejectedNamingTheField(Case c) {
        GenericKubernetesResource node = valid("bad-" + Integer.toHexString(c.name().hashCode()));
        c.mutation().accept(specOf(node));
        assertCreateRejected(client(), NS, node, INVALID, c.expected());
    }

    /** A valid hybrid node, the base every invalid case changes one thing in. */
    static GenericKubernetesResource valid(String name) {
        String yaml =
                """
                apiVersion: fednode.io/v1alpha1
                kind: FederationNode
                metadata:
                  name: %s
                spec:
                  nodeId: %s
                  role: hybrid
                  hub:
                    endpoint: https://hub.example.org:8443
                    caBundleSecretRef: {name: hub-ca, key: ca.crt}
                    joinTokenSecretRef: {name: hub-join, key: token}
                  storage:
                    raw: {size: 10Gi}
                    anonymised: {size: 10Gi}
                    scratch: {size: 1Gi}
                  anonymisation:
                    options: [clean-descriptors]
                    parallelism: 2
                  compute:
                    maxGpusPerRun: 2
                    allowedImages: [registry.example.org/fl/]
                  connectivity:
                    heartbeatInterval: 30s
                    egressCIDRs: [203.0.113.10/32]
                """
                        .formatted(name, name);
        return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }

    private static KubernetesClient client() {
        return API.client();
    }
}
