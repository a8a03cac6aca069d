package io.fednode.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fednode.operator.node.FederationNodeReconciler;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the node operator. Talks to the cluster named by the usual fabric8 configuration
 * (in-cluster ServiceAccount, {@code KUBECONFIG}, or {@code ~/.kube/config}).
 */
public final class OperatorMain {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

    private OperatorMain() {}

    public static void main(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(
                        """
                        Usage: java -jar fednode-operator.jar

                        Runs the fednode node operator: reconciles FederationNode resources in all
                        namespaces it is allowed to watch.

                        Cluster: in-cluster ServiceAccount, else $KUBECONFIG, else ~/.kube/config.
                        """);
                return;
            }
        }
        KubernetesClient client = new KubernetesClientBuilder().build();
        Operator operator = start(client);
        Runtime.getRuntime().addShutdownHook(new Thread(operator::stop, "fednode-shutdown"));
    }

    /** Builds, registers and starts the operator on the given client. */
    public static Operator start(KubernetesClient client) {
        Operator operator =
                new Operator(
                        o ->
                                o.withKubernetesClient(client)
                                        .withStopOnInformerErrorDuringStartup(true)
                                        .withReconciliationTerminationTimeout(
                                                Duration.ofSeconds(30)));
        operator.register(new FederationNodeReconciler());
        operator.start();
        LOG.info("fednode operator started against {}", client.getConfiguration().getMasterUrl());
        return operator;
    }
}
