package io.fednode.e2e.hub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * When a test or its set-up fails, prints the end of each product process's log, so the failure
 * report says what the hub and the operator were doing. Printed once per class: the later steps of
 * an ordered scenario fail at once after the first failure and add nothing.
 */
public final class ProcessLogTails
        implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    private static final int LINES = 60;
    private final List<JarProcess> processes = new CopyOnWriteArrayList<>();
    private final AtomicBoolean printed = new AtomicBoolean();

    JarProcess watch(JarProcess process) {
        processes.add(process);
        return process;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        print(context);
        throw failure;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        print(context);
        throw failure;
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        print(context);
        throw failure;
    }

    private void print(ExtensionContext context) {
        if (processes.isEmpty() || printed.getAndSet(true)) {
            return;
        }
        StringBuilder out =
                new StringBuilder("\n===== ")
                        .append(context.getDisplayName())
                        .append(" failed; the processes' logs end with: =====\n");
        for (JarProcess p : processes) {
            out.append(p.tail(LINES));
        }
        System.err.println(out);
    }
}
