package io.fednode.hub.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A POST endpoint taking and returning JSON. The body is size-limited (413 beyond the limit, also
 * for chunked bodies that do not declare their length), must be {@code application/json} (415) and
 * must parse strictly into {@code T} (400, in plain words: never a class name or the parser's own
 * message); everything is decided before the endpoint writes anything.
 *
 * <p>The body is read without holding a thread: a client that sends it slowly costs a connection,
 * and it must send all of it within the request timeout (408 and the connection closed otherwise).
 * Only a complete body is handed to a thread, and {@link #limitConcurrency} can bound how many such
 * requests are handled at once (503 beyond it).
 */
public abstract class JsonEndpoint<T, P> extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(JsonEndpoint.class);
    private static final Pattern SAFE_NAME = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

    private final Class<T> type;
    private final int maxBodyBytes;
    private final String name;
    private final MeterRegistry meters;
    private volatile Duration requestTimeout = Duration.ofSeconds(10);
    private volatile Semaphore handling;

    protected JsonEndpoint(String name, Class<T> type, int maxBodyBytes, MeterRegistry meters) {
        this.name = name;
        this.type = type;
        this.maxBodyBytes = maxBodyBytes;
        this.meters = meters;
    }

    /** The body must have arrived in full this long after the request's headers. */
    public JsonEndpoint<T, P> requestTimeout(Duration timeout) {
        this.requestTimeout = timeout;
        return this;
    }

    /** At most this many requests of this endpoint are handled at once; 503 beyond. */
    public JsonEndpoint<T, P> limitConcurrency(int max) {
        this.handling = new Semaphore(max);
        return this;
    }

    /** Who is calling, decided before the body is read; null if the endpoint is open. */
    protected P authenticate(Request request) {
        return null;
    }

    /** Handles a parsed body; returns the response object or throws {@link ApiException}. */
    protected abstract Object handle(T body, P principal);

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange exchange = new Exchange(request, response, callback);
        P principal;
        try {
            principal = authenticate(request);
            checkHeaders(request);
        } catch (RuntimeException e) {
            exchange.finish(e);
            return true;
        }
        exchange.timeout =
                request.getComponents()
                        .getScheduler()
                        .schedule(
                                () ->
                                        exchange.finish(
                                                new ApiException(
                                                        408,
                                                        "request body not received within "
                                                                + requestTimeout.toSeconds()
                                                                + " s")),
                                requestTimeout.toMillis(),
                                TimeUnit.MILLISECONDS);
        exchange.read(body -> exchange.finish(() -> handle(parse(body), principal)));
        return true;
    }

    /** One request: reads its body, answers once (whichever of body, deadline comes first). */
    private final class Exchange {
        private final long start = System.nanoTime();
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean answered = new AtomicBoolean();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        volatile Scheduler.Task timeout;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        /** Reads what has arrived; asks to be called again when more does. */
        void read(Consumer<byte[]> complete) {
            while (!answered.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(() -> read(complete));
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    finish(ApiException.badRequest("cannot read the request body"));
                    return;
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                boolean tooLarge = body.size() + bytes.remaining() > maxBodyBytes;
                if (!tooLarge) {
                    byte[] copy = new byte[bytes.remaining()];
                    bytes.get(copy);
                    body.writeBytes(copy);
                }
                boolean last = chunk.isLast();
                chunk.release();
                if (tooLarge) {
                    finish(
                            new ApiException(
                                    413, "request body larger than " + maxBodyBytes + " bytes"));
                    return;
                }
                if (last) {
                    Scheduler.Task t = timeout;
                    if (t != null) {
                        t.cancel();
                    }
                    complete.accept(body.toByteArray());
                    return;
                }
            }
        }

        /** Answers with what the work returns, or the refusal it throws. */
        void finish(java.util.function.Supplier<Object> work) {
            if (answered.get()) {
                return; // the deadline won
            }
            Semaphore limit = handling;
            if (limit != null && !limit.tryAcquire()) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                finish(new ApiException(503, "busy; retry shortly"));
                return;
            }
            try {
                Object result;
                try {
                    result = work.get();
                } catch (RuntimeException e) {
                    finish(e);
                    return;
                }
                answer(200, result, null);
            } finally {
                if (limit != null) {
                    limit.release();
                }
            }
        }

        void finish(RuntimeException e) {
            if (e instanceof ApiException api) {
                answer(api.status(), Map.of("error", api.getMessage()), api);
            } else {
                LOG.error("{} failed", request.getHttpURI().getPath(), e);
                answer(500, Map.of("error", "internal error"), e);
            }
        }

        private void answer(int status, Object result, RuntimeException error) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            Scheduler.Task t = timeout;
            if (t != null) {
                t.cancel();
            }
            if (bodyMayBeUnread(status)) {
                // The body was refused before (or while) it was read: the rest of it is still on
                // the connection, so the client must not send its next request there.
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
            answered(status, error, System.nanoTime() - start);
        }
    }

    /**
     * Called once per request after it was answered: its status, the refusal or failure behind a
     * non-200 answer (null on success or when the status was decided elsewhere), and how long it
     * took from its headers. For an endpoint's own metrics.
     */
    protected void answered(int status, RuntimeException error, long nanos) {}

    /** Statuses answered before the body has been read to its end. */
    static boolean bodyMayBeUnread(int status) {
        return status == 401
                || status == 403
                || status == 405
                || status == 408
                || status == 413
                || status == 415
                || status == 429
                || status == 503;
    }

    private void checkHeaders(Request request) {
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
    }

    private T parse(byte[] body) {
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
            // The parser's own message names classes and echoes input: the caller gets plain
            // words and the JSON path; the log gets the kind of error (never the values).
            LOG.debug(
                    "{}: refused a body ({} at {})",
                    name,
                    e.getClass().getSimpleName(),
                    e.getLocation() == null
                            ? "?"
                            : e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr());
            throw badRequest(plainWords(e));
        } catch (IOException e) {
            throw badRequest("malformed request");
        }
    }

    /** What is wrong with the body, without the parser's wording. */
    static String plainWords(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return "request nests too deeply or holds a value too long";
        }
        if (e instanceof JsonParseException) {
            return e.getLocation() == null
                    ? "malformed JSON"
                    : "malformed JSON at line "
                            + e.getLocation().getLineNr()
                            + ", column "
                            + e.getLocation().getColumnNr();
        }
        String path = e instanceof JsonMappingException m ? path(m) : "";
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field " + quoted(path, u.getPropertyName());
        }
        if (e instanceof MismatchedInputException && path.isEmpty()) {
            return "request body must be a JSON object";
        }
        if (e instanceof JsonMappingException && !path.isEmpty()) {
            return "field '" + path + "' has the wrong type or value";
        }
        return "malformed request";
    }

    private static String quoted(String path, String property) {
        return path.isEmpty() ? "'" + safe(property) + "'" : "'" + path + "'";
    }

    /** The JSON path of a mapping error, e.g. {@code gpus.capacity} or {@code datasets[0]}. */
    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(safe(ref.getFieldName()));
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    /** A field name as sent, if it looks like one; else a placeholder (never echo junk). */
    private static String safe(String fieldName) {
        return fieldName != null && SAFE_NAME.matcher(fieldName).matches() ? fieldName : "?";
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
