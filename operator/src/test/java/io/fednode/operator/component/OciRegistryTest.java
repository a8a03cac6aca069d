package io.fednode.operator.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciRegistryTest {
    @Test
    void aReferenceNamesTheRegistryTheRepositoryAndTheChart() throws Exception {
        assertThat(OciRegistry.Reference.parse("oci://registry.example.org:8443/a/b/orthanc"))
                .isEqualTo(
                        new OciRegistry.Reference(
                                "registry.example.org:8443", "a/b/orthanc", "orthanc"));
        assertThat(OciRegistry.Reference.parse("oci://127.0.0.1:5000/orthanc"))
                .isEqualTo(new OciRegistry.Reference("127.0.0.1:5000", "orthanc", "orthanc"));
    }

    @Test
    void aReferenceWithATagOrDigestOrWithoutPathIsRefused() {
        for (String bad :
                new String[] {
                    "oci://r.example.org/charts/orthanc:1.0.0",
                    "oci://r.example.org/charts/orthanc@sha256:00",
                    "oci://user@r.example.org/charts/orthanc",
                    "oci://r.example.org",
                    "oci://r.example.org/",
                    "https://r.example.org/charts/orthanc"
                }) {
            assertThatThrownBy(() -> OciRegistry.Reference.parse(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            ComponentProblem.class,
                            p -> assertThat(p.reason()).isEqualTo(Reasons.CHART_INVALID));
        }
    }

    @Test
    void aBearerChallengeGivesRealmServiceAndScope() {
        assertThat(
                        OciRegistry.bearerChallenge(
                                "Bearer realm=\"https://auth.example.org/token\","
                                        + "service=\"registry.example.org\","
                                        + "scope=\"repository:charts/orthanc:pull,push\""))
                .isEqualTo(
                        Map.of(
                                "realm", "https://auth.example.org/token",
                                "service", "registry.example.org",
                                "scope", "repository:charts/orthanc:pull,push"));
        assertThat(OciRegistry.bearerChallenge("bearer Realm=https://a.example.org/t"))
                .containsEntry("realm", "https://a.example.org/t");
        assertThat(OciRegistry.bearerChallenge("Basic realm=\"registry\"")).isEmpty();
        assertThat(OciRegistry.bearerChallenge("")).isEmpty();
        assertThat(OciRegistry.bearerChallenge(null)).isEmpty();
    }
}
