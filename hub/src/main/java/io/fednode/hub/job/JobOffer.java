package io.fednode.hub.job;

import io.fednode.api.v1alpha1.FederatedJob;
import io.fednode.api.v1alpha1.FederatedJobResultLimits;
import io.fednode.api.v1alpha1.FederatedJobSpec;
import io.fednode.api.v1alpha1.TrainingEnvVar;
import java.time.Instant;
import java.util.List;

/** The answer of {@code POST /api/v1/jobs/fetch}: what a node needs to decide and to run. */
public record JobOffer(
        String uid,
        long generation,
        String name,
        String type,
        String submitter,
        String image,
        List<String> command,
        List<String> args,
        List<Env> env,
        int gpus,
        String maxRuntime,
        List<String> datasets,
        Aggregator aggregator,
        Results results,
        String acceptBy) {

    public record Env(String name, String value) {}

    public record Aggregator(String endpoint) {}

    public record Results(int maxBytes, List<String> allowedMetrics) {}

    /** The fetch request body. */
    public record FetchRequest(String uid) {}

    static JobOffer of(FederatedJob job, Instant acceptBy) {
        FederatedJobSpec s = job.getSpec();
        FederatedJobResultLimits r = s.getResults();
        List<Env> env =
                s.getEnv() == null
                        ? List.of()
                        : s.getEnv().stream()
                                .map((TrainingEnvVar e) -> new Env(e.getName(), e.getValue()))
                                .toList();
        return new JobOffer(
                job.getMetadata().getUid(),
                job.getMetadata().getGeneration(),
                job.getMetadata().getNamespace() + "/" + job.getMetadata().getName(),
                s.getType().name(),
                s.getSubmitter(),
                s.getImage(),
                s.getCommand() == null ? List.of() : s.getCommand(),
                s.getArgs() == null ? List.of() : s.getArgs(),
                env,
                s.getGpus() == null ? 0 : s.getGpus(),
                s.getMaxRuntime() == null ? "1h" : s.getMaxRuntime(),
                s.getDatasets() == null ? List.of() : s.getDatasets(),
                s.getAggregator() == null ? null : new Aggregator(s.getAggregator().getEndpoint()),
                new Results(
                        r == null || r.getMaxBytes() == null ? 4096 : r.getMaxBytes(),
                        r == null || r.getAllowedMetrics() == null
                                ? List.of()
                                : r.getAllowedMetrics()),
                acceptBy.toString());
    }
}
