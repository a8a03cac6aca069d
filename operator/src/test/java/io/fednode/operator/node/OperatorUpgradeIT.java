package io.fednode.operator.node;

import static io.fednode.fixtures.ConditionAssert.assertThat;
import static io.fednode.fixtures.FederationNodes.hospital;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetSource;
import io.fednode.api.v1alpha1.DatasetSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunSpec;
import io.fednode.operator.OperatorSettings;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.testing.FakeVolumeController;
import io.fednode.testing.RealApiServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator upgrade against a real kube-apiserver: the "old" operator (version 0.1.0) makes a
 * node's objects and starts a Dataset's and a TrainingRun's Jobs (which stay in flight: no Job
 * controller runs here); it stops, and the "new" one (0.2.0) starts. The new operator rolls the
 * node's and the Dataset's objects forward (their {@code app.kubernetes.io/version} label moves)
 * and records itself in every status ({@code status.operatorVersion}), while the Jobs in flight,
 * and the running run's egress policy, are the same objects, unchanged (uid and resourceVersion),
 * still labelled with the version that made them.
 */
class OperatorUpgradeIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final String NS = "upgrade";
    static final String OLD = "0.1.0";
    static final String NEW = "0.2.0";

    /**
     * The run's egress policy: made with its Job, in the reconcile that starts the run, and kept as
     * made while the run runs (its isolation does not change under a running Pod).
     */
    static final String RUN_POLICY = "train-training-egress";

    static final String IMAGE =
            "registry.example.org/fl/trainer@sha256:" + "0123456789abcdef".repeat(4);

    private static final OperatorSettings SETTINGS =
            OperatorSettings.defaults()
                    .withResyncPeriod(Duration.ofMinutes(5))
                    .withNamespaces(Set.of(NS));

    @BeforeAll
    static void retryUnwrittenStatus() {
        Awaitility.ignoreExceptionsByDefault();
    }

    @AfterAll
    static void reset() {
        Awaitility.reset();
        System.clearProperty(OperatorIdentity.VERSION_PROPERTY);
    }

    static KubernetesClient admin() {
        return API.client();
    }

    static InstalledOperator start(String version) {
        return ManagedObjects.start(API, SETTINGS, java.time.Clock.systemUTC(), version);
    }

    @Test
    void aNewVersionRollsTheNodeForwardAndLeavesJobsInFlightAlone() {
        Map<String, Job> inFlight;
        Map<String, String> objectVersions;
        NetworkPolicy runPolicy;
        try (InstalledOperator old = start(OLD)) {
            Nodes.namespace(admin(), NS);
            admin().resource(
                            hospital(NS, "site", NodeRole.HYBRID)
                                    .allowedImages("registry.example.org/fl/")
                                    .requireDigest()
                                    .build())
                    .create();
            for (String volume : List.of("raw", "anonymised", "scratch")) {
                FakeVolumeController.bind(admin(), NS, "site-" + volume);
            }
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                FederationNode n = node();
                                assertThat(n).hasCondition("Ready", "True");
                                assertThat(n.getStatus().getOperatorVersion()).isEqualTo(OLD);
                            });
            admin().resource(dataset()).create();
            admin().resource(run()).create();
            inFlight =
                    await().atMost(Duration.ofSeconds(60))
                            .until(OperatorUpgradeIT::jobs, jobs -> jobs.size() == 2);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                assertThat(dataset("scans").getStatus().getOperatorVersion())
                                        .isEqualTo(OLD);
                                assertThat(trainingRun("train").getStatus().getOperatorVersion())
                                        .isEqualTo(OLD);
                            });
            objectVersions = versionLabels();
            runPolicy = runPolicy();
            assertThat(runPolicy.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/version", OLD);
            assertThat(objectVersions)
                    .isNotEmpty()
                    .allSatisfy((k, v) -> assertThat(v).isEqualTo(OLD));
        }
        for (Job job : inFlight.values()) {
            assertThat(job.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/version", OLD);
        }

        try (InstalledOperator upgraded = start(NEW)) {
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                assertThat(node().getStatus().getOperatorVersion()).isEqualTo(NEW);
                                assertThat(dataset("scans").getStatus().getOperatorVersion())
                                        .isEqualTo(NEW);
                                assertThat(trainingRun("train").getStatus().getOperatorVersion())
                                        .isEqualTo(NEW);
                                Map<String, String> now = versionLabels();
                                assertThat(now.keySet())
                                        .as("the same objects")
                                        .isEqualTo(objectVersions.keySet());
                                assertThat(now).allSatisfy((k, v) -> assertThat(v).isEqualTo(NEW));
                            });
            assertThat(node()).hasCondition("Ready", "True");
            assertThat(runPolicy().getMetadata().getResourceVersion())
                    .as("the running run's egress policy is kept as made")
                    .isEqualTo(runPolicy.getMetadata().getResourceVersion());
            Map<String, Job> after = jobs();
            assertThat(after.keySet()).isEqualTo(inFlight.keySet());
            for (Map.Entry<String, Job> e : inFlight.entrySet()) {
                Job was = e.getValue();
                Job is = after.get(e.getKey());
                assertThat(is.getMetadata().getUid())
                        .as("Job %s not replaced", e.getKey())
                        .isEqualTo(was.getMetadata().getUid());
                assertThat(is.getMetadata().getResourceVersion())
                        .as("Job %s not written", e.getKey())
                        .isEqualTo(was.getMetadata().getResourceVersion());
                assertThat(is.getMetadata().getLabels())
                        .containsEntry("app.kubernetes.io/version", OLD);
            }
        }
    }

    static FederationNode node() {
        return admin().resources(FederationNode.class).inNamespace(NS).withName("site").get();
    }

    static Dataset dataset(String name) {
        return admin().resources(Dataset.class).inNamespace(NS).withName(name).get();
    }

    static TrainingRun trainingRun(String name) {
        return admin().resources(TrainingRun.class).inNamespace(NS).withName(name).get();
    }

    static NetworkPolicy runPolicy() {
        return admin().network().v1().networkPolicies().inNamespace(NS).withName(RUN_POLICY).get();
    }

    static Map<String, Job> jobs() {
        Map<String, Job> jobs = new LinkedHashMap<>();
        for (Job job : admin().batch().v1().jobs().inNamespace(NS).list().getItems()) {
            jobs.put(job.getMetadata().getName(), job);
        }
        return jobs;
    }

    /**
     * The operator-version label of every object the operator manages in the namespace, other than
     * Jobs and the running run's egress policy (part of the run in flight, like its Job): kind/name
     * → version.
     */
    static Map<String, String> versionLabels() {
        Map<String, String> versions = ManagedObjects.versionLabels(admin(), NS);
        versions.remove("NetworkPolicy/" + RUN_POLICY);
        return versions;
    }

    static Dataset dataset() {
        Dataset ds = new Dataset();
        ds.setMetadata(new ObjectMetaBuilder().withName("scans").withNamespace(NS).build());
        DatasetSpec spec = new DatasetSpec();
        spec.setNodeRef("site");
        spec.setSource(new DatasetSource("imports/a"));
        ds.setSpec(spec);
        return ds;
    }

    static TrainingRun run() {
        TrainingRun run = new TrainingRun();
        run.setMetadata(new ObjectMetaBuilder().withName("train").withNamespace(NS).build());
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setNodeRef("site");
        spec.setImage(IMAGE);
        spec.setGpus(0);
        spec.setAggregator(new AggregatorSpec("https://203.0.113.10:9092"));
        run.setSpec(spec);
        return run;
    }
}
