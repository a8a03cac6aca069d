package io.fednode.operator.federatedjob;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetSpec;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederatedJobAcceptance;
import io.fednode.api.v1alpha1.FederatedJobPolicy;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.fixtures.FederationNodes;
import java.util.List;

/** Offers as the hub sends them, and a hybrid node that accepts federated jobs automatically. */
final class Offers {
    static final String NS = "hospital";
    static final String UID = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
    static final String DIGEST = "0123456789abcdef".repeat(4);
    static final String IMAGE = "registry.example.org/fl/trainer@sha256:" + DIGEST;
    static final ObjectMapper JSON = new ObjectMapper();

    private Offers() {}

    /** The wire form of a Train job on dataset ct-scans, 1 GPU, 2h, aggregator 203.0.113.10. */
    static ObjectNode json() {
        try {
            return (ObjectNode)
                    JSON.readTree(
                            """
                            {"uid": "%s", "generation": 1, "name": "research/lung-nodules",
                             "type": "Train", "submitter": "alice@example.org", "image": "%s",
                             "command": ["python", "-m", "client"], "args": ["--rounds", "3"],
                             "env": [{"name": "ROUNDS", "value": "3"}], "gpus": 1,
                             "maxRuntime": "2h", "datasets": ["ct-scans"],
                             "aggregator": {"endpoint": "https://203.0.113.10:9092"},
                             "results": {"maxBytes": 4096, "allowedMetrics": []},
                             "acceptBy": "2026-12-02T20:00:00Z", "someFutureField": 7}
                            """
                                    .formatted(UID, IMAGE));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JobOffer offer() {
        return parse(json());
    }

    static JobOffer parse(ObjectNode o) {
        try {
            return JobOffer.parse(o);
        } catch (JobOffer.Invalid e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    static FederationNode node(FederatedJobAcceptance accept) {
        FederationNode node =
                FederationNodes.node(NS, "hospital-a")
                        .uid("node-uid")
                        .role(NodeRole.HYBRID)
                        .storage("10Gi", "10Gi", "1Gi")
                        .gpus(4, 2)
                        .allowedImages("registry.example.org/fl/")
                        .requireDigest()
                        .compute(c -> c.setMaxRuntime("24h"))
                        .egress("203.0.113.0/24")
                        .condition("Ready", "True", "Test", "test")
                        .build();
        FederatedJobPolicy policy = new FederatedJobPolicy();
        policy.setAccept(accept);
        node.getSpec().setFederatedJobs(policy);
        return node;
    }

    static Dataset dataset(String name, String node, boolean ready) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        DatasetSpec spec = new DatasetSpec();
        spec.setNodeRef(node);
        dataset.setSpec(spec);
        DatasetStatus status = new DatasetStatus();
        status.setRevision(1);
        if (ready) {
            status.setOutputPath(name + "/r1");
        }
        status.setConditions(
                List.of(
                        new ConditionBuilder()
                                .withType("Ready")
                                .withStatus(ready ? "True" : "False")
                                .withReason("Test")
                                .withMessage("test")
                                .build()));
        dataset.setStatus(status);
        return dataset;
    }
}
