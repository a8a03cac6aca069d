package io.fednode.hub.http;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code perMinute} requests a minute from one client address (a token bucket holding
 * {@code perMinute}, refilled evenly over the minute); beyond it, 429 with {@code Retry-After},
 * before the body is read. The buckets of the {@value #MAX_TRACKED} addresses seen last are kept;
 * an address pushed out of that set starts afresh with a full bucket.
 */
public final class PerClientRateLimit extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(PerClientRateLimit.class);
    static final int MAX_TRACKED = 10_000;

    private final int perMinute;
    private final long nanosPerToken;
    private final Map<String, Bucket> buckets =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                    return size() > MAX_TRACKED;
                }
            };

    public PerClientRateLimit(int perMinute, Handler handler) {
        super(handler);
        this.perMinute = perMinute;
        this.nanosPerToken = 60_000_000_000L / perMinute;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String from = Request.getRemoteAddr(request);
        long waitNanos = take(from, System.nanoTime());
        if (waitNanos > 0) {
            LOG.debug("request from {} refused: more than {} a minute", from, perMinute);
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(seconds));
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            JsonEndpoint.respond(
                    response,
                    callback,
                    429,
                    Map.of("error", "too many requests from this address; retry later"));
            return true;
        }
        return super.handle(request, response, callback);
    }

    /** Takes a token for this address; 0 if there was one, else how long until there is. */
    synchronized long take(String from, long now) {
        Bucket b = buckets.computeIfAbsent(from, k -> new Bucket(perMinute, now));
        long refill = (now - b.updated) / nanosPerToken;
        if (refill > 0) {
            b.tokens = (int) Math.min(perMinute, b.tokens + refill);
            b.updated = b.tokens == perMinute ? now : b.updated + refill * nanosPerToken;
        }
        if (b.tokens > 0) {
            b.tokens--;
            return 0;
        }
        return b.updated + nanosPerToken - now;
    }

    synchronized int tracked() {
        return buckets.size();
    }

    private static final class Bucket {
        int tokens;
        long updated;

        Bucket(int tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }
}
