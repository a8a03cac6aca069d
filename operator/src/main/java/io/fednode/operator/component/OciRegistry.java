package io.fednode.operator.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches one chart archive from an OCI registry with the OCI distribution API, as Helm stores
 * charts there: the manifest tagged with the chart's version ({@code +} written {@code _}, as Helm
 * does), its one layer of media type {@value #CHART_LAYER}, the blob checked against the manifest's
 * sha256 digest. Sizes are bounded. Anonymous access and anonymous bearer tokens only (a 401 naming
 * a token realm: the token is fetched and the request repeated); no credentials.
 *
 * <p>Every host the operator talks to for a chart passes {@code hosts} first (the node's egress
 * allow-list): the registry, its token realm, and where a blob request is redirected (registries
 * often serve blobs from a storage host); the token is sent only to the registry itself.
 */
final class OciRegistry {
    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    /** Largest manifest read (a chart's is well under 1 KiB). */
    static final int MAX_MANIFEST_BYTES = 1024 * 1024;

    /** Largest token response read. */
    static final int MAX_TOKEN_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("^sha256:([0-9a-f]{64})$");
    private static final Pattern CHALLENGE_PARAM =
            Pattern.compile("([A-Za-z]+)\\s*=\\s*(?:\"([^\"]*)\"|([^,\\s]*))");

    /** Checks that a host the operator is about to contact for a chart is allowed. */
    interface HostCheck {
        void check(URI uri) throws ComponentProblem;
    }

    /**
     * An {@code oci://host[:port]/path/name} reference as the CRD admits it.
     *
     * @param authority host and port of the registry
     * @param repository the repository path inside the registry ({@code path/name})
     * @param name the chart's name (the reference's last segment)
     */
    record Reference(String authority, String repository, String name) {
        static Reference parse(String reference) throws ComponentProblem {
            String rest = reference.startsWith("oci://") ? reference.substring(6) : "";
            int slash = rest.indexOf('/');
            if (slash <= 0
                    || slash == rest.length() - 1
                    || rest.indexOf('@') >= 0
                    || rest.substring(slash).indexOf(':') >= 0) {
                throw new ComponentProblem(
                        Reasons.CHART_INVALID,
                        "chart "
                                + reference
                                + " is not an oci://host[:port]/path/name reference without"
                                + " tag or digest",
                        false);
            }
            String repository = rest.substring(slash + 1);
            return new Reference(
                    rest.substring(0, slash),
                    repository,
                    repository.substring(repository.lastIndexOf('/') + 1));
        }
    }

    private final ChartHttp http;

    OciRegistry(ChartHttp http) {
        this.http = http;
    }

    /**
     * Downloads the chart {@code reference} at {@code version}: the archive's bytes, checked.
     *
     * @param plainHttp talk HTTP instead of HTTPS (the caller allows it for 127.0.0.1 only)
     */
    byte[] fetch(String reference, String version, boolean plainHttp, HostCheck hosts)
            throws ComponentProblem {
        Reference ref = Reference.parse(reference);
        URI base = URI.create((plainHttp ? "http://" : "https://") + ref.authority() + "/");
        String tag = version.replace('+', '_');
        String what = "chart " + reference + " " + version;
        Session session = new Session(base, ref, plainHttp, hosts);

        URI manifestUri = base.resolve("v2/" + ref.repository() + "/manifests/" + tag);
        ChartHttp.Answer manifest =
                session.get(
                        manifestUri,
                        Map.of("Accept", MANIFEST_TYPE),
                        MAX_MANIFEST_BYTES,
                        "the manifest of " + what);
        if (manifest.status() == 404) {
            throw new ComponentProblem(
                    Reasons.CHART_NOT_FOUND,
                    what + " does not exist: the registry has no manifest " + tag + " there",
                    false);
        }
        expectOk(manifest, manifestUri, "the manifest of " + what);
        String sent = manifest.header("Docker-Content-Digest");
        if (!sent.isEmpty() && !sent.equals("sha256:" + ChartHttp.sha256(manifest.body()))) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    "the manifest of " + what + " does not match its digest " + sent,
                    false);
        }
        JsonNode layer = chartLayer(manifest, what);
        long size = layer.path("size").asLong(-1);
        if (size > ChartRepository.MAX_CHART_BYTES) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    what
                            + " is larger than "
                            + ChartRepository.MAX_CHART_BYTES
                            + " bytes ("
                            + size
                            + ")",
                    false);
        }
        String digest = layer.path("digest").asText("");
        Matcher sha = SHA256.matcher(digest);
        if (!sha.matches()) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    what + " has a layer digest fednode cannot check: " + digest,
                    false);
        }
        URI blobUri = base.resolve("v2/" + ref.repository() + "/blobs/" + digest);
        ChartHttp.Answer blob = session.blob(blobUri, "the archive of " + what);
        if (blob.status() == 404) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    "the archive of " + what + " (" + digest + ") is missing in the registry",
                    false);
        }
        expectOk(blob, blobUri, "the archive of " + what);
        if (!sha.group(1).equals(ChartHttp.sha256(blob.body()))) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    "the archive of "
                            + what
                            + " does not match the digest "
                            + digest
                            + " in its manifest",
                    false);
        }
        return blob.body();
    }

    private static JsonNode chartLayer(ChartHttp.Answer manifest, String what)
            throws ComponentProblem {
        JsonNode json;
        try {
            json = JSON.readTree(manifest.body());
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID, "the manifest of " + what + " is not JSON", false);
        }
        String type = json.path("mediaType").asText(manifest.header("Content-Type"));
        if (!MANIFEST_TYPE.equals(type)) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    what
                            + " is not a Helm chart: its manifest is of type "
                            + type
                            + ", not "
                            + MANIFEST_TYPE,
                    false);
        }
        JsonNode found = null;
        int count = 0;
        for (JsonNode layer : json.path("layers")) {
            if (CHART_LAYER.equals(layer.path("mediaType").asText())) {
                found = layer;
                count++;
            }
        }
        if (count != 1) {
            throw new ComponentProblem(
                    Reasons.CHART_INVALID,
                    what
                            + " is not a Helm chart: its manifest has "
                            + (count == 0 ? "no" : String.valueOf(count))
                            + " layer"
                            + (count == 0 ? "" : "s")
                            + " of media type "
                            + CHART_LAYER,
                    false);
        }
        return found;
    }

    private static void expectOk(ChartHttp.Answer answer, URI uri, String what)
            throws ComponentProblem {
        int code = answer.status();
        if (code == 401 || code == 403) {
            throw new ComponentProblem(
                    Reasons.REGISTRY_ACCESS_DENIED,
                    uri.getScheme()
                            + "://"
                            + uri.getAuthority()
                            + " refused anonymous access to "
                            + what
                            + " (HTTP "
                            + code
                            + "); fednode does not send registry credentials",
                    false);
        }
        if (code != 200) {
            throw new ComponentProblem(
                    Reasons.REPOSITORY_UNREACHABLE,
                    uri + " answered HTTP " + code + " for " + what,
                    true);
        }
    }

    /** One fetch: the registry's base URI and the bearer token once the registry asked for one. */
    private final class Session {
        private final URI base;
        private final Reference ref;
        private final boolean plainHttp;
        private final HostCheck hosts;
        private String token;

        Session(URI base, Reference ref, boolean plainHttp, HostCheck hosts) {
            this.base = base;
            this.ref = ref;
            this.plainHttp = plainHttp;
            this.hosts = hosts;
        }

        /** GETs from the registry, fetching a token and asking again once when it answers 401. */
        ChartHttp.Answer get(URI uri, Map<String, String> headers, int maxBytes, String what)
                throws ComponentProblem {
            ChartHttp.Answer answer = http.get(uri, withToken(headers), maxBytes, what);
            if (answer.status() == 401 && token == null) {
                token = token(answer.header("WWW-Authenticate"), what);
                answer = http.get(uri, withToken(headers), maxBytes, what);
            }
            return answer;
        }

        /** GETs a blob, following one redirect to an allowed host (without the token). */
        ChartHttp.Answer blob(URI uri, String what) throws ComponentProblem {
            int max = ChartRepository.MAX_CHART_BYTES;
            ChartHttp.Answer answer = get(uri, Map.of(), max, what);
            if (answer.status() / 100 != 3) {
                return answer;
            }
            String location = answer.header("Location");
            if (location.isEmpty()) {
                return answer;
            }
            URI target = uri.resolve(location);
            requireScheme(target, "a redirect of " + what);
            hosts.check(target);
            boolean sameOrigin =
                    Objects.equals(target.getScheme(), base.getScheme())
                            && Objects.equals(target.getAuthority(), base.getAuthority());
            return http.get(target, sameOrigin ? withToken(Map.of()) : Map.of(), max, what);
        }

        private Map<String, String> withToken(Map<String, String> headers) {
            if (token == null) {
                return headers;
            }
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put("Authorization", "Bearer " + token);
            return h;
        }

        private String token(String challenge, String what) throws ComponentProblem {
            Map<String, String> params = bearerChallenge(challenge);
            String realm = params.get("realm");
            if (realm == null || realm.isEmpty()) {
                throw new ComponentProblem(
                        Reasons.REGISTRY_ACCESS_DENIED,
                        base.getAuthority()
                                + " asks for credentials for "
                                + what
                                + " ("
                                + (challenge.isBlank() ? "no challenge" : challenge.split(" ")[0])
                                + "); fednode fetches anonymously or with an anonymous bearer"
                                + " token only",
                        false);
            }
            StringBuilder query = new StringBuilder();
            if (params.containsKey("service")) {
                query.append("service=").append(encode(params.get("service")));
            }
            String scope = params.getOrDefault("scope", "repository:" + ref.repository() + ":pull");
            query.append(query.length() == 0 ? "" : "&").append("scope=").append(encode(scope));
            URI realmUri;
            try {
                realmUri = URI.create(realm);
            } catch (IllegalArgumentException e) {
                throw new ComponentProblem(
                        Reasons.REGISTRY_ACCESS_DENIED,
                        base.getAuthority() + " names an invalid token realm",
                        false);
            }
            requireScheme(realmUri, "the token realm of " + base.getAuthority());
            hosts.check(realmUri);
            URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
            ChartHttp.Answer answer =
                    http.get(
                            tokenUri,
                            Map.of("Accept", "application/json"),
                            MAX_TOKEN_BYTES,
                            "a token for " + what);
            if (answer.status() != 200) {
                throw new ComponentProblem(
                        Reasons.REGISTRY_ACCESS_DENIED,
                        realmUri.getScheme()
                                + "://"
                                + realmUri.getAuthority()
                                + realmUri.getPath()
                                + " gave no anonymous token for "
                                + what
                                + " (HTTP "
                                + answer.status()
                                + ")",
                        answer.status() >= 500);
            }
            try {
                JsonNode json = JSON.readTree(answer.body());
                String t = json.path("token").asText(json.path("access_token").asText(""));
                if (!t.isEmpty()) {
                    return t;
                }
            } catch (IOException e) {
                // reported below
            }
            throw new ComponentProblem(
                    Reasons.REGISTRY_ACCESS_DENIED,
                    "the token realm of " + base.getAuthority() + " answered no token",
                    false);
        }

        /** HTTPS, or HTTP only where the registry itself is reached over plain HTTP. */
        private void requireScheme(URI uri, String what) throws ComponentProblem {
            boolean ok =
                    "https".equals(uri.getScheme())
                            || (plainHttp
                                    && "http".equals(uri.getScheme())
                                    && "127.0.0.1".equals(uri.getHost()));
            if (!ok || uri.getHost() == null) {
                throw new ComponentProblem(
                        Reasons.REPOSITORY_NOT_ALLOWED,
                        what
                                + " is not an https:// URL: "
                                + uri.getScheme()
                                + "://"
                                + uri.getAuthority(),
                        false);
            }
        }
    }

    /** The parameters of a {@code Bearer} challenge; empty for any other scheme. */
    static Map<String, String> bearerChallenge(String header) {
        Map<String, String> params = new LinkedHashMap<>();
        String h = header == null ? "" : header.strip();
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return params;
        }
        Matcher m = CHALLENGE_PARAM.matcher(h.substring(7));
        while (m.find()) {
            params.put(
                    m.group(1).toLowerCase(java.util.Locale.ROOT),
                    m.group(2) != null ? m.group(2) : m.group(3));
        }
        return params;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
