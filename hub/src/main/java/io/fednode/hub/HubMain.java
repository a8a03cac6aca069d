package io.fednode.hub;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fednode.api.common.LogFormat;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the hub until the process is told to stop. */
public final class HubMain {
    private static final Logger LOG = LoggerFactory.getLogger(HubMain.class);

    private HubMain() {}

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(
                        """
                        Usage: java -jar fednode-hub.jar [--name=value]...

                        Runs the fednode hub: the federation CA, enrolment of nodes with join
                        tokens, mTLS heartbeats, fleet health as FederationMember resources.
                        Every setting is --name=value or the environment variable FEDNODE_HUB_NAME
                        (upper case, '-' as '_'); the command line wins:
                          namespace (or POD_NAMESPACE, required), ca-secret, bind-address, port,
                          admin-bind-address, admin-port, server-names, certificate-lifetime,
                          join-token-lifetime, missed-heartbeats, default-heartbeat-interval,
                          status-refresh, status-sync-period; the node listener's bounds:
                          request-timeout, idle-timeout, max-connections,
                          max-connections-per-address, enrol-attempts-per-minute,
                          max-concurrent-enrolments, server-certificate-lifetime.
                        Logs: FEDNODE_LOG_FORMAT=text (default) or json, one object a line.
                        Cluster: in-cluster ServiceAccount, else $KUBECONFIG, else ~/.kube/config.
                        """);
                return;
            }
        }
        // logback.xml has chosen its appender by now; a value it has none for would mean no logs.
        LogFormat.from(System.getenv());
        // From here on a failure, at start or later on any thread, is a log line (a JSON object
        // in the json format) rather than a bare stack trace on stderr.
        Thread.setDefaultUncaughtExceptionHandler(
                (thread, e) ->
                        LOG.error(
                                "thread {} stopped by an uncaught exception", thread.getName(), e));
        HubConfig config = HubConfig.from(args, System.getenv());
        KubernetesClient client = new KubernetesClientBuilder().build();
        Hub hub = new Hub(client, config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        hub.close();
                                    } catch (Exception e) {
                                        e.printStackTrace();
                                    } finally {
                                        client.close();
                                        stopped.countDown();
                                    }
                                }));
        stopped.await();
    }
}
