package io.fednode.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fednode.operator.metrics.Readiness;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * {@code /metrics} (Prometheus text format), {@code /healthz} (liveness) and {@code /readyz}
 * (informers synced, see {@link Readiness}) on one port.
 */
public final class OperatorHttpServer implements AutoCloseable {
    private final HttpServer server;

    public OperatorHttpServer(
            String bindAddress,
            int port,
            PrometheusMeterRegistry registry,
            Operator operator,
            Readiness readiness) {
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(
                "/metrics",
                exchange -> respond(exchange, 200, registry.scrape(), "text/plain; version=0.0.4"));
        server.createContext(
                "/healthz",
                exchange -> {
                    var info = operator.getRuntimeInfo();
                    boolean healthy = info.isStarted() && info.allEventSourcesAreHealthy();
                    respond(
                            exchange,
                            healthy ? 200 : 503,
                            healthy ? "ok\n" : "unhealthy: event sources not healthy\n",
                            "text/plain");
                });
        server.createContext(
                "/readyz",
                exchange -> {
                    var notReady = readiness.notReady(operator.getRuntimeInfo());
                    respond(
                            exchange,
                            notReady.isEmpty() ? 200 : 503,
                            notReady.map(r -> "not ready: " + r + "\n")
                                    .orElseGet(readiness::readyBody),
                            "text/plain");
                });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int code, String body, String type)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
