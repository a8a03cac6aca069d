package io.fednode.operator.hublink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.FederatedJobAcceptance;
import io.fednode.api.v1alpha1.FederatedJobDecision;
import io.fednode.api.v1alpha1.FederatedJobOffer;
import io.fednode.api.v1alpha1.FederatedJobPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunStatus;
import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import io.fednode.testing.RealApiServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's side of federated jobs (issue 12) against a real kube-apiserver and a test hub: a real
 * HTTPS server on 127.0.0.1 that enrols the node, then serves the contract's three calls over mTLS
 * (the node is identified by its client certificate's CN, as the hub does) and keeps each node's
 * entry of each job with the hub's transition rules. The test plays the training controller's part
 * where a run must progress (a run's status, its Pod's termination message): no kubelet here.
 */
class FederatedJobsIT {
    static final String NS = "hospital-fjob";
    static final String DIGEST = "0123456789abcdef".repeat(4);
    static final String IMAGE = "registry.example.org/fl/trainer@sha256:" + DIGEST;

    @RegisterExtension static final RealApiServer API = new RealApiServer();
    static KubernetesClient kube;
    static FederationCa ca;
    static HttpsServer server;

    /** The test hub's state: offers by uid, node entries by node/uid, reports received. */
    static final Map<String, ObjectNode> offers = new ConcurrentHashMap<>();

    static final Map<String, List<String>> listedFor = new ConcurrentHashMap<>();
    static final Map<String, String> phases = new ConcurrentHashMap<>();
    static final List<JsonNode> reports = new CopyOnWriteArrayList<>();
    static final AtomicInteger failReports = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        kube = API.client();
        API.installCrd(Path.of("../crds/federationnodes.fednode.io-v1.yml"));
        API.installCrd(Path.of("../crds/trainingruns.fednode.io-v1.yml"));
        API.installCrd(Path.of("../crds/datasets.fednode.io-v1.yml"));
        kube.namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        ca = FederationCa.generate("federated jobs test CA");
        KeyPair serverKey = FederationCa.newKeyPair();
        X509Certificate serverCert =
                ca.signServer(
                        List.of("localhost", "127.0.0.1"),
                        serverKey.getPublic(),
                        Duration.ofDays(1));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(
                "hub",
                serverKey.getPrivate(),
                new char[0],
                new X509Certificate[] {serverCert, ca.certificate()});
        KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ca.trustStore());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(
                new HttpsConfigurator(tls) {
                    @Override
                    public void configure(HttpsParameters params) {
                        // Enrolment comes without a certificate; everything else needs one.
                        params.setWantClientAuth(true);
                    }
                });
        server.createContext("/api/v1/enrol", FederatedJobsIT::enrol);
        server.createContext("/api/v1/heartbeat", FederatedJobsIT::heartbeat);
        server.createContext("/api/v1/jobs/fetch", FederatedJobsIT::fetch);
        server.createContext("/api/v1/jobs/report", FederatedJobsIT::report);
        server.start();
        kube.resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("hub-join")
                                .withNamespace(NS)
                                .endMetadata()
                                .withStringData(
                                        Map.of(
                                                "token",
                                                "a".repeat(43),
                                                "ca.crt",
                                                Pem.encode(ca.certificate())))
                                .build())
                .create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    // ---- the test hub ------------------------------------------------------------------------

    static void enrol(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = HubClient.JSON.readTree(exchange.getRequestBody().readNBytes(16384));
            var csr =
                    new JcaPKCS10CertificationRequest(
                            Pem.certificationRequest(body.path("csr").asText()));
            X509Certificate leaf =
                    ca.signClient(
                            body.path("nodeId").asText(), csr.getPublicKey(), Duration.ofHours(1));
            reply(
                    exchange,
                    200,
                    HubClient.JSON.writeValueAsString(
                            Map.of(
                                    "certificateChain",
                                    Pem.encode(leaf, ca.certificate()),
                                    "caCertificate",
                                    Pem.encode(ca.certificate()),
                                    "notAfter",
                                    leaf.getNotAfter().toInstant().toString())));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client certificate's CN, or null (then the call is answered 403). */
    static String caller(HttpExchange exchange) {
        try {
            X509Certificate peer =
                    (X509Certificate)
                            ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0];
            RDN cn = new X500Name(peer.getSubjectX500Principal().getName()).getRDNs(BCStyle.CN)[0];
            return IETFUtils.valueToString(cn.getFirst().getValue());
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            return null;
        }
    }

    static void heartbeat(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String node = caller(exchange);
            if (node == null) {
                reply(exchange, 403, "{\"error\":\"client certificate required\"}");
                return;
            }
            ObjectNode answer = HubClient.JSON.createObjectNode();
            answer.put("acknowledged", true);
            answer.putObject("someLaterField").put("x", 1); // a newer hub's field: ignored
            ArrayNode jobs = answer.putArray("jobs");
            for (String uid : listedFor.getOrDefault(node, List.of())) {
                ObjectNode offer = offers.get(uid);
                jobs.addObject()
                        .put("uid", uid)
                        .put("generation", 1)
                        .put("name", offer.path("name").asText());
            }
            reply(exchange, 200, answer.toString());
        }
    }

    static void fetch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String node = caller(exchange);
            JsonNode body = HubClient.JSON.readTree(exchange.getRequestBody().readNBytes(1024));
            String uid = body.path("uid").asText();
            if (node == null
                    || !offers.containsKey(uid)
                    || !listedFor.getOrDefault(node, List.of()).contains(uid)) {
                reply(exchange, 404, "{\"error\":\"no such job for this node\"}");
                return;
            }
            reply(exchange, 200, offers.get(uid).toString());
        }
    }

    static void report(HttpExchange exchange) throws IOException {
        try (exchange) {
            String node = caller(exchange);
            JsonNode body = HubClient.JSON.readTree(exchange.getRequestBody().readNBytes(8192));
            String uid = body.path("uid").asText();
            if (node == null || !offers.containsKey(uid)) {
                reply(exchange, 404, "{\"error\":\"no such job for this node\"}");
                return;
            }
            if (body.has("nodeId")) {
                reply(exchange, 400, "{\"error\":\"nodeId is not a field\"}");
                return;
            }
            if (failReports.get() > 0) {
                failReports.decrementAndGet();
                reply(exchange, 503, "{\"error\":\"try later\"}");
                return;
            }
            reports.add(((ObjectNode) body.deepCopy()).put("node", node));
            String key = node + "/" + uid;
            String from = phases.getOrDefault(key, "Offered");
            String to = body.path("phase").asText();
            if (from.equals(to)) {
                reply(exchange, 200, "{}");
                return;
            }
            boolean allowed =
                    switch (from) {
                        case "Offered" -> to.equals("Accepted") || to.equals("Refused");
                        case "Accepted" -> List.of("Running", "Succeeded", "Failed").contains(to);
                        case "Running" -> to.equals("Succeeded") || to.equals("Failed");
                        default -> false;
                    };
            if (!allowed) {
                reply(exchange, 409, "{\"error\":\"transition not allowed\"}");
                return;
            }
            phases.put(key, to);
            if (List.of("Refused", "Succeeded", "Failed").contains(to)) {
                listedFor.computeIfPresent(
                        node,
                        (n, l) -> new ArrayList<>(l.stream().filter(u -> !u.equals(uid)).toList()));
            }
            reply(exchange, 200, "{}");
        }
    }

    static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Offers a job to {@code nodes}; returns its uid. */
    static String offer(String name, String type, String image, List<String> nodes) {
        String uid = UUID.randomUUID().toString();
        ObjectNode o = HubClient.JSON.createObjectNode();
        o.put("uid", uid).put("generation", 1).put("name", "research/" + name).put("type", type);
        o.put("submitter", "alice@example.org").put("image", image);
        o.putArray("command").add("python").add("-m").add("evaluate");
        o.putArray("env").addObject().put("name", "ROUNDS").put("value", "3");
        o.put("gpus", 0).put("maxRuntime", "1h");
        o.putArray("datasets");
        if (type.equals("Train")) {
            o.putObject("aggregator").put("endpoint", "https://203.0.113.10:9092");
        } else {
            o.putNull("aggregator");
        }
        o.putObject("results").put("maxBytes", 1024).putArray("allowedMetrics");
        o.put("acceptBy", "2026-12-31T00:00:00Z");
        offers.put(uid, o);
        for (String node : nodes) {
            listedFor.compute(
                    node,
                    (n, l) -> {
                        List<String> list = l == null ? new ArrayList<>() : new ArrayList<>(l);
                        list.add(uid);
                        return list;
                    });
        }
        return uid;
    }

    static FederationNode createNode(String nodeId, FederatedJobAcceptance accept) {
        FederationNode node =
                HubLinkIT.linkedNode(
                                NS, nodeId, "https://localhost:" + server.getAddress().getPort())
                        .role(NodeRole.COMPUTE)
                        .allowedImages("registry.example.org/fl/")
                        .requireDigest()
                        .egress("203.0.113.0/24")
                        .build();
        FederatedJobPolicy policy = new FederatedJobPolicy();
        policy.setAccept(accept);
        node.getSpec().setFederatedJobs(policy);
        return kube.resource(node).create();
    }

    static HubLink link(FederationNode node) {
        return new HubLink(kube, node, "0.1.0-test", Clock.systemUTC(), () -> {});
    }

    /** What the reconciler does with the link's status: the offers go into the node's status. */
    static FederationNode persist(FederationNode node, HubLink link) {
        FederationNode current =
                kube.resources(FederationNode.class)
                        .inNamespace(NS)
                        .withName(node.getMetadata().getName())
                        .get();
        FederationNodeStatus status = new FederationNodeStatus();
        status.setFederatedJobs(new ArrayList<>(link.status().federatedJobs()));
        current.setStatus(status);
        return kube.resource(current).updateStatus();
    }

    static List<JsonNode> reportsOf(String node, String uid) {
        return reports.stream()
                .filter(r -> r.path("node").asText().equals(node))
                .filter(r -> r.path("uid").asText().equals(uid))
                .toList();
    }

    static List<TrainingRun> runsOf(String uid) {
        return kube.resources(TrainingRun.class)
                .inNamespace(NS)
                .withLabel("fednode.io/federated-job-uid", uid)
                .list()
                .getItems();
    }

    static FederatedJobOffer entry(HubLink link, String uid) {
        return link.status().federatedJobs().stream()
                .filter(e -> e.getUid().equals(uid))
                .findFirst()
                .orElse(null);
    }

    static List<String> eventReasons(String nodeName) {
        return kube.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> nodeName.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    /** Plays the training controller: the run's condition (and its Pod's end, when finished). */
    static void progress(TrainingRun run, String condition, String terminationMessage) {
        if (terminationMessage != null) {
            Pod pod =
                    kube.resource(
                                    new PodBuilder()
                                            .withNewMetadata()
                                            .withName(run.getMetadata().getName() + "-pod")
                                            .withNamespace(NS)
                                            .addToLabels(
                                                    "batch.kubernetes.io/job-name",
                                                    run.getMetadata().getName())
                                            .endMetadata()
                                            .withNewSpec()
                                            .addNewContainer()
                                            .withName("trainer")
                                            .withImage(IMAGE)
                                            .endContainer()
                                            .endSpec()
                                            .build())
                            .create();
            pod.setStatus(
                    new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                            .withPhase("Succeeded")
                            .withContainerStatuses(
                                    new ContainerStatusBuilder()
                                            .withName("trainer")
                                            .withImage(IMAGE)
                                            .withImageID("")
                                            .withReady(false)
                                            .withRestartCount(0)
                                            .withNewState()
                                            .withNewTerminated()
                                            .withExitCode(0)
                                            .withReason("Completed")
                                            .withMessage(terminationMessage)
                                            .endTerminated()
                                            .endState()
                                            .build())
                            .build());
            kube.resource(pod).updateStatus();
        }
        TrainingRun current =
                kube.resources(TrainingRun.class)
                        .inNamespace(NS)
                        .withName(run.getMetadata().getName())
                        .get();
        TrainingRunStatus status = new TrainingRunStatus();
        status.setJobName(run.getMetadata().getName());
        status.setConditions(
                List.of(
                        new ConditionBuilder()
                                .withType(condition)
                                .withStatus("True")
                                .withReason(condition.equals("Failed") ? "JobFailed" : "Test")
                                .withMessage("set by the test")
                                .withLastTransitionTime("2026-12-02T18:00:00Z")
                                .build()));
        current.setStatus(status);
        kube.resource(current).updateStatus();
    }

    // ---- tests -------------------------------------------------------------------------------

    @Test
    void anAcceptedJobRunsOnceAndItsCheckedResultsReachTheHubEvenAcrossARestart() {
        FederationNode node = createNode("fj-auto", FederatedJobAcceptance.Automatic);
        String uid = offer("tumour-eval", "Evaluate", IMAGE, List.of("fj-auto"));
        HubLink link = link(node);

        link.step();
        List<TrainingRun> runs = runsOf(uid);
        assertThat(runs).hasSize(1);
        TrainingRun run = runs.get(0);
        assertThat(run.getMetadata().getName())
                .isEqualTo("fj-" + uid.substring(0, 8) + "-tumour-eval");
        assertThat(run.getMetadata().getAnnotations())
                .containsEntry("fednode.io/federated-job-origin", "research/tumour-eval")
                .containsEntry("fednode.io/federated-job-submitter", "alice@example.org")
                .containsEntry("fednode.io/federated-job-type", "Evaluate");
        assertThat(run.getSpec().getNodeRef()).isEqualTo("fj-auto");
        assertThat(run.getSpec().getImage()).isEqualTo(IMAGE);
        assertThat(reportsOf("fj-auto", uid))
                .extracting(r -> r.path("phase").asText() + "/" + r.path("reason").asText())
                .containsExactly("Accepted/PolicyPassed");
        assertThat(entry(link, uid).getDecision()).isEqualTo(FederatedJobDecision.Accepted);
        assertThat(eventReasons("fj-auto")).contains("FederatedJobOffered", "FederatedJobAccepted");

        link.step();
        assertThat(runsOf(uid)).as("a second round makes no second run").hasSize(1);
        assertThat(reportsOf("fj-auto", uid)).as("nothing new to report").hasSize(1);

        progress(run, "Running", null);
        link.step();
        assertThat(reportsOf("fj-auto", uid))
                .extracting(r -> r.path("phase").asText())
                .containsExactly("Accepted", "Running");

        // The run ends while the hub does not take reports: the Succeeded report is lost, then
        // the operator restarts (a new link, from the status the reconciler wrote).
        progress(
                run,
                "Succeeded",
                "{\"metrics\":{\"auc\":0.91,\"dice\":0.8},\"metricErrors\":{\"auc\":0.02},"
                        + "\"numExamples\":120}");
        failReports.set(1);
        link.step();
        assertThat(entry(link, uid).getPhase()).isEqualTo("Succeeded");
        assertThat(entry(link, uid).getReported()).isEqualTo("Running");
        FederationNode persisted = persist(node, link);

        HubLink restarted = link(persisted);
        restarted.step();
        assertThat(runsOf(uid)).as("the restart made no second run").hasSize(1);
        List<JsonNode> sent = reportsOf("fj-auto", uid);
        assertThat(sent)
                .extracting(r -> r.path("phase").asText())
                .containsExactly("Accepted", "Running", "Succeeded");
        JsonNode results = sent.get(2).path("results");
        assertThat(results.path("metrics").path("auc").asDouble()).isEqualTo(0.91);
        assertThat(results.path("metrics").path("dice").asDouble()).isEqualTo(0.8);
        assertThat(results.path("metricErrors").path("auc").asDouble()).isEqualTo(0.02);
        assertThat(results.path("numExamples").asLong()).isEqualTo(120);

        // The hub lists it no more (terminal): the finished run stays, the entry goes.
        restarted.step();
        assertThat(runsOf(uid)).hasSize(1);
        assertThat(entry(restarted, uid)).isNull();
    }

    @Test
    void anOfferOutsideThePolicyIsRefusedWithItsReasonAndNothingRuns() {
        FederationNode node = createNode("fj-refuse", FederatedJobAcceptance.Automatic);
        String uid =
                offer(
                        "foreign-image",
                        "Train",
                        "docker.io/library/python@sha256:" + DIGEST,
                        List.of("fj-refuse"));
        HubLink link = link(node);
        link.step();
        assertThat(runsOf(uid)).isEmpty();
        List<JsonNode> sent = reportsOf("fj-refuse", uid);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).path("phase").asText()).isEqualTo("Refused");
        assertThat(sent.get(0).path("reason").asText()).isEqualTo("ImageNotAllowed");
        assertThat(sent.get(0).path("message").asText())
                .contains("docker.io/library/python@sha256:")
                .contains("compute.allowedImages [registry.example.org/fl/]");
        assertThat(sent.get(0).has("results")).isFalse();
        assertThat(eventReasons("fj-refuse")).contains("FederatedJobRefused");
    }

    @Test
    void aNodeThatNeverAcceptsRefusesEveryOffer() {
        FederationNode node = createNode("fj-never", FederatedJobAcceptance.Never);
        String uid = offer("anything", "Evaluate", IMAGE, List.of("fj-never"));
        link(node).step();
        assertThat(reportsOf("fj-never", uid))
                .extracting(r -> r.path("reason").asText())
                .containsExactly("JobsNotAccepted");
        assertThat(runsOf(uid)).isEmpty();
    }

    @Test
    void manualOffersWaitForTheHospitalsAnnotation() {
        FederationNode node = createNode("fj-manual", FederatedJobAcceptance.Manual);
        String approved = offer("approved", "Evaluate", IMAGE, List.of("fj-manual"));
        String refused = offer("refused", "Evaluate", IMAGE, List.of("fj-manual"));
        HubLink link = link(node);
        link.step();
        assertThat(entry(link, approved).getDecision())
                .isEqualTo(FederatedJobDecision.PendingApproval);
        assertThat(entry(link, refused).getDecision())
                .isEqualTo(FederatedJobDecision.PendingApproval);
        assertThat(reportsOf("fj-manual", approved)).isEmpty();
        assertThat(runsOf(approved)).isEmpty();

        FederationNode annotated =
                kube.resources(FederationNode.class)
                        .inNamespace(NS)
                        .withName("fj-manual")
                        .edit(
                                n -> {
                                    n.getMetadata()
                                            .setAnnotations(
                                                    Map.of(
                                                            FederatedJobPolicy.APPROVE_ANNOTATION,
                                                            approved,
                                                            FederatedJobPolicy.REFUSE_ANNOTATION,
                                                            "some-other-uid, " + refused));
                                    return n;
                                });
        link.node(annotated); // what the reconcile on the annotation change does
        link.step();
        assertThat(runsOf(approved)).hasSize(1);
        assertThat(runsOf(refused)).isEmpty();
        assertThat(reportsOf("fj-manual", approved))
                .extracting(r -> r.path("phase").asText() + "/" + r.path("reason").asText())
                .containsExactly("Accepted/ApprovedByHospital");
        assertThat(reportsOf("fj-manual", refused))
                .extracting(r -> r.path("phase").asText() + "/" + r.path("reason").asText())
                .containsExactly("Refused/RefusedByHospital");
    }

    @Test
    void theUnfinishedRunOfAJobTheHubDropsIsStopped() {
        FederationNode node = createNode("fj-stop", FederatedJobAcceptance.Automatic);
        String uid = offer("cancelled", "Evaluate", IMAGE, List.of("fj-stop"));
        HubLink link = link(node);
        link.step();
        assertThat(runsOf(uid)).hasSize(1);
        listedFor.put("fj-stop", List.of()); // the FederatedJob was deleted at the hub
        link.step();
        assertThat(runsOf(uid)).isEmpty();
        assertThat(entry(link, uid)).isNull();
        assertThat(eventReasons("fj-stop")).contains("FederatedJobStopped");
    }

    @Test
    void resultsThatBreakTheRulesAreNotSentAndTheJobFails() {
        FederationNode node = createNode("fj-bad", FederatedJobAcceptance.Automatic);
        String uid = offer("leaky", "Evaluate", IMAGE, List.of("fj-bad"));
        HubLink link = link(node);
        link.step();
        TrainingRun run = runsOf(uid).get(0);
        progress(run, "Succeeded", "{\"metrics\":{\"auc\":0.9},\"patient\":\"Jane Doe\"}");
        link.step();
        List<JsonNode> sent = reportsOf("fj-bad", uid);
        assertThat(sent)
                .extracting(r -> r.path("phase").asText())
                .containsExactly("Accepted", "Failed");
        assertThat(sent.get(1).path("reason").asText()).isEqualTo("ResultsRejected");
        assertThat(sent.get(1).has("results")).isFalse();
        assertThat(sent.get(1).toString()).doesNotContain("Jane");
    }
}
