package io.fednode.operator.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.testing.Manifests;
import io.fednode.testing.RealApiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chart's ValidatingAdmissionPolicies on the egress labels ({@code
 * manifests/install/02-egress-labels-policy.yaml}), enforced by a real kube-apiserver: nobody but
 * the Job controller (for a Job it owns) creates a Pod that carries {@code
 * fednode.io/federation-egress} or {@code fednode.io/training-run}, nobody but the operator's
 * ServiceAccount creates a Job whose Pods would, and nobody adds them to a Pod later. Identities
 * are impersonated by the admin with {@code system:masters}, so RBAC allows every request and what
 * refuses one is the policy alone.
 */
class EgressLabelsPolicyIT {
    static final String NS = "egress-labels";
    static final String OPERATOR = "system:serviceaccount:fednode-system:fednode-operator";
    static final String JOB_CONTROLLER = "system:serviceaccount:kube-system:job-controller";

    @RegisterExtension static final RealApiServer API = new RealApiServer();

    private static KubernetesClient operator;
    private static KubernetesClient jobController;
    private static KubernetesClient replicaSetController;

    @BeforeAll
    static void install() {
        for (String file : List.of("00-namespace.yaml", "02-egress-labels-policy.yaml")) {
            Manifests.apply(API.client(), Path.of("../manifests/install").resolve(file));
        }
        API.client()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        operator = as(OPERATOR);
        jobController = as(JOB_CONTROLLER);
        replicaSetController = as("system:serviceaccount:kube-system:replicaset-controller");
        // The policy is served a moment after it is created: wait until a forged Pod is refused.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(
                        () -> {
                            try {
                                API.client()
                                        .resource(pod("warm-up", egressLabel(), false))
                                        .create();
                                API.client().pods().inNamespace(NS).withName("warm-up").delete();
                                throw new AssertionError("the policy does not refuse yet");
                            } catch (KubernetesClientException e) {
                                assertThat(e.getMessage()).contains("open egress");
                            }
                        });
    }

    @AfterAll
    static void close() {
        for (KubernetesClient c :
                new KubernetesClient[] {operator, jobController, replicaSetController}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aPodAuthorCannotGiveAPodTheFederationEgressLabel() {
        assertThatThrownBy(
                        () -> API.client().resource(pod("forged", egressLabel(), false)).create())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(403))
                .hasMessageContaining("metadata.labels: fednode.io/federation-egress open egress")
                .hasMessageContaining("(created by ");
        assertThat(API.client().pods().inNamespace(NS).withName("forged").get()).isNull();
    }

    @Test
    void aPodAuthorCannotJoinATrainingRunsPolicy() {
        Map<String, String> labels = Map.of(TrainingLabels.RUN, "lung-ct-round-1");
        assertThatThrownBy(() -> API.client().resource(pod("joins-run", labels, true)).create())
                .hasMessageContaining("fednode.io/training-run open egress");
        // Not even claiming to be the Job controller's Pod, when it is not the Job controller.
        assertThatThrownBy(
                        () -> replicaSetController.resource(pod("rs-made", labels, true)).create())
                .hasMessageContaining("fednode.io/training-run open egress");
        assertThat(API.client().pods().inNamespace(NS).list().getItems())
                .noneMatch(p -> p.getMetadata().getName().matches("joins-run|rs-made"));
    }

    @Test
    void theLabelCannotBeAddedToAnExistingPod() {
        API.client().resource(pod("plain", Map.of("app", "plain"), false)).create();
        assertThatThrownBy(
                        () ->
                                API.client()
                                        .pods()
                                        .inNamespace(NS)
                                        .withName("plain")
                                        .edit(
                                                p -> {
                                                    p.getMetadata()
                                                            .getLabels()
                                                            .put(TrainingLabels.RUN, "lung-ct");
                                                    return p;
                                                }))
                .hasMessageContaining("cannot be added, changed or removed on a Pod");
        assertThat(
                        API.client()
                                .pods()
                                .inNamespace(NS)
                                .withName("plain")
                                .get()
                                .getMetadata()
                                .getLabels())
                .containsOnlyKeys("app");
    }

    @Test
    void onlyTheOperatorCreatesJobsWhosePodsCarryTheLabels() {
        assertThatThrownBy(() -> API.client().resource(job("users-job")).create())
                .hasMessageContaining("only the fednode operator (" + OPERATOR + ")")
                .hasMessageContaining("(requested by ");
        assertThatThrownBy(() -> jobController.resource(job("controllers-job")).create())
                .hasMessageContaining("spec.template.metadata.labels");
        Job created = operator.resource(job("operators-job")).create();
        assertThat(created.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry(TrainingLabels.RUN, "operators-job");
    }

    @Test
    void theJobControllerCreatesTheLabelledPodsOfAJob() {
        Job job = operator.resource(job("runs-pods")).create();
        Map<String, String> labels = job.getSpec().getTemplate().getMetadata().getLabels();
        Pod pod = new PodBuilder(pod("runs-pods-x1", labels, false)).build();
        pod.getMetadata()
                .setOwnerReferences(
                        List.of(
                                new OwnerReferenceBuilder()
                                        .withApiVersion("batch/v1")
                                        .withKind("Job")
                                        .withName("runs-pods")
                                        .withUid(job.getMetadata().getUid())
                                        .withController(true)
                                        .withBlockOwnerDeletion(true)
                                        .build()));
        assertThat(jobController.resource(pod).create().getMetadata().getLabels())
                .containsEntry(TrainingLabels.RUN, "runs-pods");
        // The Job controller's identity alone is not enough: the Pod must belong to a Job.
        assertThatThrownBy(
                        () -> jobController.resource(pod("runs-pods-x2", labels, false)).create())
                .hasMessageContaining("fednode.io/training-run open egress");
    }

    private static Map<String, String> egressLabel() {
        return Map.of("fednode.io/federation-egress", "true");
    }

    private static Pod pod(String name, Map<String, String> labels, boolean jobOwned) {
        PodBuilder b =
                new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(NS)
                        .withLabels(new LinkedHashMap<>(labels))
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("c")
                        .withImage("registry.example.org/fl/trainer:1")
                        .endContainer()
                        .endSpec();
        if (jobOwned) {
            b.editMetadata()
                    .addNewOwnerReference()
                    .withApiVersion("batch/v1")
                    .withKind("Job")
                    .withName("someones-job")
                    .withUid("00000000-0000-0000-0000-000000000001")
                    .withController(true)
                    .endOwnerReference()
                    .endMetadata();
        }
        return b.build();
    }

    private static Job job(String name) {
        return new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels(TrainingLabels.RUN, name)
                .addToLabels("fednode.io/workload", "training")
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName("hospital-a-training")
                .withAutomountServiceAccountToken(false)
                .addNewContainer()
                .withName("trainer")
                .withImage("registry.example.org/fl/trainer:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The admin's client, impersonating {@code user} (with system:masters: RBAC allows all). */
    private static KubernetesClient as(String user) {
        Config admin = Config.fromKubeconfig(API.kubeConfigYaml());
        Config config =
                new ConfigBuilder(admin)
                        .withImpersonateUsername(user)
                        .withImpersonateGroups("system:masters", "system:authenticated")
                        .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
