package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.RefusedClaimChange;
import io.fednode.operator.common.Labels;
import io.fednode.operator.common.VolumeKind;
import io.fednode.operator.common.WorkloadKind;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The objects a FederationNode owns, as one JOSDK workflow: one dependent per object (a claim per
 * volume kind, a ServiceAccount per workload kind, the pseudonymisation key, three
 * NetworkPolicies), each with its reconcile precondition. The workflow runs the dependents
 * concurrently; what each one wants is its pure {@code desired()}.
 *
 * <p>Preconditions: a ServiceAccount or NetworkPolicy the node's role and spec do not need is
 * deleted ({@link NodeDependent.Removable}); a claim is reconciled while its volume is declared and
 * the change the spec asks of it was not refused before, and is never deleted (claims are no {@code
 * Deleter}: data outlives configuration). A claim change the API server refuses is not a failed
 * reconcile but a state the status reports ({@link #act}).
 *
 * <p>The workflow is built here and invoked by the reconciler (after its pause and deletion checks)
 * rather than declared with {@code @Workflow}: JOSDK 5 rejects managed workflows on a controller
 * with {@code triggerReconcilerOnAllEvents}, which the reconciler needs to stop a deleted node's
 * hub link without a finalizer.
 */
final class NodeWorkflow {
    private final List<VolumeClaim> volumes =
            Arrays.stream(VolumeKind.values()).map(VolumeClaim::new).toList();
    private final List<WorkloadServiceAccount> serviceAccounts =
            Arrays.stream(WorkloadKind.values()).map(WorkloadServiceAccount::new).toList();
    private final PseudonymKeySecret pseudonymKey = new PseudonymKeySecret();
    private final List<NodeNetworkPolicy> networkPolicies =
            List.of(
                    new NodeNetworkPolicy.DefaultDeny(),
                    new NodeNetworkPolicy.DnsEgress(),
                    new NodeNetworkPolicy.FederationEgress());
    private final Workflow<FederationNode> workflow;

    NodeWorkflow() {
        WorkflowBuilder<FederationNode> builder =
                new WorkflowBuilder<FederationNode>().withThrowExceptionFurther(false);
        for (VolumeClaim volume : volumes) {
            builder.addDependentResourceAndConfigure(volume)
                    .withReconcilePrecondition(
                            when(
                                    (node, context) ->
                                            volume.requiredFor(node)
                                                    && volume.knownRefusal(node, context)
                                                            .isEmpty()));
        }
        for (NodeDependent<?> removable : removables()) {
            builder.addDependentResourceAndConfigure(removable)
                    .withReconcilePrecondition(
                            when((node, context) -> removable.requiredFor(node)));
        }
        builder.addDependentResource(pseudonymKey);
        this.workflow = builder.build();
    }

    private static Condition<Object, FederationNode> when(
            BiPredicate<FederationNode, Context<FederationNode>> test) {
        return (dependent, node, context) -> test.test(node, context);
    }

    private List<NodeDependent<?>> removables() {
        List<NodeDependent<?>> out = new ArrayList<>(serviceAccounts);
        out.addAll(networkPolicies);
        return out;
    }

    /** One informer per type, watching only objects this operator labelled as its own. */
    List<EventSource<?, FederationNode>> eventSources(EventSourceContext<FederationNode> context) {
        return List.of(
                sharedInformer(context, PersistentVolumeClaim.class, volumes),
                sharedInformer(context, ServiceAccount.class, serviceAccounts),
                sharedInformer(context, Secret.class, List.of(pseudonymKey)),
                sharedInformer(context, NetworkPolicy.class, networkPolicies));
    }

    private static <R extends HasMetadata> InformerEventSource<R, FederationNode> sharedInformer(
            EventSourceContext<FederationNode> context,
            Class<R> type,
            List<? extends NodeDependent<R>> dependents) {
        var config =
                InformerEventSourceConfiguration.from(type, FederationNode.class)
                        .withName(type.getSimpleName())
                        .withLabelSelector(Labels.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(Labels::primaryOf)
                        .build();
        InformerEventSource<R, FederationNode> source = new InformerEventSource<>(config, context);
        dependents.forEach(d -> d.setEventSource(source));
        return source;
    }

    /**
     * Act: reconciles the workflow. Returns the claim changes the API server refused, the ones the
     * status remembers and the spec still asks for and the ones refused now; any other error of a
     * dependent is thrown (the first, with the others suppressed) for JOSDK to retry.
     */
    List<RefusedClaimChange> act(FederationNode node, Context<FederationNode> context)
            throws Exception {
        List<RefusedClaimChange> refused = new ArrayList<>();
        for (VolumeClaim volume : volumes) {
            if (volume.requiredFor(node)) {
                volume.knownRefusal(node, context).ifPresent(refused::add);
            }
        }
        WorkflowReconcileResult result = workflow.reconcile(node, context);
        Exception failure = null;
        for (Map.Entry<DependentResource, Exception> error :
                result.getErroredDependents().entrySet()) {
            Optional<RefusedClaimChange> refusal =
                    error.getKey() instanceof VolumeClaim volume
                            ? volume.refusal(node, context, error.getValue())
                            : Optional.empty();
            if (refusal.isPresent()) {
                refused.add(refusal.get());
            } else if (failure == null) {
                failure = error.getValue();
            } else {
                failure.addSuppressed(error.getValue());
            }
        }
        if (failure != null) {
            throw failure;
        }
        return refused;
    }

    /**
     * Observe: what the cluster holds for the node, read from the framework's caches (which hold
     * this reconcile's own writes), with the refusals {@link #act} returned.
     */
    NodeObservation observe(
            FederationNode node,
            Context<FederationNode> context,
            List<RefusedClaimChange> refused) {
        List<VolumeAssessment> volumeStates = new ArrayList<>();
        for (VolumeClaim volume : volumes) {
            if (!volume.requiredFor(node)) {
                continue;
            }
            String claimName = volume.objectName(node);
            String rejection =
                    refused.stream()
                            .filter(r -> claimName.equals(r.getClaim()))
                            .map(RefusedClaimChange::getMessage)
                            .findFirst()
                            .orElse(null);
            volumeStates.add(
                    VolumeAssessment.of(
                            volume.kind(),
                            volume.kind().declaredIn(node.getSpec()),
                            claimName,
                            volume.claim(node, context).orElse(null),
                            rejection));
        }
        Secret key = pseudonymKey.found(node, context).orElse(null);
        List<String> policiesInPlace = new ArrayList<>();
        List<String> policiesMissing = new ArrayList<>();
        for (NodeNetworkPolicy policy : networkPolicies) {
            if (policy.requiredFor(node)) {
                (policy.getSecondaryResource(node, context).isPresent()
                                ? policiesInPlace
                                : policiesMissing)
                        .add(policy.objectName(node));
            }
        }
        return new NodeObservation(
                volumeStates,
                PseudonymKeySecret.problem(key),
                key != null && !PseudonymKeySecret.createdByOperator(key),
                policiesInPlace,
                policiesMissing,
                new NodeNetworkPolicy.FederationEgress().requiredFor(node),
                refused);
    }
}
