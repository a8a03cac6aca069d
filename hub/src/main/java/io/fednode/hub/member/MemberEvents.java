package io.fednode.hub.member;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.common.Conditions;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events on the hub's resources (FederationMembers, FederatedJobs) for the transitions a central
 * operator or a researcher should see.
 */
public final class MemberEvents {
    private static final Logger LOG = LoggerFactory.getLogger(MemberEvents.class);

    private final KubernetesClient client;

    public MemberEvents(KubernetesClient client) {
        this.client = client;
    }

    public void normal(HasMetadata member, String reason, String message) {
        emit(member, "Normal", reason, message);
    }

    public void warning(HasMetadata member, String reason, String message) {
        emit(member, "Warning", reason, message);
    }

    private void emit(HasMetadata member, String type, String reason, String message) {
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
                    "cannot record event {} on {} {}: {}",
                    reason,
                    member.getKind(),
                    member.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
