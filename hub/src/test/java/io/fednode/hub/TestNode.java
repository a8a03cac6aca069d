package io.fednode.hub;

import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A simulated node for tests: its own key pair, CSRs, and an HTTPS client that trusts the
 * federation CA and presents whatever certificate it holds (even one the hub did not ask for, so
 * tests can check what the server does with it).
 */
final class TestNode {
    final String nodeId;
    final KeyPair key;
    private final X509Certificate trustedCa;
    private final String baseUrl;
    private volatile List<X509Certificate> chain;
    private volatile HttpClient client;

    TestNode(String nodeId, X509Certificate trustedCa, int port) throws Exception {
        this(nodeId, FederationCa.newKeyPair(), trustedCa, port);
    }

    TestNode(String nodeId, KeyPair key, X509Certificate trustedCa, int port) {
        this.nodeId = nodeId;
        this.key = key;
        this.trustedCa = trustedCa;
        this.baseUrl = "https://localhost:" + port;
        this.client = newClient();
    }

    static String csr(String subject, KeyPair key) throws Exception {
        String algorithm =
                "EC".equals(key.getPrivate().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        return Pem.encode(
                new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic())
                        .build(new JcaContentSignerBuilder(algorithm).build(key.getPrivate())));
    }

    static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    String csr() throws Exception {
        return csr("CN=" + nodeId, key);
    }

    /** Uses this certificate chain from now on (new connections). */
    void useCertificate(List<X509Certificate> chain) {
        this.chain = chain;
        this.client = newClient();
    }

    List<X509Certificate> chain() {
        return chain;
    }

    X509Certificate certificate() {
        return chain == null ? null : chain.get(0);
    }

    HttpResponse<String> enrol(String token) throws Exception {
        return enrol(nodeId, token, csr());
    }

    /** Enrols with this token (asserting the hub issues a certificate) and uses the certificate. */
    TestNode enrolled(String token) throws Exception {
        HttpResponse<String> response = enrol(token);
        if (response.statusCode() != 200) {
            throw new AssertionError(
                    nodeId + " not enrolled: " + response.statusCode() + " " + response.body());
        }
        useCertificate(
                Pem.certificates(
                        io.fednode.hub.http.Json.MAPPER
                                .readValue(
                                        response.body(),
                                        io.fednode.hub.enrolment.IssuedCertificate.class)
                                .certificateChain()));
        return this;
    }

    HttpResponse<String> enrol(String claimedNodeId, String token, String csr) throws Exception {
        return post(
                "/api/v1/enrol",
                "{\"nodeId\":\""
                        + claimedNodeId
                        + "\",\"token\":\""
                        + token
                        + "\",\"csr\":"
                        + jsonString(csr)
                        + "}");
    }

    HttpResponse<String> heartbeat(String version, int intervalSeconds) throws Exception {
        return post("/api/v1/heartbeat", heartbeatJson(nodeId, version, intervalSeconds));
    }

    static String heartbeatJson(String nodeId, String version, int intervalSeconds) {
        return "{\"nodeId\":\""
                + nodeId
                + "\",\"version\":\""
                + version
                + "\",\"role\":\"hybrid\","
                + "\"intervalSeconds\":"
                + intervalSeconds
                + ","
                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Ready\"}],"
                + "\"gpus\":{\"capacity\":8,\"allocated\":2},"
                + "\"datasets\":[{\"name\":\"lidc-idri\",\"files\":1018,\"bytes\":124000000000,"
                + "\"ready\":true}]}";
    }

    HttpResponse<String> renew(String csr) throws Exception {
        return post("/api/v1/renew", "{\"csr\":" + jsonString(csr) + "}");
    }

    HttpResponse<String> post(String path, String json) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private HttpClient newClient() {
        try {
            KeyManager[] keyManagers =
                    chain == null
                            ? null
                            : new KeyManager[] {new Presenting(key.getPrivate(), chain)};
            return HttpClient.newBuilder()
                    .sslContext(tls(trustedCa, keyManagers))
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** TLS that trusts only this CA and presents what the key managers hold (none if null). */
    static SSLContext tls(X509Certificate trustedCa, KeyManager[] keyManagers) throws Exception {
        TrustManagerFactory tmf =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trustedCa);
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers, tmf.getTrustManagers(), null);
        return tls;
    }

    /** Presents its one certificate whatever CAs the server names. */
    private static final class Presenting extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        Presenting(PrivateKey key, List<X509Certificate> chain) {
            this.key = key;
            this.chain = chain.toArray(X509Certificate[]::new);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
            return "node";
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "node";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"node"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
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
