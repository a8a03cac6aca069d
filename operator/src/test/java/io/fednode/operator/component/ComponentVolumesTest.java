package io.fednode.operator.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ComponentVolumesTest {
    @Test
    void aClaimIsAStatefulSetsWhenNamedAsTheControllerNamesIt() {
        List<String> templates = List.of("data", "logs");
        assertThat(ComponentVolumes.madeFrom("data-web-db-0", templates, "web-db")).isTrue();
        assertThat(ComponentVolumes.madeFrom("logs-web-db-12", templates, "web-db")).isTrue();
        assertThat(ComponentVolumes.madeFrom("data-web-db", templates, "web-db")).isFalse();
        assertThat(ComponentVolumes.madeFrom("data-web-db-x", templates, "web-db")).isFalse();
        assertThat(ComponentVolumes.madeFrom("data-other-db-0", templates, "web-db")).isFalse();
        assertThat(ComponentVolumes.madeFrom("cache-web-db-0", templates, "web-db")).isFalse();
        // a name's dots are not wildcards
        assertThat(ComponentVolumes.madeFrom("dataXweb-db-0", List.of("data."), "web-db"))
                .isFalse();
    }

    @Test
    void theOwnerIsTheStatefulSetWithoutControllerOrBlockingDeletion() {
        var owner =
                ComponentVolumes.owner(
                        new StatefulSetBuilder()
                                .withNewMetadata()
                                .withName("web-db")
                                .withUid("u-1")
                                .endMetadata()
                                .build());
        assertThat(owner.getApiVersion()).isEqualTo("apps/v1");
        assertThat(owner.getKind()).isEqualTo("StatefulSet");
        assertThat(owner.getName()).isEqualTo("web-db");
        assertThat(owner.getUid()).isEqualTo("u-1");
        assertThat(owner.getController()).isNull();
        assertThat(owner.getBlockOwnerDeletion()).isNull();
    }

    @Test
    void theManifestIsReadFromHelmsReleaseRecord() throws Exception {
        String manifest = "---\nkind: StatefulSet\nmetadata: {name: web-db}\n";
        byte[] json =
                new ObjectMapper().writeValueAsBytes(Map.of("name", "web", "manifest", manifest));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json);
        }
        String helm = Base64.getEncoder().encodeToString(gz.toByteArray());
        String secretValue =
                Base64.getEncoder().encodeToString(helm.getBytes(StandardCharsets.US_ASCII));
        assertThat(ComponentVolumes.manifest(secretValue)).isEqualTo(manifest);
    }

    @Test
    void aRecordThatIsNotHelmsIsAClearError() {
        String secretValue =
                Base64.getEncoder()
                        .encodeToString(
                                Base64.getEncoder()
                                        .encodeToString("not json".getBytes(StandardCharsets.UTF_8))
                                        .getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> ComponentVolumes.manifest(secretValue))
                .hasMessageContaining("cannot read Helm's release record");
    }

    @Test
    void manyClaimsAreNamedUpToTwentyThenCounted() {
        assertThat(ComponentVolumes.names(List.of("a", "b"))).isEqualTo("a, b");
        List<String> many =
                java.util.stream.IntStream.range(0, 25).mapToObj(i -> "data-db-" + i).toList();
        String names = ComponentVolumes.names(many);
        assertThat(names).startsWith("data-db-0, data-db-1,").endsWith("data-db-19 and 5 more");
    }
}
