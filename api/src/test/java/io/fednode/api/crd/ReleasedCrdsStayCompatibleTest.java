package io.fednode.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build's CRD compatibility gate: every CRD of the last release ({@code api/crd-baseline/<the
 * newest release>/}, copied from {@code crds/} when a release is tagged) must still exist in what
 * the model generates now, with no change that {@link CrdCompatibility} reports, except the ones
 * listed with a reason in {@code api/crd-baseline/accepted-breaks.txt} (docs/upgrade.md).
 */
class ReleasedCrdsStayCompatibleTest {
    static final Path BASELINES = Path.of("crd-baseline");
    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");

    static Path latestRelease() throws IOException {
        try (Stream<Path> releases = Files.list(BASELINES)) {
            return releases.filter(Files::isDirectory)
                    .max(Comparator.comparing(p -> new ReleaseVersion(p.getFileName().toString())))
                    .orElseThrow(
                            () ->
                                    new AssertionError(
                                            "no release under " + BASELINES.toAbsolutePath()));
        }
    }

    static CustomResourceDefinition read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        }
    }

    @Test
    void theModelBreaksNoCrdOfTheLastRelease() throws IOException {
        Path release = latestRelease();
        List<String> accepted = accepted();
        List<String> breaks = new ArrayList<>();
        List<Path> baseline;
        try (Stream<Path> files = Files.list(release)) {
            baseline = files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(baseline).as("CRDs of release %s", release.getFileName()).isNotEmpty();
        for (Path released : baseline) {
            Path generated = GENERATED.resolve(released.getFileName());
            if (!Files.exists(generated)) {
                breaks.add(released.getFileName() + ": the CRD was removed");
                continue;
            }
            for (CrdCompatibility.Break b :
                    CrdCompatibility.compare(read(released), read(generated))) {
                if (!accepted.contains(b.toString())) {
                    breaks.add(b.toString());
                }
            }
        }
        assertThat(breaks)
                .as(
                        "changes that break an upgrade from release %s (fix the model, or add the"
                                + " line to crd-baseline/accepted-breaks.txt with a reason and a"
                                + " migration in docs/upgrade.md)",
                        release.getFileName())
                .isEmpty();
    }

    /** Lines "crd version path: what # reason"; the part before " # " must match exactly. */
    private static List<String> accepted() throws IOException {
        Path file = BASELINES.resolve("accepted-breaks.txt");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int reason = line.indexOf(" # ");
            assertThat(reason).as("accepted break without a reason: %s", line).isPositive();
            lines.add(line.substring(0, reason).trim());
        }
        return lines;
    }

    /** Orders v0.9.0 before v0.10.0. */
    record ReleaseVersion(String name) implements Comparable<ReleaseVersion> {
        @Override
        public int compareTo(ReleaseVersion o) {
            String[] a = name.replaceFirst("^v", "").split("[.-]");
            String[] b = o.name.replaceFirst("^v", "").split("[.-]");
            for (int i = 0; i < Math.min(a.length, b.length); i++) {
                int c =
                        a[i].matches("\\d+") && b[i].matches("\\d+")
                                ? Integer.compare(Integer.parseInt(a[i]), Integer.parseInt(b[i]))
                                : a[i].compareTo(b[i]);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.length, b.length);
        }
    }
}
