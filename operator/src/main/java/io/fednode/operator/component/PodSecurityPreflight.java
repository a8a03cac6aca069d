package io.fednode.operator.component;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Before a chart is installed or upgraded, every Pod it would run — bare Pods and the Pod templates
 * of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs — is sent to the API
 * server as a server-side dry run in the node's namespace, so the namespace's Pod Security
 * admission judges it. Pod Security only warns about workload objects; their Pods would be refused
 * later by the controllers, and the release would just time out. A violation refuses the component
 * with the API server's message and nothing is installed. The chart's admission policy lets the
 * operator create Pods in dry-run only.
 */
final class PodSecurityPreflight {
    private PodSecurityPreflight() {}

    static void check(
            KubernetesClient client,
            String namespace,
            String release,
            Path chart,
            Path values,
            ComponentValues secrets)
            throws ComponentProblem {
        String manifest;
        try {
            manifest =
                    new Helm(chart)
                            .template()
                            .withName(release)
                            .withNamespace(namespace)
                            .withValuesFile(values)
                            .call();
        } catch (RuntimeException e) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    "chart does not render: " + secrets.redact(String.valueOf(e.getMessage())),
                    false);
        }
        for (Pod pod : pods(manifest, namespace)) {
            try {
                client.pods().inNamespace(namespace).resource(pod).dryRun().create();
            } catch (KubernetesClientException e) {
                String message =
                        secrets.redact(
                                String.valueOf(
                                        e.getStatus() == null
                                                ? e.getMessage()
                                                : e.getStatus().getMessage()));
                if (message.contains("violates PodSecurity")) {
                    throw new ComponentProblem(Reasons.POD_SECURITY_VIOLATION, message, false);
                }
                throw e;
            }
        }
    }

    /** The Pods the manifest would run, named after their owner, in {@code namespace}. */
    static List<Pod> pods(String manifest, String namespace) {
        List<Pod> pods = new ArrayList<>();
        for (String doc : manifest.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            GenericKubernetesResource object =
                    Serialization.unmarshal(doc, GenericKubernetesResource.class);
            if (object == null || object.getKind() == null || object.getMetadata() == null) {
                continue;
            }
            PodTemplateSpec template = template(object.getKind(), object);
            if (template == null) {
                continue;
            }
            if ("StatefulSet".equals(object.getKind()) && template.getSpec() != null) {
                addClaimVolumes(object, template.getSpec());
            }
            pods.add(
                    new PodBuilder()
                            .withNewMetadata()
                            .withName(object.getMetadata().getName() + "-preflight")
                            .withNamespace(namespace)
                            .withLabels(
                                    template.getMetadata() == null
                                            ? Map.of()
                                            : template.getMetadata().getLabels())
                            .endMetadata()
                            .withSpec(template.getSpec())
                            .build());
        }
        return pods;
    }

    /**
     * The volumes the StatefulSet controller adds to each of its Pods, one per claim template
     * (claim {@code <template>-<statefulset>-<ordinal>}): without them the Pod's mounts of those
     * volumes name nothing and the dry run is refused as invalid.
     */
    private static void addClaimVolumes(GenericKubernetesResource sts, PodSpec pod) {
        Object templates =
                ((Map<?, ?>) sts.getAdditionalProperties().get("spec")).get("volumeClaimTemplates");
        if (!(templates instanceof List<?> list)) {
            return;
        }
        for (Object t : list) {
            Object meta = t instanceof Map<?, ?> m ? m.get("metadata") : null;
            Object name = meta instanceof Map<?, ?> m ? m.get("name") : null;
            if (name == null || pod.getVolumes().stream().anyMatch(v -> name.equals(v.getName()))) {
                continue;
            }
            pod.getVolumes()
                    .add(
                            new VolumeBuilder()
                                    .withName(name.toString())
                                    .withNewPersistentVolumeClaim()
                                    .withClaimName(name + "-" + sts.getMetadata().getName() + "-0")
                                    .endPersistentVolumeClaim()
                                    .build());
        }
    }

    private static PodTemplateSpec template(String kind, GenericKubernetesResource r) {
        Object spec = r.getAdditionalProperties().get("spec");
        return switch (kind == null ? "" : kind) {
            case "Pod" -> new PodTemplateSpec(r.getMetadata(), convert(spec, PodSpec.class));
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" ->
                    convert(((Map<?, ?>) spec).get("template"), PodTemplateSpec.class);
            case "CronJob" -> {
                Object jobTemplate = ((Map<?, ?>) spec).get("jobTemplate");
                Object jobSpec = jobTemplate == null ? null : ((Map<?, ?>) jobTemplate).get("spec");
                yield jobSpec == null
                        ? null
                        : convert(((Map<?, ?>) jobSpec).get("template"), PodTemplateSpec.class);
            }
            default -> null;
        };
    }

    private static <T> T convert(Object value, Class<T> type) {
        return value == null ? null : Serialization.unmarshal(Serialization.asJson(value), type);
    }
}
