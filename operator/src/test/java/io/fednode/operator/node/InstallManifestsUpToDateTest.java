package io.fednode.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.testing.KubernetesBinaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** manifests/install/ is what tools/render-manifests.sh renders from the chart, byte for byte. */
class InstallManifestsUpToDateTest {
    @Test
    void committedManifestsMatchAFreshRender(@TempDir Path out) throws Exception {
        Path helm = KubernetesBinaries.binary("helm");
        ProcessBuilder render =
                new ProcessBuilder("../tools/render-manifests.sh", out.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(out.resolve("render.log").toFile());
        render.environment().put("HELM", helm.toString());
        Process p = render.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(out.resolve("render.log"))).isZero();
        Files.delete(out.resolve("render.log"));
        Path committed = Path.of("../manifests/install");
        try (Stream<Path> fresh = Files.list(out)) {
            for (Path file : fresh.toList()) {
                assertThat(committed.resolve(file.getFileName()))
                        .as(
                                "%s is stale: run tools/render-manifests.sh (helm %s)",
                                file.getFileName(), helm)
                        .hasSameTextualContentAs(file);
            }
        }
        try (Stream<Path> files = Files.list(committed)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("files in manifests/install that the render does not produce")
                    .allMatch(name -> Files.exists(out.resolve(name)));
        }
    }
}
