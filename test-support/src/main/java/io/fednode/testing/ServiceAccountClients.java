package io.fednode.testing;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Clients authenticated as a ServiceAccount, for testing the RBAC a chart ships. */
public final class ServiceAccountClients {
    private ServiceAccountClients() {}

    /**
     * Requests a one-hour token for {@code namespace/serviceAccount} (TokenRequest API) and returns
     * a client for the same API server that uses only that token.
     */
    public static KubernetesClient clientAs(
            KubernetesClient admin,
            String kubeConfigYaml,
            String namespace,
            String serviceAccount) {
        TokenRequest request =
                new TokenRequestBuilder()
                        .withNewSpec()
                        .withExpirationSeconds(3600L)
                        .endSpec()
                        .build();
        TokenRequest issued =
                admin.serviceAccounts()
                        .inNamespace(namespace)
                        .withName(serviceAccount)
                        .tokenRequest(request);
        Config admins = Config.fromKubeconfig(kubeConfigYaml);
        Config config =
                new ConfigBuilder()
                        .withMasterUrl(admins.getMasterUrl())
                        .withCaCertData(admins.getCaCertData())
                        .withCaCertFile(admins.getCaCertFile())
                        .withOauthToken(issued.getStatus().getToken())
                        .withNamespace(namespace)
                        .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
