package io.fednode.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CrdCompatibility} against the released FederationNode CRD with one hand-made change each:
 * the breaking ones are reported with their path, the compatible ones are not.
 */
class CrdCompatibilityTest {
    private static final String NAME = "federationnodes.fednode.io";
    private CustomResourceDefinition released;

    @BeforeEach
    void load() throws Exception {
        released =
                ReleasedCrdsStayCompatibleTest.read(
                        Path.of("crd-baseline/v0.1.0/federationnodes.fednode.io-v1.yml"));
    }

    private List<String> after(Consumer<CustomResourceDefinition> change) throws Exception {
        CustomResourceDefinition next =
                ReleasedCrdsStayCompatibleTest.read(
                        Path.of("crd-baseline/v0.1.0/federationnodes.fednode.io-v1.yml"));
        change.accept(next);
        List<String> out = new ArrayList<>();
        CrdCompatibility.compare(released, next).forEach(b -> out.add(b.toString()));
        return out;
    }

    private static JSONSchemaProps root(CustomResourceDefinition crd) {
        return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    }

    private static JSONSchemaProps spec(CustomResourceDefinition crd) {
        return root(crd).getProperties().get("spec");
    }

    private static JSONSchemaProps compute(CustomResourceDefinition crd) {
        return spec(crd).getProperties().get("compute");
    }

    @Test
    void theReleasedCrdIsCompatibleWithItself() throws Exception {
        assertThat(after(crd -> {})).isEmpty();
    }

    @Test
    void aRemovedFieldIsReported() throws Exception {
        assertThat(after(crd -> compute(crd).getProperties().remove("maxRuntime")))
                .containsExactly(
                        NAME
                                + " v1alpha1 .spec.compute.maxRuntime: field removed: its values"
                                + " would be pruned from stored objects");
    }

    @Test
    void aChangedTypeIsReportedButIntegerToNumberWidens() throws Exception {
        assertThat(
                        after(
                                crd ->
                                        compute(crd)
                                                .getProperties()
                                                .get("maxGpusPerRun")
                                                .setType("string")))
                .containsExactly(
                        NAME
                                + " v1alpha1 .spec.compute.maxGpusPerRun: type changed from"
                                + " integer to string");
        assertThat(
                        after(
                                crd ->
                                        compute(crd)
                                                .getProperties()
                                                .get("maxGpusPerRun")
                                                .setType("number")))
                .isEmpty();
    }

    @Test
    void narrowedValueSpacesAreReported() throws Exception {
        assertThat(after(crd -> spec(crd).getProperties().get("role").getEnum().remove(1)))
                .containsExactly(
                        NAME
                                + " v1alpha1 .spec.role: enum value \"data\" removed"
                                        .replace("\"", ""));
        assertThat(after(crd -> compute(crd).getProperties().get("maxGpusPerRun").setMaximum(8.0)))
                .containsExactly(
                        NAME
                                + " v1alpha1 .spec.compute.maxGpusPerRun: maximum lowered from 64.0 to 8.0");
        assertThat(after(crd -> compute(crd).getProperties().get("maxRuntime").setMaxLength(8L)))
                .containsExactly(
                        NAME
                                + " v1alpha1 .spec.compute.maxRuntime: maxLength lowered from 32 to 8");
        assertThat(
                        after(
                                crd ->
                                        compute(crd)
                                                .getProperties()
                                                .get("maxConcurrentRuns")
                                                .setMinimum(2.0)))
                .containsExactly(
                        NAME
                                + " v1alpha1 .spec.compute.maxConcurrentRuns: minimum raised from"
                                + " 1.0 to 2.0");
        assertThat(
                        after(
                                crd ->
                                        compute(crd)
                                                .getProperties()
                                                .get("maxRuntime")
                                                .setPattern("^[0-9]+h$")))
                .singleElement()
                .asString()
                .contains(".spec.compute.maxRuntime: pattern changed from");
    }

    @Test
    void widerValueSpacesAreCompatible() throws Exception {
        assertThat(
                        after(
                                crd ->
                                        spec(crd)
                                                .getProperties()
                                                .get("role")
                                                .getEnum()
                                                .add(
                                                        new com.fasterxml.jackson.databind.node
                                                                .TextNode("edge"))))
                .isEmpty();
        assertThat(
                        after(
                                crd ->
                                        compute(crd)
                                                .getProperties()
                                                .get("maxGpusPerRun")
                                                .setMaximum(128.0)))
                .isEmpty();
    }

    @Test
    void aNewOptionalFieldIsCompatibleANewRequiredOneOnlyWithADefault() throws Exception {
        JSONSchemaProps text = new JSONSchemaPropsBuilder().withType("string").build();
        assertThat(after(crd -> compute(crd).getProperties().put("queue", text))).isEmpty();
        assertThat(
                        after(
                                crd -> {
                                    compute(crd).getProperties().put("queue", text);
                                    compute(crd).setRequired(new ArrayList<>(List.of("queue")));
                                }))
                .containsExactly(
                        NAME
                                + " v1alpha1 .spec.compute.queue: newly required without a default:"
                                + " existing objects lack it");
        JSONSchemaProps defaulted =
                new JSONSchemaPropsBuilder()
                        .withType("string")
                        .withDefault(new com.fasterxml.jackson.databind.node.TextNode("default"))
                        .build();
        assertThat(
                        after(
                                crd -> {
                                    compute(crd).getProperties().put("queue", defaulted);
                                    compute(crd).setRequired(new ArrayList<>(List.of("queue")));
                                }))
                .isEmpty();
    }

    @Test
    void droppingTheStorageVersionIsReportedAddingOneIsNot() throws Exception {
        assertThat(
                        after(
                                crd -> {
                                    var v1 =
                                            new CustomResourceDefinitionVersionBuilder(
                                                            crd.getSpec().getVersions().get(0))
                                                    .withName("v1")
                                                    .build();
                                    crd.getSpec().setVersions(new ArrayList<>(List.of(v1)));
                                }))
                .containsExactly(
                        NAME
                                + " v1alpha1: the storage version was removed: stored objects"
                                + " could no longer be read");
        assertThat(
                        after(
                                crd -> {
                                    var v1 =
                                            new CustomResourceDefinitionVersionBuilder(
                                                            crd.getSpec().getVersions().get(0))
                                                    .withName("v1")
                                                    .withStorage(false)
                                                    .build();
                                    crd.getSpec().getVersions().add(v1);
                                }))
                .isEmpty();
    }

    @Test
    void aChangedScopeOrKindIsReported() throws Exception {
        assertThat(after(crd -> crd.getSpec().setScope("Cluster")))
                .containsExactly(NAME + ": scope changed from Namespaced to Cluster");
    }
}
