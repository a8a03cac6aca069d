package io.fednode.operator.hublink;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.common.Labels;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The node identity Secret {@code <node>-hub-identity} ({@code kubernetes.io/tls}): {@code tls.key}
 * is generated here and stored before the node enrols, and every enrolment attempt uses it, so a
 * lost reply is answered again for the same key; {@code tls.crt} (chain) and {@code ca.crt} are
 * added at enrolment. A renewal's fresh key is stored first as {@code pending.key}, reused until
 * the hub's answer is stored, and then replaces {@code tls.key} in the same write as the new chain.
 */
final class NodeIdentitySecret {
    static final String KEY = "tls.key";
    static final String CERT = "tls.crt";
    static final String CA = "ca.crt";
    static final String PENDING = "pending.key";

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
        String pending = decode(data.get(PENDING));
        return new NodeIdentity(
                nodeId,
                key,
                certs,
                pending == null || pending.isBlank() ? null : NodeIdentity.privateKey(pending));
    }

    /** Stores the key a renewal is about to ask a certificate for, before asking. */
    static NodeIdentity storePending(
            KubernetesClient client, FederationNode node, NodeIdentity identity, PrivateKey key) {
        client.secrets()
                .inNamespace(node.getMetadata().getNamespace())
                .withName(name(node))
                .edit(
                        s -> {
                            s.getData().put(PENDING, encode(NodeIdentity.pem(key)));
                            return s;
                        });
        return new NodeIdentity(identity.nodeId(), identity.key(), identity.chain(), key);
    }

    /** Stores a (new) key and the chain the hub signed for it in one write (no pending key). */
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
                        .addToLabels(Labels.MANAGED_BY, Labels.MANAGER)
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
