package io.fednode.api.crd;

import static io.fednode.testing.ApiRejections.INVALID;
import static io.fednode.testing.ApiRejections.assertCreateRejected;
import static io.fednode.testing.ApiRejections.specOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fednode.testing.RealApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CRD upgrade a release makes, on a real kube-apiserver: the last release's CRDs ({@code
 * api/crd-baseline/v0.1.0}) are installed, objects are stored under them, and the new CRDs ({@code
 * crds/}) are applied server-side over them, as docs/upgrade.md tells a site to. The new CRDs add
 * fields ({@code spec.components}, {@code status.operatorVersion}) and validation rules (a
 * component's version must be pinned): the stored objects are kept (same uid), still valid (an
 * update of them is admitted), the new fields are stored from then on (the old schema pruned them),
 * and the new rules refuse what the old schema let through.
 */
class CrdUpgradeIT {
    @RegisterExtension static final RealApiServer API = new RealApiServer();

    static final String NS = "crd-upgrade";
    static final Path BASELINE = Path.of("crd-baseline/v0.1.0");
    static final Path CURRENT = Path.of("../crds");
    static final List<String> KINDS =
            List.of(
                    "federationnodes.fednode.io-v1.yml",
                    "datasets.fednode.io-v1.yml",
                    "trainingruns.fednode.io-v1.yml",
                    "federationmembers.fednode.io-v1.yml");

    static final ResourceDefinitionContext NODES = context("FederationNode", "federationnodes");

    @Test
    void storedObjectsSurviveTheUpgradeAndTheNewFieldsAndRulesApply() throws Exception {
        for (String kind : KINDS) {
            assertThat(Files.exists(BASELINE.resolve(kind))).as(kind).isTrue();
            API.installCrd(BASELINE.resolve(kind));
        }
        API.client()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        Map<String, GenericKubernetesResource> stored = new HashMap<>();
        for (GenericKubernetesResource r :
                List.of(node("site"), dataset("scans"), run("train"), member("member"))) {
            stored.put(r.getKind(), API.client().resource(r).inNamespace(NS).create());
        }

        // Under the old schema a component is not a field: pruned, not validated.
        GenericKubernetesResource unpinned = node("unpinned");
        specOf(unpinned).put("components", List.of(component("latest")));
        GenericKubernetesResource before = API.client().resource(unpinned).inNamespace(NS).create();
        assertThat(specOf(before)).doesNotContainKey("components");
        GenericKubernetesResource site = stored.get("FederationNode");
        site.setAdditionalProperty("status", new HashMap<>(Map.of("operatorVersion", "0.1.0")));
        GenericKubernetesResource oldStatus =
                API.client()
                        .genericKubernetesResources(NODES)
                        .inNamespace(NS)
                        .resource(site)
                        .updateStatus();
        assertThat(statusOf(oldStatus)).doesNotContainKey("operatorVersion");

        for (String kind : KINDS) {
            API.installCrd(CURRENT.resolve(kind));
        }

        // The objects stored under the old CRDs: the same objects, still valid for an update.
        for (GenericKubernetesResource was : stored.values()) {
            GenericKubernetesResource is =
                    API.client()
                            .genericKubernetesResources(context(was))
                            .inNamespace(NS)
                            .withName(was.getMetadata().getName())
                            .get();
            assertThat(is).as(was.getKind()).isNotNull();
            assertThat(is.getMetadata().getUid()).isEqualTo(was.getMetadata().getUid());
            assertThat(specOf(is)).as(was.getKind() + " spec").isEqualTo(specOf(was));
            is.getMetadata().setLabels(Map.of("fednode.io/upgraded", "true"));
            GenericKubernetesResource updated =
                    API.client()
                            .genericKubernetesResources(context(was))
                            .inNamespace(NS)
                            .resource(is)
                            .update();
            assertThat(updated.getMetadata().getLabels())
                    .containsEntry("fednode.io/upgraded", "true");
        }

        // The new field is stored now; the new rule refuses what the old schema let through. The
        // API server serves a new schema a moment after the CRD is updated: wait for it.
        GenericKubernetesResource pinned = node("pinned");
        specOf(pinned).put("components", List.of(component("1.4.2")));
        GenericKubernetesResource created = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; created == null && System.nanoTime() < deadline; i++) {
            pinned.getMetadata().setName("pinned-" + i);
            GenericKubernetesResource r = API.client().resource(pinned).inNamespace(NS).create();
            if (specOf(r).containsKey("components")) {
                created = r;
            } else {
                Thread.sleep(250);
            }
        }
        assertThat(created).as("a node with a component stored within 30 s").isNotNull();
        assertThat(specOf(created).get("components")).asList().hasSize(1);
        GenericKubernetesResource again = node("unpinned-again");
        specOf(again).put("components", List.of(component("latest")));
        assertCreateRejected(
                API.client(),
                NS,
                again,
                INVALID,
                List.of("version must be an exact semantic version"));

        GenericKubernetesResource current =
                API.client()
                        .genericKubernetesResources(NODES)
                        .inNamespace(NS)
                        .withName("site")
                        .get();
        current.setAdditionalProperty("status", new HashMap<>(Map.of("operatorVersion", "0.2.0")));
        GenericKubernetesResource newStatus =
                API.client()
                        .genericKubernetesResources(NODES)
                        .inNamespace(NS)
                        .resource(current)
                        .updateStatus();
        assertThat(statusOf(newStatus)).containsEntry("operatorVersion", "0.2.0");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> statusOf(GenericKubernetesResource r) {
        Object status = r.getAdditionalProperties().get("status");
        return status == null ? Map.of() : (Map<String, Object>) status;
    }

    static Map<String, Object> component(String version) {
        return new HashMap<>(
                Map.of(
                        "name", "dicom-receiver",
                        "chart", "orthanc",
                        "repository", "https://charts.example.org",
                        "version", version));
    }

    static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("fednode.io")
                .withVersion("v1alpha1")
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }

    static ResourceDefinitionContext context(GenericKubernetesResource r) {
        return context(r.getKind(), r.getKind().toLowerCase(java.util.Locale.ROOT) + "s");
    }

    static GenericKubernetesResource parse(String yaml) {
        return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }

    /** A hybrid node valid under both the released and the new CRD. */
    static GenericKubernetesResource node(String name) {
        return parse(
                """
                apiVersion: fednode.io/v1alpha1
                kind: FederationNode
                metadata:
                  name: %s
                spec:
                  nodeId: %s
                  role: hybrid
                  hub:
                    endpoint: https://hub.example.org:8443
                    joinTokenSecretRef: {name: hub-join, key: token}
                  storage:
                    raw: {size: 10Gi}
                    anonymised: {size: 10Gi}
                    scratch: {size: 1Gi}
                  compute:
                    maxGpusPerRun: 2
                    allowedImages: [registry.example.org/fl/]
                  connectivity:
                    egressCIDRs: [203.0.113.10/32]
                """
                        .formatted(name, name));
    }

    static GenericKubernetesResource dataset(String name) {
        return parse(
                """
                apiVersion: fednode.io/v1alpha1
                kind: Dataset
                metadata:
                  name: %s
                spec:
                  nodeRef: site
                  source:
                    path: imports/2026-11/lung-ct
                """
                        .formatted(name));
    }

    static GenericKubernetesResource run(String name) {
        return parse(
                """
                apiVersion: fednode.io/v1alpha1
                kind: TrainingRun
                metadata:
                  name: %s
                spec:
                  nodeRef: site
                  image: registry.example.org/fl/trainer@sha256:%s
                  gpus: 1
                  aggregator:
                    endpoint: https://agg.example.org:9092
                """
                        .formatted(name, "0123456789abcdef".repeat(4)));
    }

    static GenericKubernetesResource member(String name) {
        return parse(
                """
                apiVersion: fednode.io/v1alpha1
                kind: FederationMember
                metadata:
                  name: %s
                spec:
                  nodeId: %s
                  role: hybrid
                """
                        .formatted(name, name));
    }
}
