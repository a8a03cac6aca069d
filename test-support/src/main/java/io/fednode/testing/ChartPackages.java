package io.fednode.testing;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Packages chart fixtures with helm-java (in-process Helm) at the version a test names: the
 * fixture's {@code Chart.yaml} says {@code version: 0.0.0} and {@code appVersion: "0.0.0"}.
 */
public final class ChartPackages {
    private ChartPackages() {}

    /**
     * Packages {@code chartDir} at {@code version} into {@code destination} (a copy of the fixture
     * is made under {@code work}) and returns the archive, {@code <name>-<version>.tgz}.
     */
    public static Path packageAt(Path chartDir, String version, Path work, Path destination) {
        try {
            Path copy = Files.createTempDirectory(work, "src-").resolve(chartDir.getFileName());
            copyTree(chartDir, copy);
            Path chartYaml = copy.resolve("Chart.yaml");
            Files.writeString(
                    chartYaml,
                    Files.readString(chartYaml)
                            .replace("version: 0.0.0", "version: " + version)
                            .replace("appVersion: \"0.0.0\"", "appVersion: \"" + version + "\""));
            new Helm(copy).packageIt().withDestination(destination).call();
            return destination.resolve(chartDir.getFileName() + "-" + version + ".tgz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Deletes {@code dir} and everything in it (temporary files of a test). */
    public static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary files only
        }
    }
}
