package io.fednode.operator.hublink;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.v1alpha1.FederationNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The node identity Secret {@code <node>-hub-identity} ({@code kubernetes.io/tls}): {@code tls.key}
 * is generated here once and never leaves the cluster; {@code tls.crt} (chain) and {@code ca.crt}
 * are added at enrolment and replaced at renewal, together with a fresh key.
 */
final class NodeIdentitySecret {
    static final String KEY = "tls.key";
    static final String CERT = "tls.crt";
    static final String CA = "ca.crt";

    private NodeIdentitySecret() {}

    static String name(FederationNode node) {
        return node.getMetadata().getName() + "-hub-identity";
    }

    /** Reads the identity, generating and storing a key if there is none yet. */
    static NodeIdentity loadOrCreate(KubernetesClient client, FederationNode node) {
        String ns = node.getMetadata().getNamespace();
        Secret existing = client.secrets().inNamespace(ns).withName(name(node)).get();
        if (existing == null) {
            KeyPair key = NodeIdentity.newKey();
            try {
                client.secrets()
                        .inNamespace(ns)
                        .resource(secret(node, key.getPrivate(), null, null))
                        .create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            existing = client.secrets().inNamespace(ns).withName(name(node)).get();
        }
        return fromSecret(node.getSpec().getNodeId(), existing);
    }

    static NodeIdentity fromSecret(String nodeId, Secret secret) {
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        PrivateKey key = NodeIdentity.privateKey(decode(data.get(KEY)));
        String chain = decode(data.get(CERT));
        List<X509Certificate> certs =
                chain == null || chain.isBlank() ? List.of() : NodeIdentity.certificates(chain);
        return new NodeIdentity(nodeId, key, certs);
    }

    /** Stores a (new) key and the chain the hub signed for it in one write. */
    static NodeIdentity store(
            KubernetesClient client,
            FederationNode node,
            PrivateKey key,
            String chainPem,
            String caPem) {
        client.secrets()
                .inNamespace(node.getMetadata().getNamespace())
                .withName(name(node))
                .edit(
                        s -> {
                            Secret updated = secret(node, key, chainPem, caPem);
                            s.setData(updated.getData());
                            return s;
                        });
        return new NodeIdentity(
                node.getSpec().getNodeId(), key, NodeIdentity.certificates(chainPem));
    }

    static Secret secret(FederationNode node, PrivateKey key, String chain, String ca) {
        SecretBuilder b =
                new SecretBuilder()
                        .withNewMetadata()
                        .withName(name(node))
                        .withNamespace(node.getMetadata().getNamespace())
                        .addToLabels("app.kubernetes.io/managed-by", "fednode-operator")
                        .addToLabels("app.kubernetes.io/component", "hub-identity")
                        .withOwnerReferences(
                                new OwnerReferenceBuilder()
                                        .withApiVersion(node.getApiVersion())
                                        .withKind(node.getKind())
                                        .withName(node.getMetadata().getName())
                                        .withUid(node.getMetadata().getUid())
                                        .build())
                        .endMetadata()
                        .withType("kubernetes.io/tls")
                        .addToData(KEY, encode(NodeIdentity.pem(key)))
                        .addToData(CERT, encode(chain == null ? "" : chain));
        if (ca != null) {
            b.addToData(CA, encode(ca));
        }
        return b.build();
    }

    private static String encode(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String b64) {
        return b64 == null
                ? null
                : new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }
}
