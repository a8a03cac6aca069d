package io.fednode.operator.common;

import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.MDC;

/**
 * An executor whose tasks run with the MDC of the thread that submitted them. JOSDK reconciles the
 * dependent resources of a workflow on such an executor; its reconciler thread holds {@code
 * resource.namespace}/{@code resource.name} in the MDC, and with this wrapper so do the lines the
 * dependents log (docs/operator.md, "Logs and events"). The pool thread's own MDC is put back after
 * each task.
 */
public final class MdcExecutorService extends AbstractExecutorService {
    private final ExecutorService delegate;

    public MdcExecutorService(ExecutorService delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        Map<String, String> submitter = MDC.getCopyOfContextMap();
        delegate.execute(
                () -> {
                    Map<String, String> own = MDC.getCopyOfContextMap();
                    set(submitter);
                    try {
                        task.run();
                    } finally {
                        set(own);
                    }
                });
    }

    private static void set(Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.awaitTermination(timeout, unit);
    }
}
