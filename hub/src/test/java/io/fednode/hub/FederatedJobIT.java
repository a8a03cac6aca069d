package io.fednode.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.FederatedJob;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus;
import io.fednode.api.v1alpha1.FederatedJobNodeStatus.Phase;
import io.fednode.api.v1alpha1.FederatedJobPlacement;
import io.fednode.api.v1alpha1.FederatedJobResultLimits;
import io.fednode.api.v1alpha1.FederatedJobSpec;
import io.fednode.api.v1alpha1.JobType;
import io.fednode.hub.http.Json;
import io.fednode.hub.member.JoinTokens;
import io.fednode.testing.RealApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Federated jobs at the hub against a real API server, every node request a real mTLS request of an
 * enrolled node: placement, the heartbeat listing, fetch and report with every refusal (another
 * node's job, a stale generation, a forbidden move, bad results), the deadline and lost rules, the
 * outcome conditions, the admin results and the submitter admission policy.
 */
class FederatedJobIT {
    static final String NS = "fednode-hub";
    static final String IMAGE = "registry.example.org/fl/trainer@sha256:" + "d".repeat(64);

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static KubernetesClient kube;
    static Hub hub;
    static TestNode a;
    static TestNode b;
    static TestNode c;

    @BeforeAll
    static void startHubAndEnrolThreeNodes() throws Exception {
        kube = API.client();
        KubernetesClient asHub = TestHubs.prepare(API, NS);
        hub =
                new Hub(
                                asHub,
                                TestHubs.config(NS)
                                        .listener(
                                                HubConfig.Listener.builder()
                                                        .enrolAttemptsPerMinute(1000)
                                                        .build())
                                        .jobLostAfter(Duration.ofSeconds(3))
                                        // a job nothing fits is NoMatchingNodes after this
                                        .defaultHeartbeatInterval(Duration.ofSeconds(2))
                                        .build())
                        .start();
        a = enrol("hospital-a", Map.of("modality-ct", "true"));
        b = enrol("hospital-b", Map.of("modality-ct", "true"));
        c = enrol("hospital-c", Map.of());
        // a and b report lung-ct Ready, c reports it but not Ready: c is never placed. They keep
        // heartbeating (so they are never Lost) until the end.
        beat(a, true);
        beat(b, true);
        beat(c, false);
        beats.scheduleWithFixedDelay(
                () -> {
                    try {
                        beat(a, true);
                        beat(b, true);
                        beat(c, false);
                    } catch (Exception | AssertionError e) {
                        beatFailures.add(String.valueOf(e.getMessage()));
                    }
                },
                500,
                500,
                TimeUnit.MILLISECONDS);
    }

    static final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
    static final ConcurrentLinkedQueue<String> beatFailures = new ConcurrentLinkedQueue<>();

    @AfterAll
    static void stopHub() throws Exception {
        beats.shutdownNow();
        if (hub != null) {
            hub.close();
        }
        assertThat(beatFailures).as("background heartbeats that failed").isEmpty();
    }

    @Test
    void jobRunsOnThePlacedNodesAndSucceedsWithWeightedMetrics() throws Exception {
        FederatedJob job = create(job("train-ok", 2, null));
        String uid = job.getMetadata().getUid();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(nodes(job))
                                        .extracting(
                                                FederatedJobNodeStatus::getNodeId,
                                                FederatedJobNodeStatus::getPhase)
                                        .containsExactly(
                                                org.assertj.core.groups.Tuple.tuple(
                                                        "hospital-a", Phase.Offered),
                                                org.assertj.core.groups.Tuple.tuple(
                                                        "hospital-b", Phase.Offered)));
        assertThat(condition(job, "Succeeded").getReason()).isEqualTo("AwaitingNodes");

        // listed in the heartbeats of the placed nodes only
        assertThat(listed(beat(a, true))).contains(uid);
        assertThat(listed(beat(c, false))).doesNotContain(uid);

        HttpResponse<String> offer = fetch(a, uid);
        assertThat(offer.statusCode()).as(offer.body()).isEqualTo(200);
        JsonNode o = Json.MAPPER.readTree(offer.body());
        assertThat(o.path("name").asText()).isEqualTo(NS + "/train-ok");
        assertThat(o.path("image").asText()).isEqualTo(IMAGE);
        assertThat(o.path("type").asText()).isEqualTo("Train");
        assertThat(o.path("generation").asLong()).isEqualTo(1);
        assertThat(o.path("aggregator").path("endpoint").asText())
                .isEqualTo("https://agg.example.org:9092");
        assertThat(o.path("results").path("allowedMetrics"))
                .extracting(JsonNode::asText)
                .containsExactly("loss", "accuracy");
        assertThat(o.path("acceptBy").asText()).isNotBlank();

        // c is not in the job: it learns nothing about it and cannot touch it
        assertNotFound(fetch(c, uid));
        assertNotFound(report(c, uid, 1, "Accepted", null));

        assertThat(report(a, uid, 1, "Accepted", null).statusCode()).isEqualTo(200);
        // the same report again (a retry after a lost answer) is a 200 that changes nothing
        String rv = get(job).getMetadata().getResourceVersion();
        HttpResponse<String> again = report(a, uid, 1, "Accepted", null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(again.body()).path("changed").asBoolean()).isFalse();
        assertThat(get(job).getMetadata().getResourceVersion()).isEqualTo(rv);
        // a stale generation and a move backwards are conflicts
        assertThat(report(a, uid, 2, "Running", null).statusCode()).isEqualTo(409);
        HttpResponse<String> back = report(a, uid, 1, "Refused", null);
        assertThat(back.statusCode()).isEqualTo(409);
        assertThat(back.body()).contains("the entry is Accepted and cannot become Refused");

        assertThat(report(a, uid, 1, "Running", null).statusCode()).isEqualTo(200);
        // results outside the job's limits are refused, and nothing of them is kept
        HttpResponse<String> notAllowed =
                report(a, uid, 1, "Succeeded", "{\"metrics\":{\"dice\":0.5}}");
        assertThat(notAllowed.statusCode()).isEqualTo(400);
        assertThat(notAllowed.body())
                .contains("metric dice is not in the job's results.allowedMetrics");
        HttpResponse<String> tooBig =
                report(
                        a,
                        uid,
                        1,
                        "Succeeded",
                        "{\"metrics\":{\"loss\":0.5},\"modelDigest\":\"sha256:"
                                + "e".repeat(64)
                                + "\",\"numExamples\":100000000000}");
        assertThat(tooBig.statusCode()).isEqualTo(400);
        assertThat(tooBig.body()).contains("the job allows 128");
        assertThat(report(a, uid, 1, "Succeeded", "{\"metrics\":{\"loss\":\"low\"}}").statusCode())
                .isEqualTo(400);
        assertThat(phaseOf(job, "hospital-a")).isEqualTo(Phase.Running);

        assertThat(
                        report(
                                        a,
                                        uid,
                                        1,
                                        "Succeeded",
                                        "{\"metrics\":{\"loss\":0.2,\"accuracy\":0.9},"
                                                + "\"numExamples\":100}")
                                .statusCode())
                .isEqualTo(200);
        assertThat(report(b, uid, 1, "Accepted", null).statusCode()).isEqualTo(200);
        assertThat(
                        report(
                                        b,
                                        uid,
                                        1,
                                        "Succeeded",
                                        "{\"metrics\":{\"loss\":0.6,\"accuracy\":0.5},"
                                                + "\"numExamples\":300}")
                                .statusCode())
                .isEqualTo(200);
        // a terminal entry never changes
        assertThat(report(a, uid, 1, "Failed", null).statusCode()).isEqualTo(409);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> {
                            assertThat(condition(job, "Succeeded").getStatus()).isEqualTo("True");
                            assertThat(condition(job, "Ready").getStatus()).isEqualTo("True");
                        });
        FederatedJob done = get(job);
        // finished and unchanged: the hub writes nothing more
        String settled = done.getMetadata().getResourceVersion();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> get(job).getMetadata().getResourceVersion().equals(settled));
        assertThat(condition(job, "Succeeded").getReason()).isEqualTo("AllSucceeded");
        assertThat(done.getStatus().getCounts().getSucceeded()).isEqualTo(2);
        // loss (100*0.2 + 300*0.6) / 400 = 0.5; accuracy (90 + 150) / 400 = 0.6
        assertThat(done.getStatus().getAggregated().get("loss")).isCloseTo(0.5, within(1e-9));
        assertThat(done.getStatus().getAggregated().get("accuracy")).isCloseTo(0.6, within(1e-9));
        assertThat(listed(beat(a, true))).doesNotContain(uid);
        assertThat(events(job))
                .extracting(Event::getReason)
                .contains("Placed", "NodeAccepted", "NodeRunning", "NodeSucceeded", "AllSucceeded");

        // admin listener: full results, and the OpenEBench export
        JsonNode results = admin("/api/v1/federated-jobs/" + NS + "/train-ok/results");
        assertThat(results.path("nodes")).hasSize(2);
        assertThat(results.path("nodes").get(1).path("numExamples").asLong()).isEqualTo(300);
        JsonNode oeb =
                admin("/api/v1/federated-jobs/" + NS + "/train-ok/results?format=openebench");
        assertThat(oeb).hasSize(4);
        JsonNode first = oeb.get(0);
        assertThat(first.path("_id").asText()).isEqualTo("train-ok:hospital-a:accuracy");
        assertThat(first.path("type").asText()).isEqualTo("assessment");
        assertThat(first.path("participant_id").asText()).isEqualTo("hospital-a");
        assertThat(first.path("challenge_ids").get(0).asText()).isEqualTo(NS + "/train-ok");
        assertThat(first.path("datalink").path("inline_data").path("value").asDouble())
                .isEqualTo(0.9);
        assertThat(first.path("depends_on").path("metrics_id").asText()).isEqualTo("accuracy");
        assertThat(adminStatus("/api/v1/federated-jobs/" + NS + "/nope/results")).isEqualTo(404);
        assertThat(adminStatus("/api/v1/federated-jobs/other/train-ok/results")).isEqualTo(404);
        assertThat(adminText("/metrics"))
                .contains("fednode_hub_federated_jobs{state=\"Succeeded\"}")
                .contains("fednode_hub_federated_job_nodes{phase=\"Succeeded\"}");
    }

    @Test
    void aNodeCanNeitherReadNorWriteAnotherNodesJob() throws Exception {
        FederatedJob job = create(job("only-a", 1, List.of("hospital-a")));
        String uid = job.getMetadata().getUid();
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes(job).size() == 1);
        assertThat(fetch(a, uid).statusCode()).isEqualTo(200);
        assertThat(listed(beat(b, true))).doesNotContain(uid);
        assertNotFound(fetch(b, uid));
        assertNotFound(report(b, uid, 1, "Accepted", null));
        assertNotFound(report(b, uid, 1, "Succeeded", "{\"metrics\":{\"loss\":0.0}}"));
        // there is no field to name another node: the certificate says whose entry it is
        HttpResponse<String> naming =
                b.post(
                        "/api/v1/jobs/report",
                        "{\"uid\":\""
                                + uid
                                + "\",\"generation\":1,\"phase\":\"Accepted\","
                                + "\"nodeId\":\"hospital-a\"}");
        assertThat(naming.statusCode()).isEqualTo(400);
        assertThat(naming.body()).contains("unknown field 'nodeId'");
        // an unknown job is the same 404 as somebody else's
        assertNotFound(fetch(b, "0000-1111"));
        assertThat(phaseOf(job, "hospital-a")).isEqualTo(Phase.Offered);
        // bounded bodies
        assertThat(
                        a.post("/api/v1/jobs/fetch", "{\"uid\":\"" + "a".repeat(2000) + "\"}")
                                .statusCode())
                .isEqualTo(413);
        assertThat(
                        a.post(
                                        "/api/v1/jobs/report",
                                        "{\"uid\":\""
                                                + uid
                                                + "\",\"message\":\""
                                                + "x".repeat(9000)
                                                + "\"}")
                                .statusCode())
                .isEqualTo(413);
    }

    @Test
    void anUndecidedNodeIsRefusedAtTheDeadlineAndTheQuorumIsLost() throws Exception {
        FederatedJob spec = job("deadline", 2, List.of("hospital-a", "hospital-b"));
        spec.getSpec().setAcceptDeadline("3s");
        FederatedJob job = create(spec);
        String uid = job.getMetadata().getUid();
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes(job).size() == 2);
        assertThat(report(a, uid, 1, "Accepted", null).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> {
                            assertThat(phaseOf(job, "hospital-b")).isEqualTo(Phase.Refused);
                            assertThat(condition(job, "Succeeded").getReason())
                                    .isEqualTo("QuorumNotReached");
                        });
        FederatedJobNodeStatus refused =
                nodes(job).stream()
                        .filter(e -> e.getNodeId().equals("hospital-b"))
                        .findFirst()
                        .get();
        assertThat(refused.getReason()).isEqualTo("AcceptDeadlineExceeded");
        assertThat(condition(job, "Stalled").getStatus()).isEqualTo("True");
        assertThat(condition(job, "Ready").getStatus()).isEqualTo("False");
        // the job is over: a no longer finds it in its heartbeat, so it stops its run
        assertThat(listed(beat(a, true))).doesNotContain(uid);
    }

    @Test
    void aNodeThatStopsHeartbeatingWithWorkIsLost() throws Exception {
        TestNode d = enrol("hospital-d", Map.of());
        beat(d, true);
        FederatedJob job = create(job("lost", 1, List.of("hospital-d")));
        String uid = job.getMetadata().getUid();
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes(job).size() == 1);
        beat(d, true);
        assertThat(report(d, uid, 1, "Accepted", null).statusCode()).isEqualTo(200);
        assertThat(report(d, uid, 1, "Running", null).statusCode()).isEqualTo(200);
        // no more heartbeats from d: after --job-lost-after (3 s) its entry is Lost
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(phaseOf(job, "hospital-d")).isEqualTo(Phase.Lost));
        assertThat(condition(job, "Succeeded").getReason()).isEqualTo("QuorumNotReached");
        // a Lost entry stays Lost: the node cannot come back and finish it
        assertThat(report(d, uid, 1, "Succeeded", "{\"metrics\":{\"loss\":0.1}}").statusCode())
                .isEqualTo(409);
    }

    @Test
    void aJobNothingFitsIsNoMatchingNodesAndADeletedJobIsNoLongerListed() throws Exception {
        FederatedJob spec = job("nothing-fits", 1, null);
        spec.getSpec().setDatasets(List.of("prostate-mr"));
        FederatedJob none = create(spec);
        await().atMost(Duration.ofSeconds(40))
                .untilAsserted(
                        () ->
                                assertThat(condition(none, "Succeeded").getReason())
                                        .isEqualTo("NoMatchingNodes"));
        assertThat(condition(none, "Stalled").getStatus()).isEqualTo("True");

        FederatedJob job = create(job("deleted", 1, List.of("hospital-a")));
        String uid = job.getMetadata().getUid();
        await().atMost(Duration.ofSeconds(10)).until(() -> listed(beat(a, true)).contains(uid));
        kube.resource(job).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> !listed(beat(a, true)).contains(uid));
        assertNotFound(fetch(a, uid));
    }

    static final String SUBMITTERS = "fednode-hub-submitters";

    @Test
    void theSubmitterIsTheUserWhoCreatesTheJob() throws Exception {
        // The chart's admission policy and binding, rendered for a hub in a namespace of its own
        // (the binding is scoped to the hub's namespace; the other tests submit as the admin).
        kube.resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(SUBMITTERS)
                                .endMetadata()
                                .build())
                .create();
        List<HasMetadata> policy =
                HubChart.render(kube, SUBMITTERS).stream()
                        .filter(
                                o ->
                                        o instanceof ValidatingAdmissionPolicy
                                                || o instanceof ValidatingAdmissionPolicyBinding)
                        .toList();
        assertThat(policy).hasSize(2);
        policy.forEach(o -> kube.resource(o).serverSideApply());
        kube.resource(
                        new ServiceAccountBuilder()
                                .withNewMetadata()
                                .withName("researcher")
                                .withNamespace(SUBMITTERS)
                                .endMetadata()
                                .build())
                .create();
        kube.resource(
                        new RoleBuilder()
                                .withNewMetadata()
                                .withName("submit-jobs")
                                .withNamespace(SUBMITTERS)
                                .endMetadata()
                                .addNewRule()
                                .withApiGroups("fednode.io")
                                .withResources("federatedjobs")
                                .withVerbs("create", "get")
                                .endRule()
                                .build())
                .create();
        kube.resource(
                        new RoleBindingBuilder()
                                .withNewMetadata()
                                .withName("submit-jobs")
                                .withNamespace(SUBMITTERS)
                                .endMetadata()
                                .withNewRoleRef()
                                .withApiGroup("rbac.authorization.k8s.io")
                                .withKind("Role")
                                .withName("submit-jobs")
                                .endRoleRef()
                                .addNewSubject()
                                .withKind("ServiceAccount")
                                .withName("researcher")
                                .withNamespace(SUBMITTERS)
                                .endSubject()
                                .build())
                .create();
        String me = "system:serviceaccount:" + SUBMITTERS + ":researcher";
        try (KubernetesClient researcher = API.clientAs(SUBMITTERS, "researcher")) {
            AtomicInteger attempt = new AtomicInteger();
            // the binding takes a moment to be enforced
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> {
                                FederatedJob claimed =
                                        job(
                                                "claims-another-" + attempt.incrementAndGet(),
                                                1,
                                                List.of("hospital-a"));
                                claimed.getMetadata().setNamespace(SUBMITTERS);
                                claimed.getSpec().setSubmitter("somebody-else@example.org");
                                assertThatThrownBy(() -> researcher.resource(claimed).create())
                                        .isInstanceOf(KubernetesClientException.class)
                                        .hasMessageContaining(
                                                "spec.submitter must be the name of the user"
                                                        + " who creates the job ("
                                                        + me
                                                        + "), not somebody-else@example.org");
                            });
            FederatedJob honest = job("honest", 1, List.of("hospital-a"));
            honest.getMetadata().setNamespace(SUBMITTERS);
            honest.getSpec().setSubmitter(me);
            assertThat(researcher.resource(honest).create().getMetadata().getUid()).isNotBlank();
        }
        // the admin is held to the same rule there
        FederatedJob asAdmin = job("as-admin", 1, List.of("hospital-a"));
        asAdmin.getMetadata().setNamespace(SUBMITTERS);
        assertThatThrownBy(() -> kube.resource(asAdmin).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.submitter must be the name of the user");
    }

    // ---- helpers ----

    static FederatedJob job(String name, int minNodes, List<String> nodes) {
        FederatedJobSpec s = new FederatedJobSpec();
        s.setType(JobType.Train);
        s.setSubmitter("researcher@example.org");
        s.setImage(IMAGE);
        s.setCommand(List.of("python", "client.py"));
        s.setDatasets(List.of("lung-ct"));
        s.setAggregator(new AggregatorSpec("https://agg.example.org:9092"));
        FederatedJobPlacement p = new FederatedJobPlacement();
        p.setMinNodes(minNodes);
        p.setNodes(nodes);
        s.setPlacement(p);
        FederatedJobResultLimits r = new FederatedJobResultLimits();
        r.setMaxBytes(128);
        r.setAllowedMetrics(List.of("loss", "accuracy"));
        s.setResults(r);
        FederatedJob j = new FederatedJob();
        j.getMetadata().setName(name);
        j.getMetadata().setNamespace(NS);
        j.setSpec(s);
        return j;
    }

    static FederatedJob create(FederatedJob job) {
        return kube.resource(job).create();
    }

    static FederatedJob get(FederatedJob job) {
        return kube.resources(FederatedJob.class)
                .inNamespace(NS)
                .withName(job.getMetadata().getName())
                .get();
    }

    static List<FederatedJobNodeStatus> nodes(FederatedJob job) {
        FederatedJob j = get(job);
        return j.getStatus() == null ? List.of() : j.getStatus().getNodes();
    }

    static Phase phaseOf(FederatedJob job, String nodeId) {
        return nodes(job).stream()
                .filter(e -> e.getNodeId().equals(nodeId))
                .map(FederatedJobNodeStatus::getPhase)
                .findFirst()
                .orElse(null);
    }

    static Condition condition(FederatedJob job, String type) {
        FederatedJob j = get(job);
        assertThat(j.getStatus()).as("status of %s", job.getMetadata().getName()).isNotNull();
        return Conditions.find(j.getStatus().getConditions(), type)
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    static List<Event> events(FederatedJob job) {
        return kube.v1()
                .events()
                .inNamespace(NS)
                .withField("involvedObject.name", job.getMetadata().getName())
                .list()
                .getItems();
    }

    static HttpResponse<String> fetch(TestNode node, String uid) throws Exception {
        return node.post("/api/v1/jobs/fetch", "{\"uid\":\"" + uid + "\"}");
    }

    static HttpResponse<String> report(
            TestNode node, String uid, long generation, String phase, String results)
            throws Exception {
        return node.post(
                "/api/v1/jobs/report",
                "{\"uid\":\""
                        + uid
                        + "\",\"generation\":"
                        + generation
                        + ",\"phase\":\""
                        + phase
                        + "\""
                        + (results == null ? "" : ",\"results\":" + results)
                        + "}");
    }

    static void assertNotFound(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":\"no such job for this node\"}");
    }

    /** A heartbeat reporting dataset lung-ct (ready or not); returns the response body. */
    static JsonNode beat(TestNode node, boolean lungCtReady) throws Exception {
        HttpResponse<String> r =
                node.post(
                        "/api/v1/heartbeat",
                        "{\"nodeId\":\""
                                + node.nodeId
                                + "\",\"version\":\"0.1.0\",\"role\":\"hybrid\","
                                + "\"intervalSeconds\":1,"
                                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
                                + "\"datasets\":[{\"name\":\"lung-ct\",\"files\":10,"
                                + "\"bytes\":1000,\"ready\":"
                                + lungCtReady
                                + "}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    static List<String> listed(JsonNode heartbeatResponse) {
        return heartbeatResponse.path("jobs").findValuesAsText("uid");
    }

    static TestNode enrol(String nodeId, Map<String, String> labels) throws Exception {
        HubIT.createMember(kube, NS, nodeId, nodeId, labels);
        String secret = JoinTokens.secretName(nodeId);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> kube.secrets().inNamespace(NS).withName(secret).get() != null);
        String token =
                new String(
                        Base64.getDecoder()
                                .decode(
                                        kube.secrets()
                                                .inNamespace(NS)
                                                .withName(secret)
                                                .get()
                                                .getData()
                                                .get(JoinTokens.TOKEN_KEY)),
                        StandardCharsets.UTF_8);
        TestNode node = new TestNode(nodeId, hub.ca().certificate(), hub.nodePort());
        node.enrolled(token);
        return node;
    }

    static HttpResponse<String> adminGet(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + hub.adminPort() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode admin(String path) throws Exception {
        HttpResponse<String> r = adminGet(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    static int adminStatus(String path) throws Exception {
        return adminGet(path).statusCode();
    }

    static String adminText(String path) throws Exception {
        return adminGet(path).body();
    }
}
