package io.fednode.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Observed state of a Dataset: its current revision, the anonymiser's counts, conditions. */
public class DatasetStatus {
    /** The spec generation this status describes. */
    private Long observedGeneration;

    /**
     * The version of the operator that last reconciled this resource (set with every status it
     * writes); after an upgrade it moves to the new version as the resource is rolled forward.
     */
    private String operatorVersion;

    /**
     * Increases by one whenever the inputs of the anonymisation (source path, effective options)
     * change; each revision is anonymised by its own Job into its own folder.
     */
    private Integer revision;

    /** Digest of the inputs of {@link #revision}; a different digest starts a new revision. */
    private String revisionDigest;

    /** The Job of the current revision. */
    private String jobName;

    /**
     * Where the current revision's files are, relative to the root of the node's anonymised volume
     * ({@code <dataset>/r<revision>}).
     */
    private String outputPath;

    /** Files of the current revision, from the anonymiser's report. */
    private DatasetFiles files;

    /** Bytes read and written by the current revision, from the anonymiser's report. */
    private DatasetBytes bytes;

    /** Quarantined files by reason (e.g. {@code unsupported-transfer-syntax}: 3). */
    private Map<String, Long> quarantineReasons;

    /** When the current revision's Job started (RFC 3339). */
    private String startTime;

    /** When the current revision's Job completed (RFC 3339). */
    private String completionTime;

    /** Pod attempts of the current revision's Job that failed. */
    private Integer failedAttempts;

    /** Ready (summary), Reconciling, Stalled, Failed. */
    private List<Condition> conditions = new ArrayList<>();

    public String getOperatorVersion() {
        return operatorVersion;
    }

    public void setOperatorVersion(String operatorVersion) {
        this.operatorVersion = operatorVersion;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Integer getRevision() {
        return revision;
    }

    public void setRevision(Integer revision) {
        this.revision = revision;
    }

    public String getRevisionDigest() {
        return revisionDigest;
    }

    public void setRevisionDigest(String revisionDigest) {
        this.revisionDigest = revisionDigest;
    }

    public String getJobName() {
        return jobName;
    }

    public void setJobName(String jobName) {
        this.jobName = jobName;
    }

    public String getOutputPath() {
        return outputPath;
    }

    public void setOutputPath(String outputPath) {
        this.outputPath = outputPath;
    }

    public DatasetFiles getFiles() {
        return files;
    }

    public void setFiles(DatasetFiles files) {
        this.files = files;
    }

    public DatasetBytes getBytes() {
        return bytes;
    }

    public void setBytes(DatasetBytes bytes) {
        this.bytes = bytes;
    }

    public Map<String, Long> getQuarantineReasons() {
        return quarantineReasons;
    }

    public void setQuarantineReasons(Map<String, Long> quarantineReasons) {
        this.quarantineReasons =
                quarantineReasons == null ? null : new TreeMap<>(quarantineReasons);
    }

    public String getStartTime() {
        return startTime;
    }

    public void setStartTime(String startTime) {
        this.startTime = startTime;
    }

    public String getCompletionTime() {
        return completionTime;
    }

    public void setCompletionTime(String completionTime) {
        this.completionTime = completionTime;
    }

    public Integer getFailedAttempts() {
        return failedAttempts;
    }

    public void setFailedAttempts(Integer failedAttempts) {
        this.failedAttempts = failedAttempts;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatasetStatus s
                && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(operatorVersion, s.operatorVersion)
                && Objects.equals(revision, s.revision)
                && Objects.equals(revisionDigest, s.revisionDigest)
                && Objects.equals(jobName, s.jobName)
                && Objects.equals(outputPath, s.outputPath)
                && Objects.equals(files, s.files)
                && Objects.equals(bytes, s.bytes)
                && Objects.equals(quarantineReasons, s.quarantineReasons)
                && Objects.equals(startTime, s.startTime)
                && Objects.equals(completionTime, s.completionTime)
                && Objects.equals(failedAttempts, s.failedAttempts)
                && Objects.equals(conditions, s.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                observedGeneration, operatorVersion, revision, jobName, files, conditions);
    }

    /** File counts of one anonymisation run: seen = written + quarantined. */
    public static class DatasetFiles {
        /** Regular files found under the source path. */
        private Long seen;

        /** De-identified files in the output folder. */
        private Long written;

        /** Files the anonymiser could not de-identify safely, copied to quarantine. */
        private Long quarantined;

        public DatasetFiles() {}

        public DatasetFiles(Long seen, Long written, Long quarantined) {
            this.seen = seen;
            this.written = written;
            this.quarantined = quarantined;
        }

        public Long getSeen() {
            return seen;
        }

        public void setSeen(Long seen) {
            this.seen = seen;
        }

        public Long getWritten() {
            return written;
        }

        public void setWritten(Long written) {
            this.written = written;
        }

        public Long getQuarantined() {
            return quarantined;
        }

        public void setQuarantined(Long quarantined) {
            this.quarantined = quarantined;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DatasetFiles f
                    && Objects.equals(seen, f.seen)
                    && Objects.equals(written, f.written)
                    && Objects.equals(quarantined, f.quarantined);
        }

        @Override
        public int hashCode() {
            return Objects.hash(seen, written, quarantined);
        }
    }

    /** Bytes of one anonymisation run. */
    public static class DatasetBytes {
        /** Bytes read from the source. */
        private Long read;

        /** Bytes of the de-identified files written. */
        private Long written;

        public DatasetBytes() {}

        public DatasetBytes(Long read, Long written) {
            this.read = read;
            this.written = written;
        }

        public Long getRead() {
            return read;
        }

        public void setRead(Long read) {
            this.read = read;
        }

        public Long getWritten() {
            return written;
        }

        public void setWritten(Long written) {
            this.written = written;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DatasetBytes b
                    && Objects.equals(read, b.read)
                    && Objects.equals(written, b.written);
        }

        @Override
        public int hashCode() {
            return Objects.hash(read, written);
        }
    }
}
