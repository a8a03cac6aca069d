package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.common.Labels;
import io.fednode.operator.common.WorkloadKind;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The ServiceAccount of one {@link WorkloadKind}. Workloads never talk to the Kubernetes API, so no
 * token is mounted; the account exists so Pods do not run as {@code default} and can be told apart.
 */
public class WorkloadServiceAccount extends NodeDependent.Removable<ServiceAccount> {
    private final WorkloadKind workload;

    public WorkloadServiceAccount(WorkloadKind workload) {
        super(ServiceAccount.class, "serviceaccount-" + workload.label());
        this.workload = workload;
    }

    @Override
    boolean requiredFor(FederationNode node) {
        return workload.runsOn(node.getSpec().getRole());
    }

    @Override
    String objectName(FederationNode node) {
        return workload.serviceAccountName(node.getMetadata().getName());
    }

    @Override
    protected ServiceAccount desired(FederationNode node, Context<FederationNode> context) {
        return desired(workload, node);
    }

    public static ServiceAccount desired(WorkloadKind workload, FederationNode node) {
        return new ServiceAccountBuilder()
                .withMetadata(
                        Labels.metadata(
                                node,
                                workload.serviceAccountName(node.getMetadata().getName()),
                                "workload-" + workload.label(),
                                true))
                .withAutomountServiceAccountToken(false)
                .build();
    }
}
