package io.fednode.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Applies YAML manifests the way a user does ({@code kubectl apply --server-side}). */
public final class Manifests {
    /** Field manager of everything tests apply, so it never collides with the operator's. */
    public static final String FIELD_MANAGER = "test-install";

    private Manifests() {}

    /**
     * Server-side applies every object in a (multi-document) YAML file and waits until the CRDs
     * among them are served, so the next request can use them.
     */
    public static List<HasMetadata> apply(KubernetesClient admin, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<HasMetadata> items = admin.load(in).items();
            for (HasMetadata item : items) {
                admin.resource(item).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
            }
            for (HasMetadata item : items) {
                if (item instanceof CustomResourceDefinition crd) {
                    awaitEstablished(admin, crd.getMetadata().getName());
                }
            }
            return items;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (up to a minute) until the API server serves the named CRD. */
    public static void awaitEstablished(KubernetesClient admin, String crdName) {
        admin.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(crdName)
                .waitUntilCondition(Manifests::isEstablished, 60, TimeUnit.SECONDS);
    }

    public static boolean isEstablished(CustomResourceDefinition crd) {
        return crd != null
                && crd.getStatus() != null
                && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(
                                c ->
                                        "Established".equals(c.getType())
                                                && "True".equals(c.getStatus()));
    }
}
