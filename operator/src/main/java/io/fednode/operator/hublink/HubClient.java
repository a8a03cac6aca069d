package io.fednode.operator.hublink;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * HTTPS to the hub: the hub's certificate must chain to the CA bundle the node was given; with an
 * identity, the node's client certificate is presented (mTLS). One client per identity, so the
 * connection is kept open between heartbeats.
 */
final class HubClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** The hub's answers are small (a certificate chain, an acknowledgement); more is refused. */
    static final int MAX_REPLY_BYTES = 64 * 1024;

    /** The hub answered more than {@link #MAX_REPLY_BYTES}: not read further, not used. */
    static final class ReplyTooLarge extends IOException {
        ReplyTooLarge() {
            super("the hub's answer exceeds " + MAX_REPLY_BYTES / 1024 + " KiB and was dropped");
        }
    }

    record Response(int status, String body) {
        boolean ok() {
            return status == 200;
        }
    }

    private final URI endpoint;
    private final HttpClient http;

    HubClient(String endpoint, List<X509Certificate> caBundle, NodeIdentity identity) {
        this.endpoint = URI.create(endpoint.endsWith("/") ? endpoint : endpoint + "/");
        this.http =
                HttpClient.newBuilder()
                        .sslContext(tls(caBundle, identity))
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(TIMEOUT)
                        .build();
    }

    Response enrol(String nodeId, String token, String csr) throws IOException {
        return post("api/v1/enrol", Map.of("nodeId", nodeId, "token", token, "csr", csr));
    }

    Response heartbeat(Object report) throws IOException {
        return post("api/v1/heartbeat", report);
    }

    /** The offer of one federated job for this node (issue 12). */
    Response fetchJob(String uid) throws IOException {
        return post("api/v1/jobs/fetch", Map.of("uid", uid));
    }

    /** This node's decision, progress or results of one federated job. */
    Response reportJob(Object report) throws IOException {
        return post("api/v1/jobs/report", report);
    }

    Response renew(String csr) throws IOException {
        return post("api/v1/renew", Map.of("csr", csr));
    }

    private Response post(String path, Object body) throws IOException {
        HttpRequest request =
                HttpRequest.newBuilder(endpoint.resolve(path))
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                        .build();
        try {
            HttpResponse<InputStream> response =
                    http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > MAX_REPLY_BYTES) {
                    throw new ReplyTooLarge();
                }
                byte[] reply = in.readNBytes(MAX_REPLY_BYTES + 1);
                if (reply.length > MAX_REPLY_BYTES) {
                    throw new ReplyTooLarge();
                }
                return new Response(
                        response.statusCode(), new String(reply, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static SSLContext tls(List<X509Certificate> caBundle, NodeIdentity identity) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < caBundle.size(); i++) {
                trust.setCertificateEntry("ca-" + i, caBundle.get(i));
            }
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManager[] keys =
                    identity == null || !identity.enrolled()
                            ? null
                            : new KeyManager[] {
                                new SingleIdentity(
                                        identity.key(),
                                        identity.chain().toArray(X509Certificate[]::new))
                            };
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up TLS to the hub", e);
        }
    }

    /** The node's one certificate, offered whenever the hub asks for one. */
    private static final class SingleIdentity extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        SingleIdentity(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        public String chooseEngineClientAlias(String[] types, Principal[] issuers, SSLEngine e) {
            return "node";
        }

        @Override
        public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
            return "node";
        }

        @Override
        public String[] getClientAliases(String type, Principal[] issuers) {
            return new String[] {"node"};
        }

        @Override
        public String[] getServerAliases(String type, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }
}
