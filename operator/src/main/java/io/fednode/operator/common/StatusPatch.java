package io.fednode.operator.common;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the reconcilers hand JOSDK to patch a status: a fresh object with only the resource's name,
 * namespace and the new status, so the patch never carries the cached object's spec or metadata
 * (and never changes the informer cache's copy).
 */
public final class StatusPatch {
    /** The longest error message a status condition carries; longer ones are cut. */
    static final int MAX_ERROR_MESSAGE = 400;

    private StatusPatch() {}

    public static <S, R extends CustomResource<?, S>> R of(
            R resource, S status, Supplier<R> empty) {
        R patch = empty.get();
        patch.setMetadata(
                new ObjectMetaBuilder()
                        .withName(resource.getMetadata().getName())
                        .withNamespace(resource.getMetadata().getNamespace())
                        .build());
        patch.setStatus(status);
        return patch;
    }

    /**
     * A failed reconcile's error as a condition message: the exception's message (the API server's,
     * which carries no secret data) or its type, at most {@value #MAX_ERROR_MESSAGE} characters.
     */
    public static String errorMessage(Exception e) {
        String message = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
        return message.length() > MAX_ERROR_MESSAGE
                ? message.substring(0, MAX_ERROR_MESSAGE) + "…"
                : message;
    }
}
