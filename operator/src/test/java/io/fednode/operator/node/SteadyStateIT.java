package io.fednode.operator.node;

import static io.fednode.fixtures.ConditionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.fixtures.FederationNodes;
import io.fednode.operator.OperatorSettings;
import io.fednode.testing.FakeVolumeController;
import io.fednode.testing.RealApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A converged node costs the API server nothing: over 60 s of resyncs every few seconds, the API
 * server's own request counters show no write to anything the operator manages.
 */
class SteadyStateIT {
    private static final Duration RESYNC = Duration.ofSeconds(4);
    private static final Duration WINDOW = Duration.ofSeconds(60);

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    private static InstalledOperator operator;

    @BeforeAll
    static void install() {
        operator =
                InstalledOperator.install(
                        API.client(),
                        API::clientAs,
                        OperatorSettings.defaults()
                                .withResyncPeriod(RESYNC)
                                .withHttpPort(0)
                                .withNamespaces(
                                        java.util.Set.of(
                                                "steady-hybrid", "steady-data", "steady-compute")));
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void convergedNodesCauseNoWritesOverAMinuteOfResyncs() throws Exception {
        Map<NodeRole, String> roles =
                Map.of(
                        NodeRole.HYBRID,
                        "steady-hybrid",
                        NodeRole.DATA,
                        "steady-data",
                        NodeRole.COMPUTE,
                        "steady-compute");
        roles.forEach(
                (role, name) -> {
                    FederationNode node = FederationNodes.hospital(name, name, role).build();
                    Nodes.namespace(API.client(), name);
                    API.client().resource(node).create();
                });
        roles.forEach(
                (role, name) -> {
                    for (String volume :
                            role.holdsData()
                                    ? List.of("raw", "anonymised", "scratch")
                                    : List.of("anonymised", "scratch")) {
                        FakeVolumeController.bind(API.client(), name, name + "-" + volume);
                    }
                });
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> {
                            for (String name : roles.values()) {
                                FederationNode n =
                                        API.client()
                                                .resources(FederationNode.class)
                                                .inNamespace(name)
                                                .withName(name)
                                                .get();
                                assertThat(n).hasCondition("Ready", "True");
                            }
                        });
        // Let one full round of resyncs pass so the status and caches have settled.
        double settled = operator.reconciliationsStarted() + roles.size();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> operator.reconciliationsStarted() >= settled);

        long writesBefore = ApiServerWrites.count(API.client());
        Map<String, Long> breakdownBefore = ApiServerWrites.byVerbAndResource(API.client());
        assertThat(writesBefore)
                .as("the counters see the operator's writes while it converged")
                .isPositive();
        double reconcilesBefore = operator.reconciliationsStarted();
        long start = System.nanoTime();

        long expectedResyncs = roles.size() * (WINDOW.toSeconds() / RESYNC.toSeconds()) / 2;
        await().atMost(WINDOW.multipliedBy(3))
                .pollInterval(Duration.ofSeconds(2))
                .until(
                        () ->
                                System.nanoTime() - start >= WINDOW.toNanos()
                                        && operator.reconciliationsStarted() - reconcilesBefore
                                                >= expectedResyncs);

        assertThat(ApiServerWrites.byVerbAndResource(API.client()))
                .as(
                        "API writes after %s reconciles in %s s",
                        operator.reconciliationsStarted() - reconcilesBefore, WINDOW.toSeconds())
                .isEqualTo(breakdownBefore);

        // The operator's own endpoint reports its reconciles and health.
        int port = operator.running().http().port();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> metrics =
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("operator_sdk_reconciliations_started")
                .contains("jvm_memory_used_bytes");
        HttpResponse<String> health =
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
