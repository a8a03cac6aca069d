package io.fednode.hub.ca;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the federation CA in a {@code kubernetes.io/tls} Secret ({@code tls.crt}, {@code tls.key},
 * and {@code ca.crt} for the nodes). An existing Secret is used as is, so an operator can supply
 * the federation's own CA; otherwise one is generated at first start.
 */
public final class CaSecret {
    private static final Logger LOG = LoggerFactory.getLogger(CaSecret.class);

    private CaSecret() {}

    public static FederationCa loadOrCreate(
            KubernetesClient client, String namespace, String name) {
        Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
        if (existing != null) {
            LOG.info("using the federation CA in Secret {}/{}", namespace, name);
            return fromSecret(existing);
        }
        FederationCa ca = FederationCa.generate("fednode federation CA");
        Secret secret =
                new SecretBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(namespace)
                        .addToLabels("app.kubernetes.io/managed-by", "fednode-hub")
                        .endMetadata()
                        .withType("kubernetes.io/tls")
                        .addToStringData("tls.crt", Pem.encode(ca.certificate()))
                        .addToStringData("tls.key", Pem.encode(ca.privateKey()))
                        .addToStringData("ca.crt", Pem.encode(ca.certificate()))
                        .build();
        try {
            client.secrets().inNamespace(namespace).resource(secret).create();
            LOG.info("generated a new federation CA in Secret {}/{}", namespace, name);
            return ca;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) { // another hub instance won the race: use its CA
                return fromSecret(client.secrets().inNamespace(namespace).withName(name).get());
            }
            throw e;
        }
    }

    static FederationCa fromSecret(Secret secret) {
        String crt = decode(secret, "tls.crt");
        String key = decode(secret, "tls.key");
        List<X509Certificate> certs = Pem.certificates(crt);
        if (certs.isEmpty()) {
            throw new IllegalStateException(
                    "Secret " + secret.getMetadata().getName() + " has no certificate in tls.crt");
        }
        return new FederationCa(certs.get(0), Pem.privateKey(key));
    }

    private static String decode(Secret secret, String key) {
        String value = secret.getData() == null ? null : secret.getData().get(key);
        if (value == null) {
            throw new IllegalStateException(
                    "Secret " + secret.getMetadata().getName() + " has no " + key);
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }
}
