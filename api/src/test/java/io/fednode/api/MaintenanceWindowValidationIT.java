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
 * {@code spec.maintenanceWindow} of the committed FederationNode CRD on a real kube-apiserver: a
 * window the operator could not read is refused with a message naming the field.
 */
class MaintenanceWindowValidationIT {
    private static final String NS = "windows";

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
    void aWindowIsAcceptedAndItsTimeZoneDefaultsToUtc() {
        GenericKubernetesResource node = FederationNodeValidationIT.valid("weekend");
        Map<String, Object> window = window();
        window.put("days", List.of("Sat", "Sun"));
        specOf(node).put("maintenanceWindow", window);
        GenericKubernetesResource created = API.client().resource(node).inNamespace(NS).create();
        @SuppressWarnings("unchecked")
        Map<String, Object> stored = (Map<String, Object>) specOf(created).get("maintenanceWindow");
        assertThat(stored)
                .containsEntry("timeZone", "UTC")
                .containsEntry("days", List.of("Sat", "Sun"))
                .containsEntry("start", "02:00")
                .containsEntry("duration", "3h");

        GenericKubernetesResource madrid = FederationNodeValidationIT.valid("madrid");
        Map<String, Object> everyDay = window();
        everyDay.put("start", "23:30");
        everyDay.put("duration", "1h30m");
        everyDay.put("timeZone", "Europe/Madrid");
        specOf(madrid).put("maintenanceWindow", everyDay);
        API.client().resource(madrid).inNamespace(NS).create();

        GenericKubernetesResource longest = FederationNodeValidationIT.valid("longest");
        Map<String, Object> day = window();
        day.put("duration", "24h");
        specOf(longest).put("maintenanceWindow", day);
        API.client().resource(longest).inNamespace(NS).create();
    }

    record Case(String name, Consumer<Map<String, Object>> mutation, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> invalidWindows() {
        String start = "maintenanceWindow.start must be a time of day as HH:MM";
        String duration = "maintenanceWindow.duration must be a duration from 15m to 24h";
        List<Case> cases = new ArrayList<>();
        for (String s : List.of("2:00", "24:00", "02:60", "0200", "2am")) {
            cases.add(
                    new Case(
                            "start " + s,
                            w -> w.put("start", s),
                            List.of("spec.maintenanceWindow.start", start)));
        }
        cases.add(
                new Case(
                        "start with seconds",
                        w -> w.put("start", "02:00:00"),
                        List.of("spec.maintenanceWindow.start", "Too long")));
        for (String d : List.of("10m", "14m59s", "25h", "24h1s", "3", "3 hours", "1d", "-3h")) {
            cases.add(
                    new Case(
                            "duration " + d,
                            w -> w.put("duration", d),
                            List.of("spec.maintenanceWindow.duration", duration)));
        }
        cases.add(
                new Case(
                        "unknown day",
                        w -> w.put("days", List.of("Saturday")),
                        List.of("spec.maintenanceWindow.days[0]", "Unsupported value")));
        cases.add(
                new Case(
                        "a day twice",
                        w -> w.put("days", List.of("Sat", "Sun", "Sat")),
                        List.of(
                                "spec.maintenanceWindow.days",
                                "maintenanceWindow.days must not name a day twice")));
        cases.add(
                new Case(
                        "time zone with spaces",
                        w -> w.put("timeZone", "Central European Time"),
                        List.of("spec.maintenanceWindow.timeZone", "should match")));
        cases.add(
                new Case(
                        "time zone as an offset",
                        w -> w.put("timeZone", "+01:00"),
                        List.of("spec.maintenanceWindow.timeZone", "should match")));
        cases.add(
                new Case(
                        "missing start",
                        w -> w.remove("start"),
                        List.of("spec.maintenanceWindow.start", "Required value")));
        cases.add(
                new Case(
                        "missing duration",
                        w -> w.remove("duration"),
                        List.of("spec.maintenanceWindow.duration", "Required value")));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidWindows")
    void invalidWindowIsRejectedNamingTheField(Case c) {
        GenericKubernetesResource node =
                FederationNodeValidationIT.valid("bad-" + Integer.toHexString(c.name().hashCode()));
        Map<String, Object> window = window();
        c.mutation().accept(window);
        specOf(node).put("maintenanceWindow", window);
        assertCreateRejected(API.client(), NS, node, INVALID, c.expected());
    }

    private static Map<String, Object> window() {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("start", "02:00");
        w.put("duration", "3h");
        return w;
    }
}
