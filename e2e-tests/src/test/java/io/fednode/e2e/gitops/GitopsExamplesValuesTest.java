package io.fednode.e2e.gitops;

import static io.fednode.e2e.gitops.GitopsExamples.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fednode.testing.Commands;
import io.fednode.testing.KubernetesBinaries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart values in the Argo CD Application and the Flux HelmRelease of docs/examples/gitops: the
 * same in both, accepted by the chart's values.schema.json (the real helm binary), and pointing at
 * paths that exist in this repository at the chart's release.
 */
class GitopsExamplesValuesTest {
    private static final Path CHART =
            KubernetesBinaries.repoRoot().resolve("charts/fednode-operator");

    @TempDir Path dir;

    private Commands.Run helm(String verb, Map<String, Object> values) throws Exception {
        Path file = dir.resolve("values-" + verb + ".yaml");
        new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), values);
        List<String> command = new ArrayList<>();
        command.add(KubernetesBinaries.binary("helm").toString());
        command.add(verb);
        command.add(verb.equals("template") ? "fednode" : "--strict");
        command.addAll(
                List.of(CHART.toString(), "--namespace", "fednode-system", "-f", file.toString()));
        return Commands.run(Duration.ofMinutes(1), command);
    }

    private static Map<String, Object> argoValues() {
        return at(
                GitopsExamples.object(GitopsExamples.ARGO_OPERATOR),
                "spec",
                "source",
                "helm",
                "valuesObject");
    }

    private static Map<String, Object> fluxValues() {
        return at(GitopsExamples.object(GitopsExamples.HELM_RELEASE), "spec", "values");
    }

    @Test
    void argoCdAndFluxInstallTheChartWithTheSameValues() {
        assertThat(argoValues()).isNotEmpty().isEqualTo(fluxValues());
    }

    @Test
    void theExampleValuesPassTheChartsSchemaAndRenderTheMirror() throws Exception {
        Commands.Run lint = helm("lint", fluxValues());
        assertThat(lint.exit()).as(lint.output()).isZero();
        Commands.Run r = helm("template", fluxValues());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("image: \"registry.hospital.example/fednode/fednode-operator:0.2.0\"\n")
                .contains("value: \"registry.hospital.example/fednode/fednode-anonymiser:0.2.0\"\n")
                .doesNotContain("ghcr.io")
                .contains("kind: Role\n")
                .contains("  namespace: hospital-a\n");
    }

    @Test
    void aMisspelledValueInTheExamplesWouldFail() throws Exception {
        Map<String, Object> values = new LinkedHashMap<>(fluxValues());
        values.put("watchNamespace", values.remove("watchNamespaces"));
        Commands.Run r = helm("template", values);
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("additional properties 'watchNamespace'");
    }

    @Test
    void theSourcesNameTheChartAtItsReleaseAndPathsThatExist() throws Exception {
        String chartVersion =
                (String)
                        GitopsExamples.<String>at(
                                GitopsExamples.object(CHART.resolve("Chart.yaml")), "version");
        Path repo = KubernetesBinaries.repoRoot();

        Map<String, Object> argo = GitopsExamples.object(GitopsExamples.ARGO_OPERATOR);
        assertThat(GitopsExamples.<String>at(argo, "spec", "source", "targetRevision"))
                .isEqualTo("v" + chartVersion);
        assertThat(repo.resolve(GitopsExamples.<String>at(argo, "spec", "source", "path")))
                .isEqualTo(CHART);
        Map<String, Object> site = GitopsExamples.object(GitopsExamples.ARGO_SITE);
        assertThat(GitopsExamples.<String>at(site, "spec", "source", "targetRevision"))
                .isEqualTo("v" + chartVersion);
        assertThat(repo.resolve(GitopsExamples.<String>at(site, "spec", "source", "path")))
                .isDirectory();

        Map<String, Object> source = GitopsExamples.object(GitopsExamples.FLUX_SOURCE);
        assertThat(GitopsExamples.<String>at(source, "spec", "ref", "tag"))
                .isEqualTo("v" + chartVersion);
        Map<String, Object> release = GitopsExamples.object(GitopsExamples.HELM_RELEASE);
        assertThat(
                        repo.resolve(
                                GitopsExamples.<String>at(
                                        release, "spec", "chart", "spec", "chart")))
                .isEqualTo(CHART);
        assertThat(GitopsExamples.<String>at(release, "spec", "chart", "spec", "sourceRef", "name"))
                .isEqualTo(GitopsExamples.at(source, "metadata", "name"));
        for (Path k : List.of(GitopsExamples.FLUX_OPERATOR, GitopsExamples.FLUX_SITE)) {
            Map<String, Object> kustomization = GitopsExamples.object(k);
            assertThat(
                            repo.resolve(GitopsExamples.<String>at(kustomization, "spec", "path"))
                                    .normalize())
                    .as(k.toString())
                    .isDirectory();
            assertThat(GitopsExamples.<String>at(kustomization, "spec", "sourceRef", "name"))
                    .isEqualTo(GitopsExamples.at(source, "metadata", "name"));
        }
        // The Flux operator folder holds the HelmRelease the site's Kustomization waits for.
        assertThat(GitopsExamples.kustomize("flux/operator"))
                .contains("kind: HelmRelease\n")
                .contains("name: hospital-a\n");
    }
}
