package io.fednode.hub.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that takes longer than the deadline to deliver a request's headers: from the
 * moment it is opened (TLS handshake included) to the end of its first request's headers, and from
 * the first byte to the end of the headers of every later one. Time between requests is governed by
 * the idle timeout; the body by the endpoint's request timeout. Jetty parses headers without a
 * thread, so a slow client costs only its connection, and this bounds how long it can keep it. Add
 * it to a {@code ServerConnector} as a bean; it checks once a second.
 */
public final class RequestHeaderDeadline extends AbstractLifeCycle implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(RequestHeaderDeadline.class);

    private final long deadlineNanos;
    private final Map<HttpConnection, AtomicLong> open = new ConcurrentHashMap<>();
    private final AtomicLong closed = new AtomicLong();
    private ScheduledExecutorService sweeper;

    public RequestHeaderDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            open.put(http, new AtomicLong(System.nanoTime()));
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    /** Connections closed for being too slow so far. */
    public long closed() {
        return closed.get();
    }

    @Override
    protected void doStart() {
        sweeper =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "hub-header-deadline");
                            t.setDaemon(true);
                            return t;
                        });
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
    }

    private void sweep() {
        long now = System.nanoTime();
        open.forEach(
                (connection, since) -> {
                    if (!waitingForHeaders(connection)) {
                        since.set(Long.MIN_VALUE);
                        return;
                    }
                    if (since.get() == Long.MIN_VALUE) {
                        since.set(now);
                    } else if (now - since.get() > deadlineNanos) {
                        open.remove(connection);
                        closed.incrementAndGet();
                        LOG.debug(
                                "closing a connection from {}: no complete request headers in time",
                                connection.getEndPoint().getRemoteSocketAddress());
                        connection.getEndPoint().close();
                    }
                });
    }

    /** A new connection with no request yet, or a request whose headers have not all arrived. */
    private static boolean waitingForHeaders(HttpConnection connection) {
        HttpParser parser = connection.getParser();
        if (parser.isStart()) {
            return connection.getMessagesIn() == 0;
        }
        return parser.inHeaderState();
    }
}
