package io.fednode.hub.member;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fednode.api.v1alpha1.FederationMember;
import io.fednode.api.v1alpha1.FederationMemberStatus.MemberCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Join tokens: 256 random bits, single use, expiring. The hub keeps only their SHA-256 in one
 * ledger Secret ({@code <ca-secret>-join-tokens}, one key per member), which it reads and updates
 * by name only. The plain token is handed to the central operators once, in the Secret {@code
 * <member>-join-token} (keys {@code token} and {@code ca.crt}); the hub creates that Secret and can
 * neither read, list nor delete it afterwards. The ledger also records, per member, the public key
 * the token was redeemed with (and, after each renewal, the member's current key): a node that lost
 * the hub's reply, or whose certificate expired while it was offline, enrols again with the same
 * token and the same key and gets a certificate, within a bounded window. The token itself never
 * appears in a log line or an error message.
 */
public final class JoinTokens {
    private static final Logger LOG = LoggerFactory.getLogger(JoinTokens.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String TOKEN_KEY = "token";
    public static final String CA_KEY = "ca.crt";
    public static final String PURPOSE_LABEL = "fednode.io/purpose";
    public static final String PURPOSE = "join-token";
    public static final String MEMBER_LABEL = "fednode.io/member";
    public static final String EXPIRES_ANNOTATION = "fednode.io/expires-at";
    public static final String NODE_ID_ANNOTATION = "fednode.io/node-id";

    /** On a FederationMember: a new value asks for a new join token (the old one is dropped). */
    public static final String REQUEST_ANNOTATION = "fednode.io/join-token-request";

    /** How long after redemption a node may enrol again with the same token and the same key. */
    public static final Duration RETRY_WINDOW = Duration.ofHours(24);

    /** How long after its certificate expired a node may enrol again with token and key. */
    public static final Duration EXPIRY_GRACE = Duration.ofDays(30);

    /** Why a token was refused; for the hub's log, never for the caller. */
    public enum Refusal {
        NO_TOKEN,
        WRONG_NODE,
        EXPIRED,
        MISMATCH,
        ALREADY_USED
    }

    /**
     * One member's line in the ledger: the token's SHA-256 (hex), its expiry, when it was redeemed,
     * the SHA-256 of the member's current public key (SubjectPublicKeyInfo), and the value of the
     * member's {@link #REQUEST_ANNOTATION} the token answered.
     */
    public record Entry(
            String nodeId,
            String tokenSha256,
            String expiresAt,
            String redeemedAt,
            String keySha256,
            String request) {
        Entry withRedeemed(Instant at, String key) {
            return new Entry(nodeId, tokenSha256, expiresAt, at.toString(), key, request);
        }

        Entry withKey(String key) {
            return new Entry(nodeId, tokenSha256, expiresAt, redeemedAt, key, request);
        }

        Instant expiry() {
            return instant(expiresAt);
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String ledger;
    private final Duration lifetime;
    private final String caPem;
    private final Clock clock;

    /** The ledger as last read or written (the hub is its only writer). */
    private volatile Map<String, Entry> cached = Map.of();

    public JoinTokens(
            KubernetesClient client,
            String namespace,
            String ledgerSecret,
            Duration lifetime,
            String caPem,
            Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.ledger = ledgerSecret;
        this.lifetime = lifetime;
        this.caPem = caPem;
        this.clock = clock;
    }

    /** The ledger Secret's name for a hub whose CA is in the Secret {@code caSecret}. */
    public static String ledgerName(String caSecret) {
        return caSecret + "-join-tokens";
    }

    public static String secretName(String memberName) {
        return memberName + "-join-token";
    }

    /** Reads the ledger, creating it empty if there is none yet. */
    public synchronized void start() {
        if (client.secrets().inNamespace(namespace).withName(ledger).get() == null) {
            Secret empty =
                    new SecretBuilder()
                            .withNewMetadata()
                            .withName(ledger)
                            .withNamespace(namespace)
                            .addToLabels("app.kubernetes.io/managed-by", "fednode-hub")
                            .endMetadata()
                            .withType("Opaque")
                            .build();
            try {
                client.secrets().inNamespace(namespace).resource(empty).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        read();
    }

    /** The member's ledger line as last seen, or null. */
    public Entry entry(String memberName) {
        return cached.get(memberName);
    }

    /** Whether the member has a token that is neither redeemed nor expired. */
    public Instant pendingExpiry(String memberName) {
        Entry e = cached.get(memberName);
        return e == null || e.tokenSha256() == null || e.redeemedAt() != null ? null : e.expiry();
    }

    /**
     * Whether the member should get a (new) token: it has no ledger line, or asked for a new token
     * with a new value of {@link #REQUEST_ANNOTATION}.
     */
    public boolean needsToken(FederationMember member) {
        Entry e = cached.get(member.getMetadata().getName());
        if (e == null || e.tokenSha256() == null) {
            return true;
        }
        String asked = requestOf(member);
        return asked != null && !asked.equals(e.request());
    }

    /**
     * Issues a token: the plain token goes into a new hand-out Secret, its hash into the ledger.
     * When the hand-out Secret still exists (an old token not yet taken away by the central
     * operators), nothing changes and false is returned.
     */
    public synchronized boolean issue(FederationMember member) {
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
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                LOG.warn(
                        "member {} needs a join token but Secret {} still exists: delete it to"
                                + " get a new token",
                        name,
                        secretName(name));
                return false;
            }
            throw e;
        }
        Entry entry =
                new Entry(
                        member.getSpec().getNodeId(),
                        hex(sha256(token.getBytes(StandardCharsets.UTF_8))),
                        expires.toString(),
                        null,
                        null,
                        requestOf(member));
        update(name, old -> entry);
        LOG.info(
                "issued a join token for member {} in Secret {}, valid until {}",
                name,
                secretName(name),
                expires);
        return true;
    }

    /** Drops the member's token (revocation, deletion): it is refused from now on. */
    public synchronized void withdraw(String memberName) {
        if (cached.containsKey(memberName)) {
            update(memberName, old -> null);
        }
    }

    /**
     * Checks a presented token and the key it comes with. A fresh token is burnt and bound to the
     * key, in the ledger, before the caller signs anything. A token already redeemed is accepted
     * again only with the key the ledger holds for the member, for {@link #RETRY_WINDOW} after
     * redemption or until {@link #EXPIRY_GRACE} after the member's certificate expired. Returns
     * null when the caller may issue a certificate, else why not. Callers serialise per member.
     */
    public synchronized Refusal redeem(MemberState state, String presented, PublicKey key) {
        FederationMember member = state.resource();
        String name = member.getMetadata().getName();
        Entry e = read().get(name);
        state.joinTokenExpiry(pendingExpiry(name));
        if (e == null || e.tokenSha256() == null) {
            return Refusal.NO_TOKEN;
        }
        byte[] stored = HexFormat.of().parseHex(e.tokenSha256());
        if (!MessageDigest.isEqual(stored, sha256(presented.getBytes(StandardCharsets.UTF_8)))) {
            return Refusal.MISMATCH;
        }
        if (!member.getSpec().getNodeId().equals(e.nodeId())) {
            return Refusal.WRONG_NODE;
        }
        Instant now = clock.instant();
        String fingerprint = fingerprint(key);
        if (e.redeemedAt() == null) {
            Instant expiry = e.expiry();
            if (expiry == null || !now.isBefore(expiry)) {
                return Refusal.EXPIRED;
            }
            update(name, old -> e.withRedeemed(now, fingerprint));
            state.joinTokenExpiry(null);
            return null;
        }
        if (!MessageDigest.isEqual(
                fingerprint.getBytes(StandardCharsets.US_ASCII),
                Objects.requireNonNullElse(e.keySha256(), "")
                        .getBytes(StandardCharsets.US_ASCII))) {
            return Refusal.ALREADY_USED;
        }
        Instant until = instant(e.redeemedAt());
        until = until == null ? Instant.EPOCH : until.plus(RETRY_WINDOW);
        MemberCertificate cert = state.certificate();
        Instant notAfter = cert == null ? null : instant(cert.getNotAfter());
        if (notAfter != null && notAfter.plus(EXPIRY_GRACE).isAfter(until)) {
            until = notAfter.plus(EXPIRY_GRACE);
        }
        if (!now.isBefore(until)) {
            return Refusal.ALREADY_USED;
        }
        LOG.info("node {} enrols again with the key its token was redeemed with", e.nodeId());
        return null;
    }

    /** Whether the ledger holds this key as the member's current key. */
    public boolean isCurrentKey(String memberName, PublicKey key) {
        Entry e = cached.get(memberName);
        return e != null
                && e.keySha256() != null
                && MessageDigest.isEqual(
                        e.keySha256().getBytes(StandardCharsets.US_ASCII),
                        fingerprint(key).getBytes(StandardCharsets.US_ASCII));
    }

    /** Records the member's new key before a renewal signs a certificate for it. */
    public synchronized void bindKey(MemberState state, PublicKey key) {
        String name = state.resource().getMetadata().getName();
        String fingerprint = fingerprint(key);
        Entry e = cached.get(name);
        if (e != null && fingerprint.equals(e.keySha256())) {
            return;
        }
        update(
                name,
                old ->
                        old == null
                                ? new Entry(state.nodeId(), null, null, null, fingerprint, null)
                                : old.withKey(fingerprint));
    }

    /** SHA-256 of the key's SubjectPublicKeyInfo, hex. */
    public static String fingerprint(PublicKey key) {
        return hex(sha256(key.getEncoded()));
    }

    private Map<String, Entry> read() {
        Secret secret = client.secrets().inNamespace(namespace).withName(ledger).get();
        if (secret == null) {
            throw new IllegalStateException("the join token ledger Secret " + ledger + " is gone");
        }
        cached = parse(secret);
        return cached;
    }

    /** Changes one member's line with optimistic concurrency (retried on a conflict). */
    private void update(String memberName, UnaryOperator<Entry> change) {
        for (int attempt = 1; ; attempt++) {
            Secret secret = client.secrets().inNamespace(namespace).withName(ledger).get();
            if (secret == null) {
                throw new IllegalStateException(
                        "the join token ledger Secret " + ledger + " is gone");
            }
            Map<String, Entry> entries = parse(secret);
            Entry changed = change.apply(entries.get(memberName));
            // A JSON merge patch carrying the resourceVersion read: the API server refuses it
            // (409) if the ledger changed since, so no line is lost to a concurrent write.
            Map<String, Object> data = new LinkedHashMap<>();
            data.put(memberName, changed == null ? null : encode(changed));
            Map<String, Object> patch =
                    Map.of(
                            "metadata",
                            Map.of("resourceVersion", secret.getMetadata().getResourceVersion()),
                            "data",
                            data);
            try {
                cached =
                        parse(
                                client.secrets()
                                        .inNamespace(namespace)
                                        .withName(ledger)
                                        .patch(
                                                PatchContext.of(PatchType.JSON_MERGE),
                                                JSON.writeValueAsString(patch)));
                return;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    private static Map<String, Entry> parse(Secret secret) {
        Map<String, Entry> result = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData()
                    .forEach(
                            (k, v) -> {
                                try {
                                    result.put(
                                            k,
                                            JSON.readValue(
                                                    Base64.getDecoder().decode(v), Entry.class));
                                } catch (IOException | IllegalArgumentException e) {
                                    LOG.warn("join token ledger: unreadable line for {}", k);
                                }
                            });
        }
        return Map.copyOf(result);
    }

    private static String encode(Entry entry) {
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(entry));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String requestOf(FederationMember member) {
        Map<String, String> annotations = member.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(REQUEST_ANNOTATION);
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
