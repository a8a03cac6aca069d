package io.fednode.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRDs committed under {@code crds/} (all of them), {@code charts/fednode-operator/crds/} (the
 * node side) and {@code charts/fednode-hub/crds/} (FederationMember, FederatedJob) must be exactly
 * what the Java model generates, so a model change cannot ship without its schema (and the other
 * way round). {@code make crds} copies the generated files into place.
 */
class CrdFilesUpToDateTest {
    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    private static final Predicate<String> HUB_CRD =
            name -> name.startsWith("federationmembers.") || name.startsWith("federatedjobs.");
    private static final Map<Path, Predicate<String>> COMMITTED =
            Map.of(
                    Path.of("../crds"),
                    name -> true,
                    Path.of("../charts/fednode-operator/crds"),
                    HUB_CRD.negate(),
                    Path.of("../charts/fednode-hub/crds"),
                    HUB_CRD);

    @Test
    void committedCrdsMatchTheModel() throws IOException {
        List<Path> generated = generatedCrds();
        assertThat(generated).as("CRDs generated from the model").isNotEmpty();
        for (var entry : COMMITTED.entrySet()) {
            Path dir = entry.getKey();
            for (Path crd : belongingTo(generated, entry.getValue())) {
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
        List<Path> generated = generatedCrds();
        for (var entry : COMMITTED.entrySet()) {
            Path dir = entry.getKey();
            List<Path> names =
                    belongingTo(generated, entry.getValue()).stream()
                            .map(Path::getFileName)
                            .toList();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(Path::getFileName).toList())
                        .as("CRD files in %s that the model no longer generates", dir)
                        .containsExactlyInAnyOrderElementsOf(names);
            }
        }
    }

    private static List<Path> belongingTo(List<Path> crds, Predicate<String> chart) {
        return crds.stream().filter(p -> chart.test(p.getFileName().toString())).toList();
    }

    private static List<Path> generatedCrds() throws IOException {
        try (Stream<Path> files = Files.list(GENERATED)) {
            return files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
        }
    }
}
