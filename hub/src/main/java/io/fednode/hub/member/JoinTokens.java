package io.fednode.hub.member;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.v1alpha1.FederationMember;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Join tokens: 256 random bits in a Secret next to the member ({@code <member>-join-token}, keys
 * {@code token} and {@code ca.crt}), single-use (the Secret is deleted when the token is redeemed)
 * and expiring. The token itself never appears in a log line or an error message.
 */
public final class JoinTokens {
    private static final Logger LOG = LoggerFactory.getLogger(JoinTokens.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    public static final String TOKEN_KEY = "token";
    public static final String CA_KEY = "ca.crt";
    public static final String PURPOSE_LABEL = "fednode.io/purpose";
    public static final String PURPOSE = "join-token";
    public static final String MEMBER_LABEL = "fednode.io/member";
    public static final String EXPIRES_ANNOTATION = "fednode.io/expires-at";
    public static final String NODE_ID_ANNOTATION = "fednode.io/node-id";

    /** Why a token was refused; for the hub's log, never for the caller. */
    public enum Refusal {
        NO_TOKEN,
        WRONG_NODE,
        EXPIRED,
        MISMATCH,
        ALREADY_USED
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Duration lifetime;
    private final String caPem;
    private final Clock clock;

    public JoinTokens(
            KubernetesClient client,
            String namespace,
            Duration lifetime,
            String caPem,
            Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.lifetime = lifetime;
        this.caPem = caPem;
        this.clock = clock;
    }

    public static String secretName(String memberName) {
        return memberName + "-join-token";
    }

    /** Creates the member's token Secret; an existing one is left alone. */
    public void issue(FederationMember member) {
        String name = member.getMetadata().getName();
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expires = clock.instant().plus(lifetime);
        Secret secret =
                new SecretBuilder()
                        .withNewMetadata()
                        .withName(secretName(name))
                        .withNamespace(namespace)
                        .addToLabels(PURPOSE_LABEL, PURPOSE)
                        .addToLabels(MEMBER_LABEL, name)
                        .addToLabels("app.kubernetes.io/managed-by", "fednode-hub")
                        .addToAnnotations(EXPIRES_ANNOTATION, expires.toString())
                        .addToAnnotations(NODE_ID_ANNOTATION, member.getSpec().getNodeId())
                        .withOwnerReferences(
                                new OwnerReferenceBuilder()
                                        .withApiVersion(member.getApiVersion())
                                        .withKind(member.getKind())
                                        .withName(name)
                                        .withUid(member.getMetadata().getUid())
                                        .build())
                        .endMetadata()
                        .withType("Opaque")
                        .withImmutable(true)
                        .addToStringData(TOKEN_KEY, token)
                        .addToStringData(CA_KEY, caPem)
                        .build();
        try {
            client.secrets().inNamespace(namespace).resource(secret).create();
            LOG.info(
                    "issued a join token for member {} in Secret {}, valid until {}",
                    name,
                    secretName(name),
                    expires);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Deletes the member's unused token (revocation). */
    public void withdraw(String memberName) {
        client.secrets().inNamespace(namespace).withName(secretName(memberName)).delete();
    }

    /**
     * Checks a presented token for the member and burns it. Returns null when the token was good
     * and is now used up, else the reason it was refused. Callers serialise per member.
     */
    public Refusal redeem(FederationMember member, String presented) {
        String name = member.getMetadata().getName();
        Secret secret = client.secrets().inNamespace(namespace).withName(secretName(name)).get();
        if (secret == null
                || secret.getData() == null
                || !secret.getData().containsKey(TOKEN_KEY)) {
            return Refusal.NO_TOKEN;
        }
        Map<String, String> annotations = secret.getMetadata().getAnnotations();
        String nodeId = annotations == null ? null : annotations.get(NODE_ID_ANNOTATION);
        byte[] stored = Base64.getDecoder().decode(secret.getData().get(TOKEN_KEY));
        // Compare digests so the comparison takes the same time whatever the lengths are.
        boolean matches =
                MessageDigest.isEqual(
                        sha256(stored), sha256(presented.getBytes(StandardCharsets.UTF_8)));
        if (!matches) {
            return Refusal.MISMATCH;
        }
        if (!member.getSpec().getNodeId().equals(nodeId)) {
            return Refusal.WRONG_NODE;
        }
        Instant expiry = expiry(secret);
        if (expiry == null || !clock.instant().isBefore(expiry)) {
            return Refusal.EXPIRED;
        }
        boolean deleted =
                !client.secrets()
                        .inNamespace(namespace)
                        .withName(secretName(name))
                        .delete()
                        .isEmpty();
        return deleted ? null : Refusal.ALREADY_USED;
    }

    public static Instant expiry(Secret secret) {
        Map<String, String> annotations = secret.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(EXPIRES_ANNOTATION);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
