package io.fednode.operator.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.operator.OperatorMain;
import io.fednode.operator.OperatorSettings;
import io.fednode.testing.Manifests;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The operator as a user installs it: the rendered {@code manifests/install/} (namespace, CRDs,
 * RBAC, Deployment) applied to the test's API server, then the operator run in-process as its own
 * ServiceAccount, with a token from the TokenRequest API, so only the chart's RBAC is in effect.
 */
public final class InstalledOperator implements AutoCloseable {
    public static final String NAMESPACE = "fednode-system";
    public static final String SERVICE_ACCOUNT = "fednode-operator";
    public static final Path INSTALL = Path.of("../manifests/install");

    private final OperatorMain.RunningOperator running;
    private final KubernetesClient operatorClient;

    private InstalledOperator(OperatorMain.RunningOperator running, KubernetesClient client) {
        this.running = running;
        this.operatorClient = client;
    }

    /**
     * @param clientAs makes a client for (namespace, serviceAccount) from a TokenRequest token
     */
    public static InstalledOperator install(
            KubernetesClient admin,
            BiFunction<String, String, KubernetesClient> clientAs,
            OperatorSettings settings) {
        for (String file :
                List.of(
                        "00-namespace.yaml",
                        "01-crds.yaml",
                        "02-rbac.yaml",
                        "03-deployment.yaml")) {
            apply(admin, INSTALL.resolve(file));
        }
        KubernetesClient client = clientAs.apply(NAMESPACE, SERVICE_ACCOUNT);
        return new InstalledOperator(OperatorMain.run(client, settings), client);
    }

    static void apply(KubernetesClient admin, Path file) {
        Manifests.apply(admin, file);
    }

    public OperatorMain.RunningOperator running() {
        return running;
    }

    public double reconciliationsStarted() {
        return running.registry().getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("operator.sdk.reconciliations.started"))
                .filter(m -> m instanceof io.micrometer.core.instrument.Counter)
                .mapToDouble(m -> ((io.micrometer.core.instrument.Counter) m).count())
                .sum();
    }

    @Override
    public void close() {
        running.close();
        operatorClient.close();
    }
}
