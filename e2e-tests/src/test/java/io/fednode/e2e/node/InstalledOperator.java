package io.fednode.e2e.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.operator.OperatorMain;
import io.fednode.operator.OperatorSettings;
import io.fednode.testing.Manifests;
import io.fednode.testing.ServiceAccountClients;
import java.nio.file.Path;
import java.util.List;

/**
 * The operator as a user installs it: manifests/install/ applied with server-side apply, then the
 * operator run in-process authenticated as its ServiceAccount (TokenRequest token), so the chart's
 * RBAC is all it has.
 */
final class InstalledOperator implements AutoCloseable {
    static final String NAMESPACE = "fednode-system";
    static final String SERVICE_ACCOUNT = "fednode-operator";
    static final Path INSTALL = Path.of("../manifests/install");

    private final OperatorMain.RunningOperator running;

    private InstalledOperator(OperatorMain.RunningOperator running) {
        this.running = running;
    }

    static InstalledOperator install(
            KubernetesClient admin, String kubeConfigYaml, OperatorSettings settings) {
        for (String file : List.of("00-namespace.yaml", "01-crds.yaml", "02-rbac.yaml")) {
            apply(admin, INSTALL.resolve(file));
        }
        KubernetesClient client =
                ServiceAccountClients.clientAs(admin, kubeConfigYaml, NAMESPACE, SERVICE_ACCOUNT);
        return new InstalledOperator(OperatorMain.run(client, settings));
    }

    private static void apply(KubernetesClient admin, Path file) {
        Manifests.apply(admin, file);
    }

    @Override
    public void close() {
        running.close();
    }
}
