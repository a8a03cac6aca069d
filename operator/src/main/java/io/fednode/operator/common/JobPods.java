package io.fednode.operator.common;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * The Pods of one of the operator's Jobs, read from the API server when a reconcile needs them (an
 * anonymiser's report in its termination message, a training Pod's node). Pods are deliberately not
 * watched: an informer on Pods would cache every Pod of every watched namespace, the hospital's own
 * workloads included, for two reads per Job.
 */
public final class JobPods {
    /** The label the Job controller puts on its Pods. */
    public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

    private JobPods() {}

    public static List<Pod> of(KubernetesClient client, Job job) {
        return client.pods()
                .inNamespace(job.getMetadata().getNamespace())
                .withLabel(JOB_NAME_LABEL, job.getMetadata().getName())
                .list()
                .getItems();
    }
}
