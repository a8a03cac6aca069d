package io.fednode.operator.dataset;

import static io.fednode.fixtures.ConditionAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fednode.api.v1alpha1.AnonymisationOption;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeStatus;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.testing.Conflicts;
import io.fednode.testing.Namespaces;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.RealApiServer;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Dataset reconciler against a real kube-apiserver, running as the operator's own
 * ServiceAccount with the chart's RBAC. Only the Dataset controller runs: the node's status is
 * written by the test (through the status subresource), and since no kubelet or Job controller runs
 * here, the test plays them when a Job must finish (Job status and a Pod with a terminated
 * container, also through the status subresource).
 */
class DatasetReconcilerIT {
    static final String NS = "hospital";

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    private static Operator operator;
    private static KubernetesClient operatorClient;

    @BeforeAll
    static void start() {
        OperatorManifests.applyAllButDeployment(admin(), List.of(NS));
        Namespaces.restricted(admin(), NS);
        operatorClient = API.clientAs("fednode-system", "fednode-operator");
        operator =
                new Operator(
                        o ->
                                o.withKubernetesClient(operatorClient)
                                        .checkingCRDAndValidateLocalModel(false)
                                        .withStopOnInformerErrorDuringStartup(true)
                                        .withCloseClientOnStop(false));
        operator.register(
                new DatasetReconciler("registry.test/fednode-anonymiser:it"),
                c -> c.settingNamespaces(Set.of(NS)));
        operator.start();
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.stop();
        }
        if (operatorClient != null) {
            operatorClient.close();
        }
    }

    @Test
    void missingNodeIsAConditionAndNoJob() {
        create(Fixtures.dataset(NS, "orphan", "no-such-node", "imports/a"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            assertThat(dataset("orphan"))
                                    .hasCondition("Ready", "False", "NodeNotFound")
                                    .hasCondition("Stalled", "True", "NodeNotFound");
                        });
        assertThat(condition("orphan", "Ready").getMessage())
                .contains("spec.nodeRef")
                .contains("no-such-node");
        assertThat(jobsOf("orphan")).isEmpty();
    }

    @Test
    void computeOnlyNodeIsAConditionAndNoJob() {
        createNode("gpu-site", NodeRole.COMPUTE, "True");
        create(Fixtures.dataset(NS, "on-compute", "gpu-site", "imports/a"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(dataset("on-compute"))
                                        .hasCondition("Stalled", "True", "NodeHoldsNoData"));
        assertThat(dataset("on-compute")).hasCondition("Ready", "False");
        assertThat(jobsOf("on-compute")).isEmpty();
    }

    @Test
    void nodeNotReadyWaitsWithoutAJobThenRunsWhenReady() {
        createNode("slow-node", NodeRole.DATA, "False");
        create(Fixtures.dataset(NS, "waiting", "slow-node", "imports/a"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            assertThat(dataset("waiting"))
                                    .hasCondition("Ready", "False", "WaitingForNode")
                                    .hasCondition("Reconciling", "True", "WaitingForNode")
                                    .hasCondition("Stalled", "False", "NoBlockingErrors");
                        });
        assertThat(jobsOf("waiting")).isEmpty();

        setNodeReady("slow-node", "True");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(jobsOf("waiting")).hasSize(1));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(dataset("waiting"))
                                        .hasCondition("Reconciling", "True", "Anonymising"));
    }

    @Test
    void jobHasTheMountsSecurityAndIsolationAndPassesRestrictedPodSecurity() {
        createNode("hospital-a", NodeRole.HYBRID, "True");
        Dataset ds = Fixtures.dataset(NS, "lung-ct", "hospital-a", "imports/2026-11/lung-ct");
        ds.getSpec().setOptions(List.of(AnonymisationOption.CLEAN_DESCRIPTORS));
        create(ds);
        Job job = awaitJob("lung-ct-r1");

        var pod = job.getSpec().getTemplate().getSpec();
        var c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("registry.test/fednode-anonymiser:it");
        assertThat(c.getVolumeMounts())
                .extracting(
                        m ->
                                m.getMountPath()
                                        + " "
                                        + m.getSubPath()
                                        + " ro="
                                        + Boolean.TRUE.equals(m.getReadOnly()))
                .containsExactlyInAnyOrder(
                        "/data/raw imports/2026-11/lung-ct ro=true",
                        "/data/output lung-ct/r1 ro=false",
                        "/data/quarantine quarantine/lung-ct/r1 ro=false",
                        "/var/run/fednode/pseudonym-key null ro=true",
                        "/tmp null ro=false");
        assertThat(pod.getVolumes())
                .extracting(
                        v ->
                                v.getName()
                                        + " "
                                        + (v.getPersistentVolumeClaim() != null
                                                ? v.getPersistentVolumeClaim().getClaimName()
                                                        + " ro="
                                                        + Boolean.TRUE.equals(
                                                                v.getPersistentVolumeClaim()
                                                                        .getReadOnly())
                                                : v.getSecret() != null
                                                        ? "secret " + v.getSecret().getSecretName()
                                                        : "emptyDir"))
                .containsExactlyInAnyOrder(
                        "raw hospital-a-raw ro=true",
                        "anonymised hospital-a-anonymised ro=false",
                        "scratch hospital-a-scratch ro=false",
                        "pseudonym-key secret hospital-a-pseudonym-key",
                        "tmp emptyDir");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getServiceAccountName()).isEqualTo("hospital-a-anonymiser");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
        assertThat(c.getArgs()).containsSubsequence("--option", "clean-descriptors");
        assertThat(job.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo("lung-ct"));

        NetworkPolicy isolation =
                admin().network()
                        .networkPolicies()
                        .inNamespace(NS)
                        .withName("lung-ct-anonymiser-isolation")
                        .get();
        assertThat(isolation).as("the Dataset's isolation NetworkPolicy").isNotNull();
        assertThat(isolation.getSpec().getPolicyTypes()).contains("Egress", "Ingress");
        assertThat(isolation.getSpec().getEgress())
                .as("no egress rule: all egress denied")
                .isNullOrEmpty();
        assertThat(isolation.getSpec().getIngress()).isNullOrEmpty();
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels().entrySet())
                .as("the policy selects the Job's Pods")
                .containsAll(isolation.getSpec().getPodSelector().getMatchLabels().entrySet());

        // The namespace enforces the restricted Pod Security profile: a Pod made from the
        // template is admitted (dry run: nothing is stored).
        admin().resource(AnonymiserJobFakes.serviceAccount(NS, "hospital-a-anonymiser"))
                .createOr(e -> e.update());
        Pod fromTemplate =
                new PodBuilder()
                        .withNewMetadata()
                        .withName("psa-check")
                        .withNamespace(NS)
                        .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
                        .endMetadata()
                        .withSpec(job.getSpec().getTemplate().getSpec())
                        .build();
        assertThat(admin().resource(fromTemplate).dryRun().create().getMetadata().getName())
                .isEqualTo("psa-check");
    }

    @Test
    void completedJobsReportBecomesTheStatus() {
        createNode("node-done", NodeRole.DATA, "True");
        create(Fixtures.dataset(NS, "done", "node-done", "imports/done"));
        Job job = awaitJob("done-r1");

        fakeKubeletTerminates(job, "done-r1-abcde", 0, JobOutcomeTest.REPORT);
        finishJob(job, true);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(dataset("done"))
                                        .hasCondition("Ready", "True", "Anonymised"));
        Dataset ds = dataset("done");
        assertThat(ds.getStatus().getFiles().getSeen()).isEqualTo(3);
        assertThat(ds.getStatus().getFiles().getWritten()).isEqualTo(2);
        assertThat(ds.getStatus().getFiles().getQuarantined()).isEqualTo(1);
        assertThat(ds.getStatus().getBytes().getRead()).isEqualTo(30);
        assertThat(ds.getStatus().getQuarantineReasons()).containsEntry("not-dicom", 1L);
        assertThat(ds.getStatus().getRevision()).isEqualTo(1);
        assertThat(ds.getStatus().getOutputPath()).isEqualTo("done/r1");
        assertThat(ds.getStatus().getCompletionTime()).isNotBlank();
        assertThat(ds.getStatus().getObservedGeneration())
                .isEqualTo(ds.getMetadata().getGeneration());
        assertThat(dataset("done"))
                .hasCondition("Reconciling", "False", "Anonymised")
                .hasCondition("Failed", "False", "NotFailed");
    }

    /**
     * The Events a person sees for an anonymisation: the Job created, the revision anonymised, and
     * a Warning of its own when files were quarantined (none when no file was).
     */
    @Test
    void anAnonymisedRevisionIsAnEventAndQuarantinedFilesAWarning() {
        createNode("node-ev", NodeRole.DATA, "True");
        create(Fixtures.dataset(NS, "quarantining", "node-ev", "imports/q"));
        create(Fixtures.dataset(NS, "clean", "node-ev", "imports/c"));
        Job quarantining = awaitJob("quarantining-r1");
        Job clean = awaitJob("clean-r1");
        fakeKubeletTerminates(quarantining, "quarantining-r1-abcde", 0, JobOutcomeTest.REPORT);
        fakeKubeletTerminates(
                clean,
                "clean-r1-abcde",
                0,
                "{\"filesSeen\":3,\"filesWritten\":3,\"filesQuarantined\":0,\"bytesIn\":30,"
                        + "\"bytesOut\":30,\"quarantineReasons\":{}}\n");
        finishJob(quarantining, true);
        finishJob(clean, true);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            assertThat(dataset("quarantining"))
                                    .hasCondition("Ready", "True", "Anonymised");
                            assertThat(dataset("clean"))
                                    .hasCondition("Ready", "True", "Anonymised");
                            assertThat(events("quarantining", "FilesQuarantined"))
                                    .singleElement()
                                    .satisfies(
                                            e -> {
                                                assertThat(e.getType()).isEqualTo("Warning");
                                                assertThat(e.getMessage())
                                                        .isEqualTo(
                                                                "revision 1: 1 of 3 files"
                                                                        + " quarantined"
                                                                        + " {not-dicom=1}");
                                            });
                        });
        for (String dataset : List.of("quarantining", "clean")) {
            assertThat(events(dataset, "JobCreated"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));
            assertThat(events(dataset, "Anonymised"))
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getType()).isEqualTo("Normal");
                                assertThat(e.getInvolvedObject().getKind()).isEqualTo("Dataset");
                                assertThat(e.getInvolvedObject().getUid())
                                        .isEqualTo(dataset(dataset).getMetadata().getUid());
                            });
        }
        assertThat(events("clean", "FilesQuarantined")).isEmpty();
    }

    @Test
    void specChangeMakesANewRevisionAndLeavesTheRunningJobAlone() {
        createNode("node-rev", NodeRole.DATA, "True");
        create(Fixtures.dataset(NS, "rev", "node-rev", "imports/v1"));
        Job first = awaitJob("rev-r1");

        // The operator writes status meanwhile: a 409 Conflict is retried on the latest version.
        Conflicts.edit(
                datasets().withName("rev"),
                d -> {
                    d.getSpec().setDescription("only the description changes");
                    return d;
                });
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(dataset("rev").getStatus().getObservedGeneration())
                                        .isEqualTo(2L));
        assertThat(jobsOf("rev")).as("a description is not a new revision").hasSize(1);

        Conflicts.edit(
                datasets().withName("rev"),
                d -> {
                    d.getSpec().getSource().setPath("imports/v2");
                    return d;
                });
        Job second = awaitJob("rev-r2");
        assertThat(
                        second.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getVolumeMounts())
                .anySatisfy(
                        m -> {
                            assertThat(m.getMountPath()).isEqualTo("/data/raw");
                            assertThat(m.getSubPath()).isEqualTo("imports/v2");
                        });
        Job firstNow = admin().batch().v1().jobs().inNamespace(NS).withName("rev-r1").get();
        assertThat(firstNow).as("the running Job of revision 1 still exists").isNotNull();
        assertThat(firstNow.getMetadata().getResourceVersion())
                .as("and was not changed")
                .isEqualTo(first.getMetadata().getResourceVersion());
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            assertThat(dataset("rev").getStatus().getRevision()).isEqualTo(2);
                            assertThat(dataset("rev").getStatus().getJobName()).isEqualTo("rev-r2");
                        });
    }

    @Test
    void failedJobMakesTheDatasetFailedWithTheReason() {
        createNode("node-fail", NodeRole.DATA, "True");
        create(Fixtures.dataset(NS, "broken", "node-fail", "imports/broken"));
        Job job = awaitJob("broken-r1");

        for (int i = 0; i <= AnonymisationJob.BACKOFF_LIMIT; i++) {
            fakeKubeletTerminates(
                    job, "broken-r1-" + i, 1, "fednode-anonymiser: fatal: No space left on device");
        }
        finishJob(job, false);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            assertThat(dataset("broken"))
                                    .hasCondition("Failed", "True", "BackoffLimitExceeded")
                                    .hasCondition("Ready", "False", "AnonymisationFailed")
                                    .hasCondition("Stalled", "True", "BackoffLimitExceeded");
                        });
        assertThat(condition("broken", "Failed").getMessage())
                .contains("after 3 attempts")
                .contains("No space left on device");
        assertThat(jobsOf("broken")).as("a failed revision is not retried forever").hasSize(1);
    }

    /**
     * Issue 13 item 5: once the Job of the current revision has finished and is gone (deleted by a
     * person or a TTL), editing the Dataset must still move status.observedGeneration, or GitOps
     * tools that wait for observedGeneration == generation wait for ever.
     */
    @Test
    void editAfterTheFinishedJobIsGoneStillMovesObservedGeneration() {
        createNode("node-gitops", NodeRole.DATA, "True");
        create(Fixtures.dataset(NS, "gitops", "node-gitops", "imports/gitops"));
        Job job = awaitJob("gitops-r1");
        fakeKubeletTerminates(job, "gitops-r1-abcde", 0, JobOutcomeTest.REPORT);
        finishJob(job, true);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(dataset("gitops"))
                                        .hasCondition("Ready", "True", "Anonymised"));

        // With the finished Job still there, an edit is observed.
        long second = describe("gitops", "edited while the Job is still there");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(dataset("gitops").getStatus().getObservedGeneration())
                                        .isEqualTo(second));

        admin().batch().v1().jobs().inNamespace(NS).withName("gitops-r1").delete();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(jobsOf("gitops")).isEmpty());
        long third = describe("gitops", "edited after the Job was removed");
        assertThat(third).isGreaterThan(second);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(dataset("gitops").getStatus().getObservedGeneration())
                                        .as("observedGeneration after an edit once the Job is gone")
                                        .isEqualTo(third));
        assertThat(dataset("gitops")).hasCondition("Ready", "True", "Anonymised");
        assertThat(condition("gitops", "Ready").getObservedGeneration()).isEqualTo(third);
        assertThat(dataset("gitops").getStatus().getFiles().getWritten())
                .as("the finished revision's counts are kept")
                .isEqualTo(2);
        assertThat(jobsOf("gitops")).as("a finished revision is not run again").isEmpty();
    }

    /** Sets the description (not a new revision) and returns the new generation. */
    private static long describe(String name, String description) {
        return Conflicts.edit(
                        datasets().withName(name),
                        d -> {
                            d.getSpec().setDescription(description);
                            return d;
                        })
                .getMetadata()
                .getGeneration();
    }

    /**
     * Issue 14: the anonymiser's free text (the log tail the kubelet makes the termination message
     * when a run fails) may name input files, and raw file names can hold patient names. None of it
     * reaches the Dataset's conditions or events; which volume the path was on does.
     */
    @Test
    void inputPathsInTheAnonymisersErrorReachNeitherStatusNorEvents() {
        createNode("node-phi", NodeRole.DATA, "True");
        create(Fixtures.dataset(NS, "phi-paths", "node-phi", "imports/phi"));
        Job job = awaitJob("phi-paths-r1");
        String error =
                "fednode-anonymiser: fatal: java.nio.file.AccessDeniedException:"
                        + " /data/raw/DOE^JANE 1961-04-02/Exam MRN4711/IM0001.dcm\n"
                        + "\tat io.fednode.anonymiser.AnonymisationRun.run(AnonymisationRun.java:154)"
                        + "\nCaused by: copying '/data/raw/DOE^JANE 1961-04-02/IM0002.dcm' ->"
                        + " /data/output/r1/x.dcm: Permission denied";
        for (int i = 0; i <= AnonymisationJob.BACKOFF_LIMIT; i++) {
            fakeKubeletTerminates(job, "phi-paths-r1-" + i, 1, error);
        }
        finishJob(job, false);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(dataset("phi-paths"))
                                        .hasCondition("Failed", "True", "BackoffLimitExceeded"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(eventMessages("phi-paths")).isNotEmpty());

        String failed = condition("phi-paths", "Failed").getMessage();
        assertThat(failed)
                .as("what the person needs: the error class and which volume")
                .contains("AccessDeniedException")
                .contains("/data/raw")
                .contains("Permission denied");
        List<String> published = new java.util.ArrayList<>(eventMessages("phi-paths"));
        dataset("phi-paths")
                .getStatus()
                .getConditions()
                .forEach(c -> published.add(c.getMessage()));
        for (String text : published) {
            assertThat(text)
                    .as("status or event text")
                    .doesNotContain("DOE")
                    .doesNotContain("JANE")
                    .doesNotContain("1961")
                    .doesNotContain("MRN4711")
                    .doesNotContain("IM000")
                    .doesNotContain("x.dcm");
        }
    }

    /** Issue 14: the anonymiser Job cannot run for ever: it carries a deadline. */
    @Test
    void jobCarriesADeadline() {
        createNode("node-deadline", NodeRole.DATA, "True");
        create(Fixtures.dataset(NS, "deadline-default", "node-deadline", "imports/d"));
        Job job = awaitJob("deadline-default-r1");
        assertThat(job.getSpec().getActiveDeadlineSeconds())
                .as("activeDeadlineSeconds of the Job as the API server holds it")
                .isEqualTo(24 * 60 * 60L);

        Dataset quick = Fixtures.dataset(NS, "deadline-set", "node-deadline", "imports/d");
        quick.getSpec().setActiveDeadlineSeconds(600L);
        create(quick);
        assertThat(awaitJob("deadline-set-r1").getSpec().getActiveDeadlineSeconds())
                .as("the Dataset's spec.activeDeadlineSeconds")
                .isEqualTo(600L);
    }

    /**
     * Issue 14: a Job the Job controller stopped at its deadline (it then kills the Pod and sets
     * Failed with reason DeadlineExceeded, played here by the test) makes a Dataset condition that
     * names the deadline and the field that sets it.
     */
    @Test
    void jobStoppedAtItsDeadlineIsAClearCondition() {
        createNode("node-slow", NodeRole.DATA, "True");
        create(Fixtures.dataset(NS, "too-slow", "node-slow", "imports/huge"));
        Job job = awaitJob("too-slow-r1");
        fakeKubeletTerminates(job, "too-slow-r1-abcde", 143, "");
        finishJob(
                job, false, 1, "DeadlineExceeded", "Job was active longer than specified deadline");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            assertThat(dataset("too-slow"))
                                    .hasCondition("Failed", "True", "DeadlineExceeded")
                                    .hasCondition("Stalled", "True", "DeadlineExceeded")
                                    .hasCondition("Ready", "False", "AnonymisationFailed");
                        });
        assertThat(condition("too-slow", "Failed").getMessage())
                .contains("too-slow-r1")
                .contains("deadline of 86400 s")
                .contains("spec.activeDeadlineSeconds");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(eventMessages("too-slow"))
                                        .anySatisfy(
                                                m ->
                                                        assertThat(m)
                                                                .contains("deadline of 86400 s")));
        assertThat(jobsOf("too-slow")).as("not retried").hasSize(1);
    }

    /**
     * Issue 13: the workflow's reconcile preconditions gate what is applied, never what exists. A
     * node that disappears while the Job runs stalls the Dataset, and leaves the running Job
     * (unchanged) and its isolation policy in place.
     */
    @Test
    void nodeGoneWhileTheJobRunsLeavesTheJobAndItsIsolationInPlace() {
        createNode("node-gone", NodeRole.DATA, "True");
        create(Fixtures.dataset(NS, "orphaned", "node-gone", "imports/o"));
        Job job = awaitJob("orphaned-r1");
        NetworkPolicy isolation = isolationOf("orphaned");
        assertThat(isolation).isNotNull();

        admin().resources(FederationNode.class).inNamespace(NS).withName("node-gone").delete();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(dataset("orphaned"))
                                        .hasCondition("Stalled", "True", "NodeNotFound"));

        assertThat(admin().batch().v1().jobs().inNamespace(NS).withName("orphaned-r1").get())
                .as("the running Job")
                .isNotNull()
                .satisfies(
                        j ->
                                assertThat(j.getMetadata().getResourceVersion())
                                        .as("unchanged")
                                        .isEqualTo(job.getMetadata().getResourceVersion()));
        assertThat(isolationOf("orphaned"))
                .as("the isolation of the running Job's Pods")
                .isNotNull()
                .satisfies(
                        p ->
                                assertThat(p.getMetadata().getUid())
                                        .isEqualTo(isolation.getMetadata().getUid()));
    }

    /** Issue 13: the isolation policy is a dependent that is put back when changed by hand. */
    @Test
    void isolationPolicyOpenedByHandIsPutBack() {
        createNode("node-iso", NodeRole.DATA, "True");
        create(Fixtures.dataset(NS, "isolated", "node-iso", "imports/i"));
        awaitJob("isolated-r1");
        assertThat(isolationOf("isolated")).isNotNull();

        Conflicts.edit(
                admin().network()
                        .networkPolicies()
                        .inNamespace(NS)
                        .withName("isolated-anonymiser-isolation"),
                p -> {
                    p.getSpec()
                            .setEgress(
                                    List.of(
                                            new io.fabric8.kubernetes.api.model.networking.v1
                                                    .NetworkPolicyEgressRule()));
                    return p;
                });
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(isolationOf("isolated").getSpec().getEgress())
                                        .as("no egress rule again: all egress denied")
                                        .isNullOrEmpty());
    }

    private static NetworkPolicy isolationOf(String dataset) {
        return admin().network()
                .networkPolicies()
                .inNamespace(NS)
                .withName(dataset + "-anonymiser-isolation")
                .get();
    }

    private static List<io.fabric8.kubernetes.api.model.Event> events(
            String dataset, String reason) {
        return admin().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> dataset.equals(e.getInvolvedObject().getName()))
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }

    private static List<String> eventMessages(String dataset) {
        return admin().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> dataset.equals(e.getInvolvedObject().getName()))
                .map(io.fabric8.kubernetes.api.model.Event::getMessage)
                .toList();
    }

    // --- helpers ---

    private static Job awaitJob(String name) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                admin().batch()
                                                        .v1()
                                                        .jobs()
                                                        .inNamespace(NS)
                                                        .withName(name)
                                                        .get())
                                        .isNotNull());
        return admin().batch().v1().jobs().inNamespace(NS).withName(name).get();
    }

    private static void fakeKubeletTerminates(
            Job job, String podName, int exitCode, String message) {
        AnonymiserJobFakes.fakeKubeletTerminates(admin(), job, podName, exitCode, message);
    }

    private static void finishJob(Job job, boolean succeeded) {
        AnonymiserJobFakes.finishJob(admin(), job, succeeded);
    }

    private static void finishJob(
            Job job, boolean succeeded, int failed, String reason, String message) {
        AnonymiserJobFakes.finishJob(admin(), job, succeeded, failed, reason, message);
    }

    private static void createNode(String name, NodeRole role, String ready) {
        FederationNode node = Fixtures.node(NS, name, role);
        if (role == NodeRole.COMPUTE) {
            node.getSpec().setAnonymisation(null);
        }
        admin().resource(node).create();
        setNodeReady(name, ready);
    }

    /** Stands in for the node reconciler, which does not run in this test. */
    private static void setNodeReady(String name, String ready) {
        FederationNode node =
                admin().resources(FederationNode.class).inNamespace(NS).withName(name).get();
        FederationNodeStatus status = new FederationNodeStatus();
        status.setObservedGeneration(node.getMetadata().getGeneration());
        Condition c =
                new ConditionBuilder()
                        .withType("Ready")
                        .withStatus(ready)
                        .withReason(ready.equals("True") ? "NodeReady" : "VolumeClaimPending")
                        .withMessage("set by the test")
                        .withLastTransitionTime(
                                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                        .withObservedGeneration(node.getMetadata().getGeneration())
                        .build();
        status.setConditions(List.of(c));
        node.setStatus(status);
        admin().resource(node).updateStatus();
    }

    private static void create(Dataset ds) {
        ds.getMetadata().setUid(null);
        ds.getMetadata().setGeneration(null);
        admin().resource(ds).create();
    }

    private static Dataset dataset(String name) {
        return datasets().withName(name).get();
    }

    private static NonNamespaceOperation<
                    Dataset, KubernetesResourceList<Dataset>, Resource<Dataset>>
            datasets() {
        return admin().resources(Dataset.class).inNamespace(NS);
    }

    private static List<Job> jobsOf(String dataset) {
        return admin().batch()
                .v1()
                .jobs()
                .inNamespace(NS)
                .withLabel(DatasetLabels.DATASET, dataset)
                .list()
                .getItems();
    }

    private static Condition condition(String dataset, String type) {
        Dataset ds = dataset(dataset);
        assertThat(ds.getStatus()).as("status of %s", dataset).isNotNull();
        return DatasetConditionsBuilder.find(ds.getStatus(), type)
                .orElseThrow(() -> new AssertionError("no " + type + " condition on " + dataset));
    }

    private static KubernetesClient admin() {
        return API.client();
    }
}
