package io.fednode.hub.bench;

import io.fednode.hub.HubConfig;
import io.fednode.hub.ca.FederationCa;
import io.fednode.hub.ca.Pem;
import io.fednode.hub.heartbeat.HeartbeatEndpoint;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The baseline of bench/hub.sh: the least a heartbeat endpoint must do. The node connector is built
 * like the hub's ({@code Hub#nodeConnector}): Jetty with the same thread pool, a server certificate
 * signed by the same federation CA for the same names, the same protocols and default ciphers, the
 * client certificate verified against the federation CA, the same HTTP configuration, idle timeout
 * and accept queue. {@code POST /api/v1/heartbeat} reads the body (as the hub does, up to the hub's
 * limit) and answers 200, the hub's status for a good heartbeat. No JSON, no validation, no member
 * lookup, no state, no metrics. A plain-HTTP admin connector answers {@code /healthz} so the
 * benchmark can wait for it as it waits for the hub.
 *
 * <p>One deliberate difference: the client certificate is required at the TLS layer ("need"), where
 * the hub asks for it ("want") only because enrolment arrives without one. For a node that presents
 * its certificate the handshake is the same.
 *
 * <p>Usage: {@code HeartbeatBaselineServer --port=N --admin-port=N --ca-cert=PEM --ca-key=PEM}
 */
public final class HeartbeatBaselineServer {
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();
    static final String HEARTBEAT_PATH = "/api/v1/heartbeat";

    private HeartbeatBaselineServer() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        FederationCa ca =
                new FederationCa(
                        Pem.certificates(Files.readString(Path.of(options.get("ca-cert")))).get(0),
                        Pem.privateKey(Files.readString(Path.of(options.get("ca-key")))));
        HubConfig defaults = HubConfig.defaults("bench");

        QueuedThreadPool threads = new QueuedThreadPool(64, 8);
        threads.setName("baseline-http");
        Server server = new Server(threads);
        ServerConnector node =
                nodeConnector(server, ca, defaults, Integer.parseInt(options.get("port")));
        ServerConnector admin = new ServerConnector(server, 1, 1);
        admin.setHost(defaults.adminBindAddress());
        admin.setPort(Integer.parseInt(options.get("admin-port")));
        server.addConnector(node);
        server.addConnector(admin);
        server.setHandler(new Heartbeat(node));
        server.start();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        server.stop();
                                    } catch (Exception e) {
                                        e.printStackTrace();
                                    } finally {
                                        stopped.countDown();
                                    }
                                }));
        stopped.await();
    }

    /** What {@code Hub#nodeConnector} builds, line for line, except "need" client auth. */
    private static ServerConnector nodeConnector(
            Server server, FederationCa ca, HubConfig config, int port) throws Exception {
        KeyPair serverKey = FederationCa.newKeyPair();
        var serverCert =
                ca.signServer(config.serverNames(), serverKey.getPublic(), Duration.ofDays(365));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry(
                "hub",
                serverKey.getPrivate(),
                IN_MEMORY_PASSWORD,
                new Certificate[] {serverCert, ca.certificate()});
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keyStore);
        tls.setKeyStorePassword(new String(IN_MEMORY_PASSWORD));
        tls.setKeyManagerPassword(new String(IN_MEMORY_PASSWORD));
        tls.setTrustStore(ca.trustStore());
        tls.setNeedClientAuth(true);
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(8 * 1024);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        ServerConnector connector =
                new ServerConnector(
                        server,
                        new SslConnectionFactory(tls, "http/1.1"),
                        new HttpConnectionFactory(http));
        connector.setHost(config.bindAddress());
        connector.setPort(port);
        connector.setIdleTimeout(Duration.ofMinutes(11).toMillis());
        connector.setAcceptQueueSize(1024);
        return connector;
    }

    /** Heartbeats on the node connector, {@code /healthz} on the admin connector, else 404. */
    private static final class Heartbeat extends Handler.Abstract {
        private final ServerConnector node;

        Heartbeat(ServerConnector node) {
            this.node = node;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback)
                throws Exception {
            String path = request.getHttpURI().getPath();
            boolean fromNode = request.getConnectionMetaData().getConnector() == node;
            if (fromNode && HEARTBEAT_PATH.equals(path) && "POST".equals(request.getMethod())) {
                // Read the body the way the hub does: blocking, bounded by the hub's limit.
                try (InputStream in = Content.Source.asInputStream(request)) {
                    in.readNBytes(HeartbeatEndpoint.MAX_BODY_BYTES + 1);
                }
                response.setStatus(200);
            } else if (!fromNode && "/healthz".equals(path)) {
                response.setStatus(200);
            } else {
                response.setStatus(404);
            }
            // No body: Jetty sends Content-Length: 0.
            callback.succeeded();
            return true;
        }
    }
}
