package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fednode.api.v1alpha1.DeletionPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.FederationNodeConditions.Reasons;
import io.fednode.operator.common.EventRecorder;
import io.fednode.operator.common.Labels;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The node's pseudonymisation key: {@value #KEY_BYTES} random bytes generated in the operator
 * (inside the cluster) when the Secret does not exist, then never rotated or overwritten. The
 * Secret is created {@code immutable}, its data is written once by a plain create (no server-side
 * apply owns it, so no later apply can change it), and later reconciles apply its labels and owner
 * reference only. A Secret of that name the operator did not create (a key brought by the user) is
 * left exactly as it is.
 *
 * <p>Like the volumes, the key follows {@code deletionPolicy}: datasets anonymised with it stay
 * linkable to later ones only as long as the key survives.
 */
public class PseudonymKeySecret extends NodeDependent<Secret> {
    public static final String KEY = "key";
    public static final int KEY_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Key of the Secret created or found by name in the reconcile's context. */
    private static final String FOUND = PseudonymKeySecret.class.getName() + ".found";

    public PseudonymKeySecret() {
        super(Secret.class, "pseudonym-key");
    }

    public static String name(FederationNode node) {
        return node.getMetadata().getName() + "-pseudonym-key";
    }

    @Override
    boolean requiredFor(FederationNode node) {
        return true;
    }

    @Override
    String objectName(FederationNode node) {
        return name(node);
    }

    /** Metadata only: the key material is added at creation and nowhere else. */
    @Override
    protected Secret desired(FederationNode node, Context<FederationNode> context) {
        return desired(node);
    }

    public static Secret desired(FederationNode node) {
        return new SecretBuilder()
                .withMetadata(
                        Labels.metadata(
                                node,
                                name(node),
                                "pseudonym-key",
                                node.getSpec().getDeletionPolicy() == DeletionPolicy.Delete))
                .build();
    }

    /**
     * Generates the key, unless a Secret of that name exists already (a key the user brought, which
     * the label-filtered informer does not show): that one is returned as it is. Either way the
     * Secret is left in the reconcile's context for {@link #found}.
     */
    @Override
    public Secret create(Secret desired, FederationNode node, Context<FederationNode> context) {
        var secrets =
                context.getClient()
                        .secrets()
                        .inNamespace(node.getMetadata().getNamespace())
                        .withName(name(node));
        Secret existing = secrets.get();
        if (existing != null) {
            return found(context, existing);
        }
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        Secret withKey =
                new SecretBuilder(desired)
                        .withType("Opaque")
                        .withImmutable(true)
                        .withData(Map.of(KEY, Base64.getEncoder().encodeToString(key)))
                        .build();
        Secret created = context.getClient().resource(withKey).create();
        EVENTS.record(
                context.getClient(),
                node,
                EventRecorder.NORMAL,
                Reasons.PSEUDONYM_KEY_GENERATED,
                "generated a "
                        + KEY_BYTES
                        + "-byte pseudonymisation key in Secret "
                        + name(node)
                        + "; it is never rotated or overwritten");
        return found(context, created);
    }

    private static Secret found(Context<FederationNode> context, Secret secret) {
        context.managedWorkflowAndDependentResourceContext().put(FOUND, secret);
        return secret;
    }

    /**
     * The node's key Secret as this reconcile saw it: the one it created or found by name, else the
     * one in the informer's cache; empty if there is none.
     */
    Optional<Secret> found(FederationNode node, Context<FederationNode> context) {
        return context.managedWorkflowAndDependentResourceContext()
                .get(FOUND, Secret.class)
                .or(() -> getSecondaryResource(node, context));
    }

    @Override
    public Secret update(
            Secret actual, Secret desired, FederationNode node, Context<FederationNode> context) {
        return context.getClient()
                .resource(desired)
                .fieldManager(context.getControllerConfiguration().fieldManager())
                .forceConflicts()
                .serverSideApply();
    }

    @Override
    Result<Secret> matchDesired(
            Secret actual, FederationNode node, Context<FederationNode> context) {
        Secret desired = desired(node);
        return Result.computed(
                !createdByOperator(actual) || metadataMatches(actual, desired), desired);
    }

    static boolean createdByOperator(Secret secret) {
        var labels = secret.getMetadata().getLabels();
        return labels != null && Labels.MANAGER.equals(labels.get(Labels.MANAGED_BY));
    }

    /**
     * Null when the Secret holds a usable key, else what is wrong with it (never the key itself).
     */
    public static String problem(Secret secret) {
        if (secret == null) {
            return "Secret has not been created yet";
        }
        String encoded = secret.getData() == null ? null : secret.getData().get(KEY);
        if (encoded == null) {
            return "Secret " + secret.getMetadata().getName() + " has no data key '" + KEY + "'";
        }
        int length;
        try {
            length = Base64.getDecoder().decode(encoded).length;
        } catch (IllegalArgumentException e) {
            length = 0;
        }
        if (length < KEY_BYTES) {
            return "Secret "
                    + secret.getMetadata().getName()
                    + " key '"
                    + KEY
                    + "' must hold at least "
                    + KEY_BYTES
                    + " bytes";
        }
        return null;
    }
}
