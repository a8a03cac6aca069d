package io.fednode.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import java.util.List;

/**
 * A reconciler's primary informer cache as JOSDK hands it to {@code prepareEventSources}, for
 * readers outside the reconcile loop (the metrics collected at scrape time). Empty until the
 * controller has prepared its event sources; reading it never calls the API server.
 */
public final class CachedResources<T extends HasMetadata> {
    private volatile IndexedResourceCache<T> cache;

    /** Called once from the reconciler's {@code prepareEventSources}. */
    public void attach(IndexedResourceCache<T> cache) {
        this.cache = cache;
    }

    /** What the informer holds now. */
    public List<T> list() {
        IndexedResourceCache<T> c = cache;
        return c == null ? List.of() : c.list().toList();
    }
}
