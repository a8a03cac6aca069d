package io.fednode.hub.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A POST endpoint taking and returning JSON. The body is size-limited (413 beyond the limit, also
 * for chunked bodies that do not declare their length), must be {@code application/json} (415) and
 * must parse strictly into {@code T} (400); everything is decided before the endpoint writes
 * anything.
 */
public abstract class JsonEndpoint<T, P> extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(JsonEndpoint.class);

    private final Class<T> type;
    private final int maxBodyBytes;
    private final String name;
    private final MeterRegistry meters;

    protected JsonEndpoint(String name, Class<T> type, int maxBodyBytes, MeterRegistry meters) {
        this.name = name;
        this.type = type;
        this.maxBodyBytes = maxBodyBytes;
        this.meters = meters;
    }

    /** Who is calling, decided before the body is read; null if the endpoint is open. */
    protected P authenticate(Request request) {
        return null;
    }

    /** Handles a parsed body; returns the response object or throws {@link ApiException}. */
    protected abstract Object handle(T body, P principal);

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        int status = 200;
        Object result;
        try {
            P principal = authenticate(request);
            result = handle(parse(request), principal);
        } catch (ApiException e) {
            status = e.status();
            result = Map.of("error", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} failed", request.getHttpURI().getPath(), e);
            status = 500;
            result = Map.of("error", "internal error");
        }
        if (bodyMayBeUnread(status)) {
            // The body was refused before (or while) it was read: the rest of it is still on the
            // connection, so the client must not send its next request there.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        respond(response, callback, status, result);
        Timer.builder("fednode_hub_requests")
                .description("requests to the node API by endpoint and status")
                .tag("endpoint", name)
                .tag("status", Integer.toString(status))
                .publishPercentiles(0.5, 0.99)
                .register(meters)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return true;
    }

    /** Statuses thrown before the body has been read to its end (authentication, method, type). */
    static boolean bodyMayBeUnread(int status) {
        return status == 401 || status == 403 || status == 405 || status == 413 || status == 415;
    }

    private T parse(Request request) {
        if (!"POST".equals(request.getMethod())) {
            throw new ApiException(405, "use POST");
        }
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new ApiException(415, "Content-Type must be application/json");
        }
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            throw new ApiException(413, "request body larger than " + maxBodyBytes + " bytes");
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes(maxBodyBytes + 1);
        } catch (IOException e) {
            throw badRequest("cannot read the request body");
        }
        if (body.length > maxBodyBytes) {
            throw new ApiException(413, "request body larger than " + maxBodyBytes + " bytes");
        }
        if (body.length == 0) {
            throw badRequest("empty request body");
        }
        try {
            T parsed = Json.MAPPER.readValue(body, type);
            if (parsed == null) {
                throw badRequest("request body must be a JSON object");
            }
            return parsed;
        } catch (JsonProcessingException e) {
            throw badRequest("malformed request: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw badRequest("malformed request");
        }
    }

    private static ApiException badRequest(String message) {
        return ApiException.badRequest(message);
    }

    public static void respond(Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
