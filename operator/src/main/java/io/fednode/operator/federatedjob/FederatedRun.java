package io.fednode.operator.federatedjob;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.TrainingEnvVar;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunSpec;
import io.fednode.operator.common.FederatedJobLabels;
import io.fednode.operator.common.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The TrainingRun an accepted federated job becomes on this node: a pure function of the offer and
 * the node. Its name is derived from the job's uid alone (plus its name, for people), so creating
 * it again after a restart or a reconnect finds the run that exists instead of making a second.
 */
public final class FederatedRun {
    static final int MAX_NAME = 63;

    private FederatedRun() {}

    /**
     * {@code fj-<first 8 characters of the uid>-<node name>-<job name>}, at most 63, a DNS label.
     * The node's name is part of it because two FederationNodes may share a namespace: each must
     * run (and report) a job on its own run, never take over the other's.
     */
    public static String name(String uid, String nodeName, String jobName) {
        String prefix =
                "fj-"
                        + sanitise(uid.replace("-", ""))
                                .substring(0, Math.min(8, uid.replace("-", "").length()));
        String shortName = jobName.substring(jobName.indexOf('/') + 1);
        String name = prefix + "-" + sanitise(nodeName) + "-" + sanitise(shortName);
        if (name.length() > MAX_NAME) {
            name = name.substring(0, MAX_NAME);
        }
        return trimDashes(name);
    }

    /** The job's name as a label value (at most 63, alphanumeric ends). */
    static String labelValue(String jobName) {
        String v = jobName.replace('/', '.');
        v = v.replaceAll("[^A-Za-z0-9._-]", "-");
        if (v.length() > 63) {
            v = v.substring(0, 63);
        }
        return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }

    public static TrainingRun desired(JobOffer offer, FederationNode node) {
        TrainingRun run = new TrainingRun();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.PART_OF, "fednode");
        labels.put(FederatedJobLabels.UID, offer.uid());
        labels.put(FederatedJobLabels.JOB, labelValue(offer.name()));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(FederatedJobLabels.ORIGIN, offer.name());
        annotations.put(FederatedJobLabels.GENERATION, Long.toString(offer.generation()));
        annotations.put(FederatedJobLabels.SUBMITTER, offer.submitter());
        annotations.put(FederatedJobLabels.TYPE, offer.type());
        run.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name(offer.uid(), node.getMetadata().getName(), offer.name()))
                        .withNamespace(node.getMetadata().getNamespace())
                        .withLabels(labels)
                        .withAnnotations(annotations)
                        .build());
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setNodeRef(node.getMetadata().getName());
        spec.setImage(offer.image());
        spec.setCommand(offer.command().isEmpty() ? null : new ArrayList<>(offer.command()));
        spec.setArgs(offer.args().isEmpty() ? null : new ArrayList<>(offer.args()));
        spec.setEnv(
                offer.env().isEmpty()
                        ? null
                        : new ArrayList<>(
                                offer.env().stream()
                                        .map(e -> new TrainingEnvVar(e.getName(), e.getValue()))
                                        .toList()));
        spec.setGpus(offer.gpus());
        spec.setMaxRuntime(offer.maxRuntime());
        spec.setDatasets(offer.datasets().isEmpty() ? null : new ArrayList<>(offer.datasets()));
        spec.setAggregator(
                offer.aggregator() == null ? null : new AggregatorSpec(offer.aggregator()));
        run.setSpec(spec);
        return run;
    }

    private static String sanitise(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }

    private static String trimDashes(String s) {
        return s.replaceAll("-+$", "");
    }
}
