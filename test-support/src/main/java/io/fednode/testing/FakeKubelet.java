package io.fednode.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;

/**
 * What a kubelet reports for a Pod whose containers started and passed their readiness probe, for
 * API servers with no node: phase Running and condition Ready. Nothing runs. Tests whose subject is
 * a controller that waits for ready Pods (the StatefulSet controller's ordered start, Helm's
 * readiness wait) use it; where a real node runs, tests use it instead.
 */
public final class FakeKubelet {
    private FakeKubelet() {}

    /** Reports every Pod of {@code namespace} ready, until the returned informer is closed. */
    public static SharedIndexInformer<Pod> start(KubernetesClient admin, String namespace) {
        return admin.pods()
                .inNamespace(namespace)
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(Pod pod) {
                                ready(admin, pod);
                            }

                            @Override
                            public void onUpdate(Pod before, Pod after) {
                                ready(admin, after);
                            }

                            @Override
                            public void onDelete(Pod pod, boolean unknown) {}
                        });
    }

    private static void ready(KubernetesClient admin, Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null
                || ("Running".equals(pod.getStatus().getPhase())
                        && pod.getStatus().getConditions().stream()
                                .anyMatch(
                                        c ->
                                                "Ready".equals(c.getType())
                                                        && "True".equals(c.getStatus())))) {
            return;
        }
        String now = Instant.now().toString();
        PodCondition ready =
                new PodConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .withLastTransitionTime(now)
                        .build();
        try {
            admin.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .editStatus(
                            p -> {
                                p.getStatus().setPhase("Running");
                                p.getStatus().setStartTime(now);
                                p.getStatus().setConditions(List.of(ready));
                                return p;
                            });
        } catch (RuntimeException e) {
            // the Pod went away or changed meanwhile: the next event reports it again
        }
    }
}
