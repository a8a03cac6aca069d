package io.fednode.operator.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.operator.OperatorMain;
import io.fednode.operator.OperatorSettings;
import io.fednode.testing.Manifests;
import io.fednode.testing.OperatorManifests;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The operator as a user installs it: {@code manifests/install/} rendered for the namespaces the
 * test watches (namespace, CRDs, RBAC, admission policy) applied to the test's API server, then the
 * operator run in-process as its own ServiceAccount, with a token from the TokenRequest API, so
 * only the chart's RBAC is in effect, and watching only those namespaces.
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
     * @param settings its {@link OperatorSettings#namespaces()} are the watched namespaces, which
     *     the manifests are rendered for (created if missing); there must be at least one
     */
    public static InstalledOperator install(
            KubernetesClient admin,
            BiFunction<String, String, KubernetesClient> clientAs,
            OperatorSettings settings) {
        return install(admin, clientAs, settings, Clock.systemUTC());
    }

    /** As above, the maintenance window judged by {@code windowClock}. */
    public static InstalledOperator install(
            KubernetesClient admin,
            BiFunction<String, String, KubernetesClient> clientAs,
            OperatorSettings settings,
            Clock windowClock) {
        if (settings.namespaces().isEmpty()) {
            throw new IllegalArgumentException("name the namespaces the operator watches");
        }
        Path rendered =
                OperatorManifests.applyAllButDeployment(admin, List.copyOf(settings.namespaces()));
        apply(admin, rendered.resolve("03-deployment.yaml"));
        KubernetesClient client = clientAs.apply(NAMESPACE, SERVICE_ACCOUNT);
        return new InstalledOperator(OperatorMain.run(client, settings, windowClock), client);
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
