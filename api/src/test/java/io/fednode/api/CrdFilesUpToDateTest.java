package io.fednode.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed under {@code crds/} and {@code charts/fednode-operator/crds/} must be exactly
 * what the Java model generates, so a model change cannot ship without its schema (and the other
 * way round). {@code make crds} copies the generated files into place.
 */
class CrdFilesUpToDateTest {
    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    private static final List<Path> COMMITTED =
            List.of(Path.of("../crds"), Path.of("../charts/fednode-operator/crds"));

    @Test
    void committedCrdsMatchTheModel() throws IOException {
        List<Path> generated = generatedCrds();
        assertThat(generated).as("CRDs generated from the model").isNotEmpty();
        for (Path dir : COMMITTED) {
            for (Path crd : generated) {
                Path committed = dir.resolve(crd.getFileName());
                assertThat(committed)
                        .as("%s is missing: run `make crds` and commit the result", committed)
                        .exists();
                assertThat(Files.readString(committed))
                        .as(
                                "%s differs from the model: run `make crds` and commit the result",
                                committed)
                        .isEqualTo(Files.readString(crd));
            }
        }
    }

    @Test
    void noStaleCrdsAreCommitted() throws IOException {
        List<Path> names = generatedCrds().stream().map(Path::getFileName).toList();
        for (Path dir : COMMITTED) {
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(Path::getFileName).toList())
                        .as("CRD files in %s that the model no longer generates", dir)
                        .containsExactlyInAnyOrderElementsOf(names);
            }
        }
    }

    private static List<Path> generatedCrds() throws IOException {
        try (Stream<Path> files = Files.list(GENERATED)) {
            return files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
        }
    }
}
