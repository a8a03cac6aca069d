package io.fednode.operator.hublink;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.common.GoDuration;
import io.fednode.api.common.SecretKeyRef;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.HubSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's link to its hub: enrol once with the join token, then heartbeat every interval, renew
 * the certificate at two thirds of its lifetime, and back off while the hub is unreachable. Each
 * {@link #step} does what is due and says when to come back.
 */
final class HubLink {
    private static final Logger LOG = LoggerFactory.getLogger(HubLink.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    static final int MAX_HUB_MESSAGE = 200;

    private final KubernetesClient client;
    private final String version;
    private final Clock clock;

    private volatile FederationNode node;
    private volatile HubLinkStatus status;
    private volatile NodeIdentity identity;
    private HubClient mtls;
    private String mtlsFor;
    private int failures;
    private NodeInventory inventory = NodeInventory.EMPTY;
    private boolean inventoryFailing;
    private final FederatedJobSync jobs;

    /**
     * Runs after a certificate was received and checked and before it is stored: a fault point for
     * tests (an operator that dies there), a no-op otherwise.
     */
    private final Runnable afterReceive;

    HubLink(
            KubernetesClient client,
            FederationNode node,
            String version,
            Clock clock,
            Runnable afterReceive) {
        this.client = client;
        this.node = node;
        this.version = version;
        this.clock = clock;
        this.afterReceive = afterReceive;
        this.status = HubLinkStatus.resumedFrom(node);
        this.jobs = new FederatedJobSync(client, node);
    }

    void node(FederationNode node) {
        this.node = node;
    }

    FederationNode node() {
        return node;
    }

    /** When the node's current hub certificate expires; empty before enrolment. */
    Optional<Instant> certificateNotAfter() {
        NodeIdentity current = identity;
        return current == null || !current.enrolled()
                ? Optional.empty()
                : Optional.of(current.certificate().getNotAfter().toInstant());
    }

    HubLinkStatus status() {
        return status;
    }

    Duration interval() {
        var connectivity = node.getSpec().getConnectivity();
        String interval = connectivity == null ? null : connectivity.getHeartbeatInterval();
        // The CRD's CEL rule has validated it; a malformed value is refused, never defaulted.
        return GoDuration.parse(interval == null ? "30s" : interval);
    }

    /** Does what is due; returns the delay until the next step. */
    synchronized Duration step() {
        FederationNode n = node;
        HubSpec hub = n.getSpec().getHub();
        LinkCondition registered;
        try {
            List<X509Certificate> caBundle = caBundle(n, hub);
            if (identity == null) {
                identity = NodeIdentitySecret.loadOrCreate(client, n);
            }
            Instant now = clock.instant();
            if (!identity.enrolled() || identity.expired(now)) {
                LinkCondition refused = enrol(n, hub, caBundle);
                if (refused != null) {
                    return backoff(
                            refused,
                            LinkCondition.isFalse(
                                    "NotRegistered",
                                    "heartbeats start once the node is registered"));
                }
            }
            if (!now.isBefore(identity.renewalDue())) {
                renew(n, hub, caBundle);
            }
            registered =
                    LinkCondition.isTrue(
                            "Enrolled",
                            "certificate "
                                    + identity.certificate().getSerialNumber().toString(16)
                                    + " from the hub, valid until "
                                    + identity.certificate().getNotAfter().toInstant());
            HubClient.Response response = mtls(hub, caBundle).heartbeat(report(n));
            if (response.ok()) {
                failures = 0;
                federatedJobs(n, hub, caBundle, response);
                set(
                        registered,
                        LinkCondition.isTrue(
                                "HeartbeatAcknowledged",
                                "heartbeats every "
                                        + interval().toSeconds()
                                        + "s reach "
                                        + hub.getEndpoint()));
                return interval();
            }
            if (response.status() == 401 || response.status() == 403) {
                return backoff(
                        registered,
                        LinkCondition.isFalse(
                                "RefusedByHub",
                                "the hub refused the heartbeat ("
                                        + response.status()
                                        + " "
                                        + hubMessage(response)
                                        + "); the federation operators may have"
                                        + " revoked this node"));
            }
            return backoff(
                    registered,
                    LinkCondition.isFalse(
                            "HubError",
                            "the hub answered " + response.status() + " " + hubMessage(response)));
        } catch (MissingInput e) {
            return backoff(
                    LinkCondition.isFalse(e.reason, e.getMessage()),
                    LinkCondition.unknown("NotRegistered", "waiting for registration"));
        } catch (HubClient.ReplyTooLarge e) {
            return backoff(
                    identity != null && identity.enrolled()
                            ? status.registered()
                            : LinkCondition.isFalse("HubAnswerRejected", e.getMessage()),
                    LinkCondition.isFalse("HubAnswerRejected", e.getMessage()));
        } catch (IOException e) {
            LinkCondition reg =
                    identity != null && identity.enrolled()
                            ? status.registered()
                            : LinkCondition.isFalse(
                                    "HubUnreachable",
                                    "cannot reach the hub to enrol: " + describe(e));
            return backoff(
                    reg,
                    LinkCondition.isFalse(
                            "HubUnreachable",
                            "cannot reach "
                                    + hub.getEndpoint()
                                    + ": "
                                    + describe(e)
                                    + "; the node keeps working locally and retries with backoff"));
        } catch (RuntimeException e) {
            LOG.warn("hub link of {}: {}", n.getMetadata().getName(), e.toString());
            return backoff(status.registered(), LinkCondition.isFalse("HubLinkError", describe(e)));
        }
    }

    /** Returns null when enrolled, else the Registered condition that says why not. */
    private LinkCondition enrol(FederationNode n, HubSpec hub, List<X509Certificate> caBundle)
            throws IOException {
        SecretKeyRef tokenRef = hub.getJoinTokenSecretRef();
        if (tokenRef == null) {
            throw new MissingInput(
                    "NoJoinToken",
                    "spec.hub.joinTokenSecretRef is not set and the node holds no certificate");
        }
        String token =
                secretValue(n, tokenRef, "spec.hub.joinTokenSecretRef", "JoinTokenMissing").trim();
        // The key was stored before the first attempt and every attempt uses it, so the hub can
        // answer a repeated enrolment (lost reply, crash) for the same key. After a renewal whose
        // answer never came the hub may hold the pending key instead: that one is tried first.
        List<PrivateKey> keys = new ArrayList<>();
        if (identity.pendingKey() != null) {
            keys.add(identity.pendingKey());
        }
        keys.add(identity.key());
        String nodeId = n.getSpec().getNodeId();
        HubClient.Response response = null;
        KeyPair key = null;
        for (PrivateKey candidate : keys) {
            key = NodeIdentity.keyPair(candidate);
            response =
                    new HubClient(hub.getEndpoint(), caBundle, null)
                            .enrol(nodeId, token, NodeIdentity.csr(nodeId, key));
            if (response.status() != 403) {
                break;
            }
        }
        if (response.ok()) {
            try {
                store(n, response, key, caBundle, "enrolled with the hub");
            } catch (IssuedChain.Rejected e) {
                LOG.warn("enrolment answer for node {} refused: {}", nodeId, e.getMessage());
                return LinkCondition.isFalse(
                        "HubAnswerRejected",
                        "the hub's enrolment answer was not stored: " + e.getMessage());
            }
            return null;
        }
        if (response.status() == 403) {
            return LinkCondition.isFalse(
                    "JoinTokenRefused",
                    "the hub refused the join token in Secret "
                            + tokenRef.getName()
                            + " (already used, expired, or not for node "
                            + nodeId
                            + "); ask the federation operators for a new one");
        }
        return LinkCondition.isFalse(
                "EnrolmentFailed",
                "the hub answered " + response.status() + " " + hubMessage(response));
    }

    private void renew(FederationNode n, HubSpec hub, List<X509Certificate> caBundle) {
        String nodeId = n.getSpec().getNodeId();
        try {
            // The new key is stored before it is sent, and reused until the answer is stored: a
            // lost answer is asked for again with the same key, which the hub recorded.
            if (identity.pendingKey() == null) {
                identity =
                        NodeIdentitySecret.storePending(
                                client, n, identity, NodeIdentity.newKey().getPrivate());
            }
            KeyPair key = NodeIdentity.keyPair(identity.pendingKey());
            HubClient.Response response = mtls(hub, caBundle).renew(NodeIdentity.csr(nodeId, key));
            if (!response.ok()) {
                LOG.warn(
                        "certificate renewal of {} refused: {} {}",
                        nodeId,
                        response.status(),
                        hubMessage(response));
                return;
            }
            store(n, response, key, caBundle, "renewed its certificate");
        } catch (IssuedChain.Rejected e) {
            LOG.warn("renewal answer for node {} refused: {}", nodeId, e.getMessage());
        } catch (IOException e) {
            LOG.info("certificate renewal of {} postponed: {}", nodeId, describe(e));
        }
    }

    /** Checks the hub's certificate answer for this key and stores key and chain together. */
    private void store(
            FederationNode n,
            HubClient.Response response,
            KeyPair key,
            List<X509Certificate> caBundle,
            String what)
            throws IssuedChain.Rejected {
        String nodeId = n.getSpec().getNodeId();
        IssuedChain issued =
                IssuedChain.verify(
                        IssuedChain.parse(response.body()), key, nodeId, caBundle, clock.instant());
        afterReceive.run();
        identity =
                NodeIdentitySecret.store(
                        client, n, key.getPrivate(), issued.chainPem(), issued.caPem());
        LOG.info(
                "node {} {}; certificate valid until {}",
                nodeId,
                what,
                identity.certificate().getNotAfter().toInstant());
    }

    private HubClient mtls(HubSpec hub, List<X509Certificate> caBundle) {
        String key =
                hub.getEndpoint()
                        + "|"
                        + identity.certificate().getSerialNumber()
                        + "|"
                        + caBundle.hashCode();
        if (mtls == null || !key.equals(mtlsFor)) {
            mtls = new HubClient(hub.getEndpoint(), caBundle, identity);
            mtlsFor = key;
        }
        return mtls;
    }

    /**
     * The heartbeat body. The node's Datasets and TrainingRuns are read afresh; when that fails
     * (API server unavailable), the last inventory read is sent again rather than none, so the hub
     * does not show the node's datasets vanish while the heartbeat itself still gets through.
     */
    private Map<String, Object> report(FederationNode n) {
        try {
            inventory = NodeInventory.read(client, n);
            inventoryFailing = false;
        } catch (RuntimeException e) {
            if (!inventoryFailing) {
                LOG.warn(
                        "hub link of {}: cannot list its Datasets/TrainingRuns, the heartbeat"
                                + " repeats the last ones read: {}",
                        n.getMetadata().getName(),
                        describe(e));
            }
            inventoryFailing = true;
        }
        return HeartbeatContent.report(
                n, version, interval(), inventory.datasets(), inventory.runs());
    }

    private List<X509Certificate> caBundle(FederationNode n, HubSpec hub) {
        SecretKeyRef ref = hub.getCaBundleSecretRef();
        if (ref == null) {
            throw new MissingInput(
                    "NoCaBundle",
                    "spec.hub.caBundleSecretRef is not set: the node cannot verify the hub");
        }
        List<X509Certificate> certs =
                NodeIdentity.certificates(
                        secretValue(n, ref, "spec.hub.caBundleSecretRef", "CaBundleMissing"));
        if (certs.isEmpty()) {
            throw new MissingInput(
                    "CaBundleMissing",
                    "Secret "
                            + ref.getName()
                            + " key "
                            + ref.getKey()
                            + " holds no PEM certificate");
        }
        return certs;
    }

    private String secretValue(FederationNode n, SecretKeyRef ref, String field, String reason) {
        Secret secret =
                client.secrets()
                        .inNamespace(n.getMetadata().getNamespace())
                        .withName(ref.getName())
                        .get();
        String value =
                secret == null || secret.getData() == null
                        ? null
                        : secret.getData().get(ref.getKey());
        if (value == null) {
            throw new MissingInput(
                    reason,
                    field
                            + ": Secret "
                            + ref.getName()
                            + " with key "
                            + ref.getKey()
                            + " not found");
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }

    private Duration backoff(LinkCondition registered, LinkCondition connected) {
        failures++;
        set(registered, connected);
        Duration base = interval();
        long factor = 1L << Math.min(failures - 1, 16);
        Duration cap = base.compareTo(MAX_BACKOFF) > 0 ? base : MAX_BACKOFF;
        Duration delay = base.multipliedBy(factor);
        if (delay.compareTo(cap) > 0) {
            delay = cap;
        }
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, delay.toMillis() / 10));
        return delay.plusMillis(jitter);
    }

    private void set(LinkCondition registered, LinkCondition connected) {
        status = new HubLinkStatus(registered, connected, jobs.entries());
    }

    /**
     * The federated jobs of the heartbeat's answer (issue 12). The answer is read as a tree: any
     * field this operator does not know is ignored, and its size was bounded by {@link HubClient}.
     * A data node has no jobs to run, but refuses what it is offered all the same.
     */
    private void federatedJobs(
            FederationNode n,
            HubSpec hub,
            List<X509Certificate> caBundle,
            HubClient.Response response) {
        List<FederatedJobSync.Listed> listed;
        try {
            listed = FederatedJobSync.listed(HubClient.JSON.readTree(response.body()));
        } catch (IOException e) {
            LOG.warn("hub link of {}: the heartbeat answer is not JSON", n.getMetadata().getName());
            return; // nothing is concluded from an answer that cannot be read
        }
        try {
            jobs.step(n, listed, inventory, mtls(hub, caBundle));
        } catch (RuntimeException e) {
            LOG.warn("hub link of {}: federated jobs: {}", n.getMetadata().getName(), describe(e));
        }
    }

    /** The hub's error text, at most {@link #MAX_HUB_MESSAGE} printable characters. */
    private static String hubMessage(HubClient.Response response) {
        try {
            return LinkCondition.bounded(
                    HubClient.JSON.readTree(response.body()).path("error").asText(""),
                    MAX_HUB_MESSAGE);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        if (m == null && e.getCause() != null) {
            m = e.getCause().getMessage();
        }
        return LinkCondition.bounded(
                e.getClass().getSimpleName() + (m == null ? "" : ": " + m), MAX_HUB_MESSAGE);
    }

    /** Something the node's spec points at is missing: a user-fixable state. */
    private static final class MissingInput extends RuntimeException {
        final String reason;

        MissingInput(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
