package io.fednode.testing;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a volume controller does once a claim has a volume, for API servers that run no controllers
 * (kube-api-test): the claim's status says Bound, with the capacity and access modes it asked for.
 * No PersistentVolume is made; where a cluster has a real PV controller, tests give it real volumes
 * instead.
 */
public final class FakeVolumeController {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private FakeVolumeController() {}

    /** Waits (up to 30 s) for claim {@code name} in {@code namespace} to exist, then binds it. */
    public static void bind(KubernetesClient admin, String namespace, String name) {
        var claim = admin.persistentVolumeClaims().inNamespace(namespace).withName(name);
        awaitTrue(() -> claim.get() != null, "claim " + namespace + "/" + name + " to exist");
        claim.editStatus(FakeVolumeController::bound);
    }

    /**
     * Waits (up to 30 s) for {@code namespace} to hold a claim, then binds every claim in it.
     *
     * @return the claims bound
     */
    public static List<PersistentVolumeClaim> bindAll(KubernetesClient admin, String namespace) {
        var claims = admin.persistentVolumeClaims().inNamespace(namespace);
        awaitTrue(() -> !claims.list().getItems().isEmpty(), "a claim in namespace " + namespace);
        List<PersistentVolumeClaim> all = claims.list().getItems();
        for (PersistentVolumeClaim c : all) {
            claims.withName(c.getMetadata().getName()).editStatus(FakeVolumeController::bound);
        }
        return all;
    }

    /**
     * Binds every claim created from now on in any namespace, until the returned informer is
     * closed.
     */
    public static SharedIndexInformer<PersistentVolumeClaim> start(KubernetesClient admin) {
        return admin.persistentVolumeClaims()
                .inAnyNamespace()
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(PersistentVolumeClaim c) {
                                admin.persistentVolumeClaims()
                                        .inNamespace(c.getMetadata().getNamespace())
                                        .withName(c.getMetadata().getName())
                                        .editStatus(FakeVolumeController::bound);
                            }

                            @Override
                            public void onUpdate(
                                    PersistentVolumeClaim before, PersistentVolumeClaim after) {}

                            @Override
                            public void onDelete(PersistentVolumeClaim c, boolean unknown) {}
                        });
    }

    private static PersistentVolumeClaim bound(PersistentVolumeClaim c) {
        c.getStatus().setPhase("Bound");
        c.getStatus()
                .setCapacity(
                        Map.of("storage", c.getSpec().getResources().getRequests().get("storage")));
        c.getStatus().setAccessModes(c.getSpec().getAccessModes());
        return c;
    }

    private static void awaitTrue(Supplier<Boolean> condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
