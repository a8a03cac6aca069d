package io.fednode.operator.common;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fednode.api.common.Conditions;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on fednode's resources, shown by {@code kubectl describe} and {@code kubectl
 * events}. Written only for transitions, never on a reconcile that changes nothing. A failure to
 * write one is logged, not fatal: events are a courtesy, the status is the contract. Each one is
 * also logged at INFO.
 */
public final class EventRecorder {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    static final String COMPONENT = OperatorIdentity.NAME;

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    private final String instance;

    public EventRecorder() {
        this.instance = OperatorIdentity.instance();
    }

    public void record(
            KubernetesClient client,
            HasMetadata about,
            String type,
            String reason,
            String message) {
        String now = Conditions.timestamp(Instant.now());
        var meta = about.getMetadata();
        var event =
                new EventBuilder()
                        .withNewMetadata()
                        .withName(
                                meta.getName()
                                        + "."
                                        + UUID.randomUUID()
                                                .toString()
                                                .replace("-", "")
                                                .substring(0, 16))
                        .withNamespace(meta.getNamespace())
                        .endMetadata()
                        .withNewInvolvedObject()
                        .withApiVersion(about.getApiVersion())
                        .withKind(about.getKind())
                        .withName(meta.getName())
                        .withNamespace(meta.getNamespace())
                        .withUid(meta.getUid())
                        .endInvolvedObject()
                        .withType(type)
                        .withReason(reason)
                        .withMessage(message)
                        .withCount(1)
                        .withFirstTimestamp(now)
                        .withLastTimestamp(now)
                        .withNewSource()
                        .withComponent(COMPONENT)
                        .endSource()
                        .withReportingComponent(COMPONENT)
                        .withReportingInstance(instance)
                        .build();
        // The same line in the log, which outlives the Event (the API server drops Events after an
        // hour). Messages are written for people and never carry secrets or input paths.
        LOG.info(
                "event {} {} on {} {}/{}: {}",
                type,
                reason,
                about.getKind(),
                meta.getNamespace(),
                meta.getName(),
                message);
        try {
            client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "could not record event {} on {}/{}: {}",
                    reason,
                    meta.getNamespace(),
                    meta.getName(),
                    e.getMessage());
        }
    }
}
