package io.fednode.operator.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;

/**
 * How a TrainingRun created for a federated job (issue 12) is marked: by the job's uid and name
 * (labels, for selection) and its origin, generation, submitter and type (annotations, verbatim).
 * The training Job builder gives only such runs the federated-job environment and results file.
 */
public final class FederatedJobLabels {
    /** The FederatedJob's uid at the hub. */
    public static final String UID = "fednode.io/federated-job-uid";

    /** The FederatedJob's name, sanitised to a label value. */
    public static final String JOB = "fednode.io/federated-job";

    /** The FederatedJob at the hub, namespace/name. */
    public static final String ORIGIN = "fednode.io/federated-job-origin";

    /** The FederatedJob's generation the run is for. */
    public static final String GENERATION = "fednode.io/federated-job-generation";

    /** Who submitted the job (hub user name). */
    public static final String SUBMITTER = "fednode.io/federated-job-submitter";

    /** Train or Evaluate. */
    public static final String TYPE = "fednode.io/federated-job-type";

    private FederatedJobLabels() {}

    /** Whether the object is the run of a federated job. */
    public static boolean isFederated(HasMetadata object) {
        return uid(object) != null;
    }

    /** The federated job's uid of the object, or null. */
    public static String uid(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? null : labels.get(UID);
    }

    /** An annotation of the object, or null. */
    public static String annotation(HasMetadata object, String key) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
