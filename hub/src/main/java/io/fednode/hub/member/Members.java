package io.fednode.hub.member;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fednode.api.v1alpha1.FederationMember;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's view of its FederationMembers, fed by an informer on the members: nodeId → {@link
 * MemberState}. A deleted member disappears from the map at once, so its node is refused on its
 * next request (and its join token is dropped); a member that is neither enrolled nor revoked gets
 * a join token. The hub watches no Secrets: join tokens live in the ledger {@link JoinTokens} reads
 * by name.
 */
public final class Members implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Members.class);

    private final KubernetesClient client;
    private final String namespace;
    private final JoinTokens tokens;
    private final Map<String, MemberState> byNodeId = new ConcurrentHashMap<>();

    /** Token Secrets are created and deleted off the informer threads, one at a time. */
    private final ScheduledExecutorService tokenWorker =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "join-tokens"));

    /**
     * A hand-out Secret still in the way (the old member's, not yet garbage-collected) is tried
     * again this often, this many times; then on the member's next resync.
     */
    private static final long HANDOUT_RETRY_SECONDS = 5;

    private static final int HANDOUT_RETRIES = 12;

    private SharedIndexInformer<FederationMember> memberInformer;

    public Members(KubernetesClient client, String namespace, JoinTokens tokens) {
        this.client = client;
        this.namespace = namespace;
        this.tokens = tokens;
    }

    public void start() {
        tokens.start();
        memberInformer =
                client.resources(FederationMember.class)
                        .inNamespace(namespace)
                        .inform(new MemberHandler(), 10 * 60 * 1000L);
    }

    public MemberState byNodeId(String nodeId) {
        return byNodeId.get(nodeId);
    }

    public Collection<MemberState> all() {
        return byNodeId.values();
    }

    private void upsert(FederationMember member) {
        String nodeId = member.getSpec() == null ? null : member.getSpec().getNodeId();
        if (nodeId == null) {
            return;
        }
        MemberState state = byNodeId.computeIfAbsent(nodeId, MemberState::new);
        synchronized (state) {
            FederationMember current = state.resource();
            if (current != null
                    && !current.getMetadata().getUid().equals(member.getMetadata().getUid())) {
                LOG.warn(
                        "members {} and {} both claim nodeId {}; keeping {}",
                        current.getMetadata().getName(),
                        member.getMetadata().getName(),
                        nodeId,
                        current.getMetadata().getName());
                return;
            }
            state.resource(member);
            state.joinTokenExpiry(tokens.pendingExpiry(member.getMetadata().getName()));
        }
        reconcileToken(state);
    }

    private void remove(FederationMember member) {
        String nodeId = member.getSpec() == null ? null : member.getSpec().getNodeId();
        if (nodeId == null) {
            return;
        }
        byNodeId.computeIfPresent(
                nodeId,
                (id, state) ->
                        state.resource() != null
                                        && state.resource()
                                                .getMetadata()
                                                .getUid()
                                                .equals(member.getMetadata().getUid())
                                ? null
                                : state);
        String name = member.getMetadata().getName();
        tokenWorker.execute(
                () -> {
                    try {
                        tokens.withdraw(name);
                    } catch (RuntimeException e) {
                        LOG.warn("join token of deleted member {}: {}", name, e.getMessage());
                    }
                });
        LOG.info(
                "member {} (node {}) deleted: the node is refused from now on",
                member.getMetadata().getName(),
                nodeId);
    }

    /** Issues a token for a member that needs one, withdraws the token of a revoked member. */
    public void reconcileToken(MemberState state) {
        reconcileToken(state, 0);
    }

    private void reconcileToken(MemberState state, int attempt) {
        tokenWorker.execute(
                () -> {
                    FederationMember member = state.resource();
                    if (member == null
                            || member.getMetadata().getDeletionTimestamp() != null
                            || byNodeId.get(state.nodeId()) != state) {
                        return;
                    }
                    String name = member.getMetadata().getName();
                    try {
                        if (state.revoked() && tokens.entry(name) != null) {
                            tokens.withdraw(name);
                            LOG.info("member {} revoked: withdrew its join token", name);
                        } else if (!state.revoked()
                                && !state.enrolled()
                                && !state.enrolling()
                                && tokens.needsToken(member)) {
                            if (tokens.issue(member)) {
                                state.joinTokenExpiry(tokens.pendingExpiry(name));
                            } else if (attempt < HANDOUT_RETRIES) {
                                tokenWorker.schedule(
                                        () -> reconcileToken(state, attempt + 1),
                                        HANDOUT_RETRY_SECONDS,
                                        TimeUnit.SECONDS);
                            }
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("join token for member {}: {}", name, e.getMessage());
                    }
                });
    }

    private final class MemberHandler implements ResourceEventHandler<FederationMember> {
        @Override
        public void onAdd(FederationMember member) {
            upsert(member);
        }

        @Override
        public void onUpdate(FederationMember old, FederationMember member) {
            upsert(member);
        }

        @Override
        public void onDelete(FederationMember member, boolean deletedFinalStateUnknown) {
            remove(member);
        }
    }

    @Override
    public void close() {
        if (memberInformer != null) {
            memberInformer.close();
        }
        tokenWorker.shutdown();
        try {
            tokenWorker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
