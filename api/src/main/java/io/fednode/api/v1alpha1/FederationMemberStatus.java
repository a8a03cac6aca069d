package io.fednode.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the hub knows about a member, from its enrolment and its heartbeats. */
public class FederationMemberStatus {
    /** The spec generation this status describes. */
    private Long observedGeneration;

    /** Ready (summary), Enrolled, Available. */
    private List<Condition> conditions = new ArrayList<>();

    /** When the hub last heard from the node (RFC 3339; refreshed slowly, not every beat). */
    private String lastHeartbeat;

    /** Seconds between the node's heartbeats, as the node reports it. */
    private Integer heartbeatIntervalSeconds;

    /** fednode version the node runs. */
    private String version;

    /** Role the node reports for itself. */
    private NodeRole role;

    /** GPUs of the node. */
    private MemberGpus gpus;

    /** Datasets the node reports (metadata only). */
    private MemberDatasets datasets;

    /** The node's current client certificate. */
    private MemberCertificate certificate;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public String getLastHeartbeat() {
        return lastHeartbeat;
    }

    public void setLastHeartbeat(String lastHeartbeat) {
        this.lastHeartbeat = lastHeartbeat;
    }

    public Integer getHeartbeatIntervalSeconds() {
        return heartbeatIntervalSeconds;
    }

    public void setHeartbeatIntervalSeconds(Integer heartbeatIntervalSeconds) {
        this.heartbeatIntervalSeconds = heartbeatIntervalSeconds;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public NodeRole getRole() {
        return role;
    }

    public void setRole(NodeRole role) {
        this.role = role;
    }

    public MemberGpus getGpus() {
        return gpus;
    }

    public void setGpus(MemberGpus gpus) {
        this.gpus = gpus;
    }

    public MemberDatasets getDatasets() {
        return datasets;
    }

    public void setDatasets(MemberDatasets datasets) {
        this.datasets = datasets;
    }

    public MemberCertificate getCertificate() {
        return certificate;
    }

    public void setCertificate(MemberCertificate certificate) {
        this.certificate = certificate;
    }

    /** GPU capacity and use reported by the node. */
    public static class MemberGpus {
        /** GPUs the node's cluster offers to training. */
        private Integer capacity;

        /** GPUs in use by training runs. */
        private Integer allocated;

        public MemberGpus() {}

        public MemberGpus(Integer capacity, Integer allocated) {
            this.capacity = capacity;
            this.allocated = allocated;
        }

        public Integer getCapacity() {
            return capacity;
        }

        public void setCapacity(Integer capacity) {
            this.capacity = capacity;
        }

        public Integer getAllocated() {
            return allocated;
        }

        public void setAllocated(Integer allocated) {
            this.allocated = allocated;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MemberGpus g
                    && Objects.equals(capacity, g.capacity)
                    && Objects.equals(allocated, g.allocated);
        }

        @Override
        public int hashCode() {
            return Objects.hash(capacity, allocated);
        }
    }

    /** Summary of the node's datasets: never images or patient data. */
    public static class MemberDatasets {
        /** Number of datasets. */
        private Integer count;

        /** Number of anonymised files over all datasets. */
        private Long files;

        /** Bytes over all datasets. */
        private Long bytes;

        /** Dataset names (at most 100). */
        private List<String> names = new ArrayList<>();

        public Integer getCount() {
            return count;
        }

        public void setCount(Integer count) {
            this.count = count;
        }

        public Long getFiles() {
            return files;
        }

        public void setFiles(Long files) {
            this.files = files;
        }

        public Long getBytes() {
            return bytes;
        }

        public void setBytes(Long bytes) {
            this.bytes = bytes;
        }

        public List<String> getNames() {
            return names;
        }

        public void setNames(List<String> names) {
            this.names = names;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MemberDatasets d
                    && Objects.equals(count, d.count)
                    && Objects.equals(files, d.files)
                    && Objects.equals(bytes, d.bytes)
                    && Objects.equals(names, d.names);
        }

        @Override
        public int hashCode() {
            return Objects.hash(count, files, bytes, names);
        }
    }

    /** The client certificate the hub last issued to the node. */
    public static class MemberCertificate {
        /** Serial number (hex) of the current certificate. */
        private String serialNumber;

        /** Serial number (hex) of the certificate it replaced; accepted until it expires. */
        private String previousSerialNumber;

        /** When the current certificate expires (RFC 3339). */
        private String notAfter;

        /** When the previous certificate expires (RFC 3339). */
        private String previousNotAfter;

        public String getSerialNumber() {
            return serialNumber;
        }

        public void setSerialNumber(String serialNumber) {
            this.serialNumber = serialNumber;
        }

        public String getPreviousSerialNumber() {
            return previousSerialNumber;
        }

        public void setPreviousSerialNumber(String previousSerialNumber) {
            this.previousSerialNumber = previousSerialNumber;
        }

        public String getNotAfter() {
            return notAfter;
        }

        public void setNotAfter(String notAfter) {
            this.notAfter = notAfter;
        }

        public String getPreviousNotAfter() {
            return previousNotAfter;
        }

        public void setPreviousNotAfter(String previousNotAfter) {
            this.previousNotAfter = previousNotAfter;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MemberCertificate c
                    && Objects.equals(serialNumber, c.serialNumber)
                    && Objects.equals(previousSerialNumber, c.previousSerialNumber)
                    && Objects.equals(notAfter, c.notAfter)
                    && Objects.equals(previousNotAfter, c.previousNotAfter);
        }

        @Override
        public int hashCode() {
            return Objects.hash(serialNumber, previousSerialNumber, notAfter, previousNotAfter);
        }
    }
}
