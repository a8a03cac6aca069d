package io.fednode.operator.training;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fednode.api.v1alpha1.AggregatorSpec;
import io.fednode.api.v1alpha1.Dataset;
import io.fednode.api.v1alpha1.DatasetSpec;
import io.fednode.api.v1alpha1.DatasetStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.api.v1alpha1.NodeRole;
import io.fednode.api.v1alpha1.TrainingRun;
import io.fednode.api.v1alpha1.TrainingRunSpec;
import io.fednode.fixtures.FederationNodes;
import java.util.List;
import java.util.Map;

/** A Ready hybrid node with a compute policy, and runs and datasets that fit it. */
final class Fixtures {
    static final String NS = "hospital";
    static final String DIGEST = "0123456789abcdef".repeat(4);
    static final String IMAGE = "registry.example.org/fl/trainer@sha256:" + DIGEST;

    private Fixtures() {}

    static FederationNode node() {
        return FederationNodes.node(NS, "hospital-a")
                .uid("node-uid")
                .role(NodeRole.HYBRID)
                .storage("10Gi", "10Gi", "1Gi")
                .gpus(4, 2)
                .allowedImages("registry.example.org/fl/")
                .requireDigest()
                .compute(
                        compute -> {
                            compute.setRuntimeClassName("nvidia");
                            compute.setNodeSelector(Map.of("fednode.io/test-gpu", "true"));
                            compute.setTolerations(
                                    List.of(
                                            new TolerationBuilder()
                                                    .withKey("nvidia.com/gpu")
                                                    .withOperator("Exists")
                                                    .withEffect("NoSchedule")
                                                    .build()));
                            compute.setMaxRuntime("24h");
                            compute.setDefaultResources(
                                    new ResourceRequirementsBuilder()
                                            .addToRequests("cpu", new Quantity("1"))
                                            .addToRequests("memory", new Quantity("4Gi"))
                                            .addToLimits("memory", new Quantity("8Gi"))
                                            .build());
                        })
                .egress("203.0.113.0/24", "198.51.100.7/32")
                .condition("Ready", "True", "Test", "test")
                .build();
    }

    static TrainingRun run(String name) {
        TrainingRun run = new TrainingRun();
        run.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(NS)
                        .withUid(name + "-uid")
                        .withGeneration(1L)
                        .withCreationTimestamp("2026-11-26T10:00:00Z")
                        .build());
        TrainingRunSpec spec = new TrainingRunSpec();
        spec.setNodeRef("hospital-a");
        spec.setImage(IMAGE);
        spec.setGpus(2);
        spec.setAggregator(new AggregatorSpec("https://203.0.113.10:9092"));
        run.setSpec(spec);
        return run;
    }

    static Dataset dataset(String name, String node, boolean ready) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        DatasetSpec spec = new DatasetSpec();
        spec.setNodeRef(node);
        dataset.setSpec(spec);
        DatasetStatus status = new DatasetStatus();
        status.setRevision(3);
        if (ready) {
            status.setOutputPath(name + "/r3");
        }
        status.setConditions(List.of(condition("Ready", ready ? "True" : "False")));
        dataset.setStatus(status);
        return dataset;
    }

    static io.fabric8.kubernetes.api.model.Condition condition(String type, String status) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason("Test")
                .withMessage("test")
                .build();
    }
}
