package io.fednode.operator.node;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;

/**
 * What a volume controller does once a claim has a volume, for API servers without controllers: the
 * claim's status says Bound with the requested capacity.
 */
public final class VolumeBinding {
    private VolumeBinding() {}

    public static void bind(KubernetesClient admin, String ns, String claimName) {
        var claim = admin.persistentVolumeClaims().inNamespace(ns).withName(claimName);
        await().atMost(Duration.ofSeconds(30)).until(() -> claim.get() != null);
        claim.editStatus(
                c -> {
                    c.getStatus().setPhase("Bound");
                    c.getStatus()
                            .setCapacity(
                                    Map.of(
                                            "storage",
                                            c.getSpec()
                                                    .getResources()
                                                    .getRequests()
                                                    .get("storage")));
                    c.getStatus().setAccessModes(c.getSpec().getAccessModes());
                    return c;
                });
    }
}
