package io.fednode.hub.http;

import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Exact-path routing, and prefix routing for keys ending in {@code /} (the longest prefix wins);
 * anything else is 404.
 */
public final class Routes extends Handler.Abstract {
    private final Map<String, Handler> routes;

    public Routes(Map<String, Handler> routes) {
        this.routes = Map.copyOf(routes);
        routes.values().forEach(this::addBean);
    }

    @Override
    public void setServer(org.eclipse.jetty.server.Server server) {
        super.setServer(server);
        routes.values().forEach(h -> h.setServer(server));
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        Handler handler = routes.get(path);
        if (handler == null && path != null) {
            String best = null;
            for (String key : routes.keySet()) {
                if (key.length() > 1
                        && key.endsWith("/")
                        && path.startsWith(key)
                        && (best == null || key.length() > best.length())) {
                    best = key;
                }
            }
            handler = best == null ? null : routes.get(best);
        }
        if (handler == null) {
            JsonEndpoint.respond(response, callback, 404, Map.of("error", "not found"));
            return true;
        }
        return handler.handle(request, response, callback);
    }
}
