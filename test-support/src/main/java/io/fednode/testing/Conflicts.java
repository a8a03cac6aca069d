package io.fednode.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.function.UnaryOperator;

/**
 * A test changing a resource that a controller writes at the same time (status, finalizers) can
 * lose the optimistic-concurrency race and get 409 Conflict, as any client would. Like {@code
 * kubectl edit}, read the latest version and apply the change again.
 */
public final class Conflicts {
    private static final int ATTEMPTS = 10;

    private Conflicts() {}

    /** {@link Resource#edit(UnaryOperator)}, retried on 409 Conflict against the latest version. */
    public static <T extends HasMetadata> T edit(Resource<T> resource, UnaryOperator<T> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return resource.edit(change);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
