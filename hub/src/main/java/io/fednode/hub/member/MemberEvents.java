package io.fednode.hub.member;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.common.Conditions;
import io.fednode.api.v1alpha1.FederationMember;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Events on FederationMembers for the transitions a central operator should see. */
public final class MemberEvents {
    private static final Logger LOG = LoggerFactory.getLogger(MemberEvents.class);

    private final KubernetesClient client;

    public MemberEvents(KubernetesClient client) {
        this.client = client;
    }

    public void normal(FederationMember member, String reason, String message) {
        emit(member, "Normal", reason, message);
    }

    public void warning(FederationMember member, String reason, String message) {
        emit(member, "Warning", reason, message);
    }

    private void emit(FederationMember member, String type, String reason, String message) {
        String now = Conditions.timestamp(Instant.now());
        try {
            client.v1()
                    .events()
                    .inNamespace(member.getMetadata().getNamespace())
                    .resource(
                            new EventBuilder()
                                    .withNewMetadata()
                                    .withGenerateName(member.getMetadata().getName() + ".")
                                    .withNamespace(member.getMetadata().getNamespace())
                                    .endMetadata()
                                    .withNewInvolvedObject()
                                    .withApiVersion(member.getApiVersion())
                                    .withKind(member.getKind())
                                    .withName(member.getMetadata().getName())
                                    .withNamespace(member.getMetadata().getNamespace())
                                    .withUid(member.getMetadata().getUid())
                                    .endInvolvedObject()
                                    .withType(type)
                                    .withReason(reason)
                                    .withMessage(message)
                                    .withFirstTimestamp(now)
                                    .withLastTimestamp(now)
                                    .withCount(1)
                                    .withNewSource()
                                    .withComponent("fednode-hub")
                                    .endSource()
                                    .withReportingComponent("fednode.io/hub")
                                    .build())
                    .create();
        } catch (RuntimeException e) {
            LOG.warn(
                    "cannot record event {} on member {}: {}",
                    reason,
                    member.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
