package io.fednode.hub.fleet;

import io.fednode.hub.http.JsonEndpoint;
import io.fednode.hub.member.MemberHealth;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/v1/fleet[?state=available|unavailable|unknown|pending|revoked]}. */
public final class FleetEndpoint extends Handler.Abstract {
    private final FleetView fleet;

    public FleetEndpoint(FleetView fleet) {
        this.fleet = fleet;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!"GET".equals(request.getMethod())) {
            JsonEndpoint.respond(response, callback, 405, Map.of("error", "use GET"));
            return true;
        }
        String state = Request.extractQueryParameters(request).getValue("state");
        MemberHealth filter;
        try {
            filter = parseState(state);
        } catch (IllegalArgumentException e) {
            JsonEndpoint.respond(response, callback, 400, Map.of("error", e.getMessage()));
            return true;
        }
        JsonEndpoint.respond(response, callback, 200, fleet.snapshot(filter));
        return true;
    }

    static MemberHealth parseState(String state) {
        if (state == null || state.isEmpty() || state.equalsIgnoreCase("all")) {
            return null;
        }
        for (MemberHealth h : MemberHealth.values()) {
            if (h.name().equalsIgnoreCase(state)) {
                return h;
            }
        }
        throw new IllegalArgumentException(
                "state must be one of all, available, unavailable, unknown, pending, revoked");
    }
}
