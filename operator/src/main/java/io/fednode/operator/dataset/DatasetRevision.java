package io.fednode.operator.dataset;

import io.fednode.api.v1alpha1.AnonymisationOption;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What defines a dataset's content: the normalised source path and the effective profile options. A
 * change to either is a new revision (a new Job into a new folder); a change to anything else
 * (description, image, parallelism, resources) is not, so finished datasets are not re-run for it.
 */
public record DatasetRevision(String sourcePath, Set<AnonymisationOption> options) {

    public static DatasetRevision of(Dataset dataset, FederationNode node) {
        return new DatasetRevision(
                normalisedPath(dataset.getSpec().getSource().getPath()),
                effectiveOptions(dataset, node));
    }

    /** The Dataset's options when it sets them, else the node's defaults. */
    public static Set<AnonymisationOption> effectiveOptions(Dataset dataset, FederationNode node) {
        List<AnonymisationOption> chosen = dataset.getSpec().getOptions();
        if (chosen == null && node.getSpec().getAnonymisation() != null) {
            chosen = node.getSpec().getAnonymisation().getOptions();
        }
        Set<AnonymisationOption> options = EnumSet.noneOf(AnonymisationOption.class);
        if (chosen != null) {
            options.addAll(chosen);
        }
        return options;
    }

    /** Without "./" segments, empty segments or a trailing '/'; "." when it names the root. */
    public static String normalisedPath(String path) {
        String joined =
                java.util.Arrays.stream(path.split("/"))
                        .filter(s -> !s.isEmpty() && !s.equals("."))
                        .collect(Collectors.joining("/"));
        return joined.isEmpty() ? "." : joined;
    }

    /** A short, stable digest of the inputs (16 hex digits of SHA-256). */
    public String digest() {
        String canonical =
                "source.path="
                        + sourcePath
                        + "\noptions="
                        + options.stream()
                                .map(AnonymisationOption::cliName)
                                .collect(Collectors.joining(","));
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The revision these inputs get, given the current status: the same number when the digest is
     * unchanged, the next one otherwise (1 for a new Dataset).
     */
    public int numberAfter(DatasetStatus status) {
        if (status == null || status.getRevision() == null) {
            return 1;
        }
        return digest().equals(status.getRevisionDigest())
                ? status.getRevision()
                : status.getRevision() + 1;
    }

    public static String jobName(Dataset dataset, int revision) {
        return dataset.getMetadata().getName() + "-r" + revision;
    }

    /** This revision's folder, relative to the root of the anonymised volume. */
    public static String outputPath(Dataset dataset, int revision) {
        return dataset.getMetadata().getName() + "/r" + revision;
    }

    /** This revision's quarantine folder, relative to the root of the scratch volume. */
    public static String quarantinePath(Dataset dataset, int revision) {
        return "quarantine/" + dataset.getMetadata().getName() + "/r" + revision;
    }
}
