package io.fednode.e2e.hub;

import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * A kubeconfig file for a process that must act as a ServiceAccount and nothing more: the API
 * server's address and CA from the admin's kubeconfig, and a token from the TokenRequest API.
 */
final class ServiceAccountKubeconfig {
    private ServiceAccountKubeconfig() {}

    static Path write(
            KubernetesClient admin,
            String adminKubeconfigYaml,
            String namespace,
            String serviceAccount,
            Path file) {
        String token =
                admin.serviceAccounts()
                        .inNamespace(namespace)
                        .withName(serviceAccount)
                        .tokenRequest(
                                new TokenRequestBuilder()
                                        .withNewSpec()
                                        .withExpirationSeconds(3600L)
                                        .endSpec()
                                        .build())
                        .getStatus()
                        .getToken();
        Config admins = Config.fromKubeconfig(adminKubeconfigYaml);
        String trust;
        try {
            if (admins.getCaCertData() != null && !admins.getCaCertData().isBlank()) {
                trust = "certificate-authority-data: " + admins.getCaCertData();
            } else if (admins.getCaCertFile() != null) {
                trust =
                        "certificate-authority-data: "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                Files.readAllBytes(
                                                        Path.of(admins.getCaCertFile())));
            } else {
                trust = "insecure-skip-tls-verify: " + admins.isTrustCerts();
            }
            String yaml =
                    """
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: e2e
                        cluster:
                          server: %s
                          %s
                    users:
                      - name: %s
                        user:
                          token: %s
                    contexts:
                      - name: %s
                        context: {cluster: e2e, user: %s, namespace: %s}
                    current-context: %s
                    """
                            .formatted(
                                    admins.getMasterUrl(),
                                    trust,
                                    serviceAccount,
                                    token,
                                    serviceAccount,
                                    serviceAccount,
                                    namespace,
                                    serviceAccount);
            Files.createDirectories(file.getParent());
            Files.writeString(file, yaml);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
