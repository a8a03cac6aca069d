package io.fednode.e2e.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.operator.OperatorMain;
import io.fednode.operator.OperatorSettings;
import io.fednode.testing.OperatorManifests;
import io.fednode.testing.ServiceAccountClients;
import java.util.List;

/**
 * The operator as a user installs it: manifests/install/ applied with server-side apply, then the
 * operator run in-process authenticated as its ServiceAccount (TokenRequest token), so the chart's
 * RBAC is all it has.
 */
final class InstalledOperator implements AutoCloseable {
    static final String NAMESPACE = "fednode-system";
    static final String SERVICE_ACCOUNT = "fednode-operator";

    private final OperatorMain.RunningOperator running;

    private InstalledOperator(OperatorMain.RunningOperator running) {
        this.running = running;
    }

    static InstalledOperator install(
            KubernetesClient admin, String kubeConfigYaml, OperatorSettings settings) {
        if (settings.namespaces().isEmpty()) {
            throw new IllegalArgumentException("name the namespaces the operator watches");
        }
        OperatorManifests.applyAllButDeployment(admin, List.copyOf(settings.namespaces()));
        KubernetesClient client =
                ServiceAccountClients.clientAs(admin, kubeConfigYaml, NAMESPACE, SERVICE_ACCOUNT);
        return new InstalledOperator(OperatorMain.run(client, settings));
    }

    @Override
    public void close() {
        running.close();
    }
}
