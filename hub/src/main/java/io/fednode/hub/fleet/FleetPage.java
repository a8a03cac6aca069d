package io.fednode.hub.fleet;

import io.fednode.hub.member.MemberHealth;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The fleet page at {@code /}: rendered on the server (no script, refreshes itself every 15 s), a
 * table with one coloured health badge per member and a filter by state.
 */
public final class FleetPage extends Handler.Abstract {
    private final FleetView fleet;

    public FleetPage(FleetView fleet) {
        this.fleet = fleet;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        MemberHealth filter;
        try {
            filter =
                    FleetEndpoint.parseState(
                            Request.extractQueryParameters(request).getValue("state"));
        } catch (IllegalArgumentException e) {
            filter = null;
        }
        byte[] html = render(fleet.snapshot(filter), filter).getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders()
                .put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(html), callback);
        return true;
    }

    static String render(FleetView.Fleet fleet, MemberHealth filter) {
        Instant now = Instant.parse(fleet.generatedAt());
        StringBuilder html = new StringBuilder(4096 + fleet.members().size() * 512);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"15\">")
                .append("<title>fednode fleet</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse;width:100%}")
                .append("th,td{text-align:left;padding:.4em .8em;border-bottom:1px solid #ddd}")
                .append("th{background:#f4f4f4}")
                .append(
                        ".badge{display:inline-block;padding:.15em .6em;border-radius:1em;color:#fff;font-weight:600}")
                .append(".available{background:#2e7d32}.unavailable{background:#c62828}")
                .append(
                        ".unknown{background:#ef6c00}.pending{background:#757575}.revoked{background:#4a148c}")
                .append(".summary span{margin-right:1em}")
                .append("</style></head><body><h1>fednode fleet</h1>");
        html.append("<p class=\"summary\" id=\"summary\">");
        fleet.summary()
                .forEach(
                        (h, n) ->
                                html.append("<span><span class=\"badge ")
                                        .append(h.name().toLowerCase())
                                        .append("\">")
                                        .append(h.label())
                                        .append("</span> ")
                                        .append(n)
                                        .append("</span>"));
        html.append("</p><form method=\"get\" action=\"/\"><label>State ")
                .append("<select name=\"state\" id=\"state\"><option value=\"all\">All</option>");
        for (MemberHealth h : MemberHealth.values()) {
            html.append("<option value=\"")
                    .append(h.name().toLowerCase())
                    .append('"')
                    .append(h == filter ? " selected" : "")
                    .append('>')
                    .append(h.label())
                    .append("</option>");
        }
        html.append("</select></label> <button type=\"submit\">Filter</button></form>")
                .append("<table id=\"fleet\"><thead><tr><th>Node</th><th>Name</th><th>Country</th>")
                .append("<th>Role</th><th>Health</th><th>Version</th><th>Last heartbeat</th>")
                .append(
                        "<th>GPUs</th><th>Datasets</th><th>Certificate expires</th></tr></thead><tbody>");
        for (FleetView.MemberRow m : fleet.members()) {
            String health = m.health().name().toLowerCase();
            html.append("<tr data-node=\"")
                    .append(esc(m.nodeId()))
                    .append("\" data-health=\"")
                    .append(health)
                    .append("\">")
                    .append(td(m.nodeId()))
                    .append(td(m.displayName()))
                    .append(td(m.country()))
                    .append(td(m.role()))
                    .append("<td><span class=\"badge ")
                    .append(health)
                    .append("\">")
                    .append(m.health().label())
                    .append("</span></td>")
                    .append(td(m.version()))
                    .append(td(ago(m.lastHeartbeat(), now)))
                    .append(
                            td(
                                    m.gpuCapacity() == null
                                            ? null
                                            : m.gpuAllocated() + " / " + m.gpuCapacity()))
                    .append(
                            td(
                                    m.datasets() == null
                                            ? null
                                            : m.datasets() + " (" + bytes(m.datasetBytes()) + ")"))
                    .append(td(m.certificateNotAfter()))
                    .append("</tr>");
        }
        if (fleet.members().isEmpty()) {
            html.append("<tr><td colspan=\"10\">No members")
                    .append(filter == null ? "" : " in state " + filter.label())
                    .append(".</td></tr>");
        }
        html.append("</tbody></table><p><small>Generated ")
                .append(esc(fleet.generatedAt()))
                .append(" &middot; <a href=\"/api/v1/fleet\">JSON</a> &middot; ")
                .append("<a href=\"/metrics\">metrics</a></small></p></body></html>");
        return html.toString();
    }

    private static String td(String value) {
        return "<td>" + (value == null ? "&ndash;" : esc(value)) + "</td>";
    }

    private static String ago(String instant, Instant now) {
        if (instant == null) {
            return null;
        }
        long s = Math.max(0, Duration.between(Instant.parse(instant), now).toSeconds());
        return s < 120 ? s + "s ago" : s < 7200 ? s / 60 + "m ago" : s / 3600 + "h ago";
    }

    private static String bytes(Long b) {
        if (b == null) {
            return "?";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? b + " B" : String.format("%.1f %s", v, units[i]);
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
