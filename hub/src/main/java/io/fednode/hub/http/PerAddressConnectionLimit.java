package io.fednode.hub.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.util.IO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} open connections from one client address. A connection beyond it is closed as
 * it is accepted, before the TLS handshake, so it costs the hub no handshake and no thread. Add it
 * to a {@code ServerConnector} as a bean.
 */
public final class PerAddressConnectionLimit implements SelectorManager.AcceptListener {
    private static final Logger LOG = LoggerFactory.getLogger(PerAddressConnectionLimit.class);

    private final int max;
    private final Map<InetAddress, Integer> open = new HashMap<>();
    private final Map<SelectableChannel, InetAddress> counted = new HashMap<>();
    private final AtomicLong refused = new AtomicLong();

    public PerAddressConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void onAccepting(SelectableChannel channel) {
        InetAddress from = remoteAddress(channel);
        if (from == null) {
            return;
        }
        synchronized (this) {
            int n = open.getOrDefault(from, 0);
            if (n < max) {
                open.put(from, n + 1);
                counted.put(channel, from);
                return;
            }
        }
        refused.incrementAndGet();
        LOG.debug("connection from {} refused: {} already open", from, max);
        IO.close(channel);
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        release(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        release(channel);
    }

    /** Connections refused so far. */
    public long refused() {
        return refused.get();
    }

    private synchronized void release(SelectableChannel channel) {
        InetAddress from = counted.remove(channel);
        if (from != null) {
            open.computeIfPresent(from, (a, n) -> n > 1 ? n - 1 : null);
        }
    }

    private static InetAddress remoteAddress(SelectableChannel channel) {
        try {
            return channel instanceof SocketChannel socket
                            && socket.getRemoteAddress() instanceof InetSocketAddress remote
                    ? remote.getAddress()
                    : null;
        } catch (IOException e) {
            return null;
        }
    }
}
