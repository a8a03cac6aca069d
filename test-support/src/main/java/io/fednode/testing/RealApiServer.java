package io.fednode.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd + kube-apiserver (fabric8 kube-api-test, the binaries built from source), bound to
 * 127.0.0.1, with RBAC and Pod Security admission on. No controllers run: Pods never start here.
 *
 * <p>Use as a JUnit 5 extension: {@code @RegisterExtension static RealApiServer api = new
 * RealApiServer();} and then {@code api.client()} (cluster-admin).
 */
public final class RealApiServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private KubeAPIServer server;
    private KubernetesClient client;
    private String kubeConfigYaml;

    public void start() {
        KubernetesBinaries.binary("kube-apiserver"); // fail early, naming the build command
        server =
                new KubeAPIServer(
                        KubeAPIServerConfigBuilder.anAPIServerConfig()
                                .withTestDir(KubernetesBinaries.kubeApiTestDir().toString())
                                .withApiServerVersion(KubernetesBinaries.VERSION)
                                .withOfflineMode(true)
                                .withUpdateKubeConfig(false)
                                .withStartupTimeout(120_000)
                                .withApiServerFlag("--bind-address", "127.0.0.1")
                                .withApiServerFlag(
                                        "--enable-admission-plugins",
                                        "NamespaceLifecycle,PodSecurity,ResourceQuota")
                                .build());
        server.start();
        kubeConfigYaml = server.getKubeConfigYaml();
        client =
                new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(kubeConfigYaml))
                        .build();
    }

    public KubernetesClient client() {
        return client;
    }

    public String kubeConfigYaml() {
        return kubeConfigYaml;
    }

    /**
     * A client that authenticates as a ServiceAccount with a token from the TokenRequest API, so
     * the RBAC granted to that account is exactly what the client may do.
     */
    public KubernetesClient clientAs(String namespace, String serviceAccount) {
        return ServiceAccountClients.clientAs(client, kubeConfigYaml, namespace, serviceAccount);
    }

    /** Installs a CRD from a YAML file and waits until the API server serves it. */
    public CustomResourceDefinition installCrd(Path crdYaml) {
        return (CustomResourceDefinition) Manifests.apply(client, crdYaml).get(0);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
