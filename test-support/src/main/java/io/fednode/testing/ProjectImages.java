package io.fednode.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * fednode's own images as the build made them ({@code make images}, or {@code mvn -Pimages
 * package}): Jib's {@code target/jib-image.tar} and {@code target/jib-image.json} of the operator,
 * the hub and the anonymiser. A missing image is a setup error naming the command that builds it.
 */
public final class ProjectImages {
    public static final List<String> MODULES = List.of("operator", "hub", "anonymiser");

    private ProjectImages() {}

    /** One built image: its reference (repository:tag), the tar and the image ID. */
    public record Image(String module, String reference, String imageId, Path tar) {
        /** The reference without its tag. */
        public String repository() {
            return reference.substring(0, reference.lastIndexOf(':'));
        }

        /** The repository up to its last path component: the charts' {@code image.registry}. */
        public String registry() {
            String repository = repository();
            return repository.substring(0, repository.lastIndexOf('/'));
        }

        /** The repository's last path component: the charts' {@code image.repository}. */
        public String name() {
            String repository = repository();
            return repository.substring(repository.lastIndexOf('/') + 1);
        }

        /** The tag. */
        public String tag() {
            return reference.substring(reference.lastIndexOf(':') + 1);
        }
    }

    public static Image operator() {
        return image("operator");
    }

    public static Image hub() {
        return image("hub");
    }

    public static Image anonymiser() {
        return image("anonymiser");
    }

    /** The tars of all three images. */
    public static List<Path> tars() {
        return MODULES.stream().map(m -> image(m).tar()).toList();
    }

    public static Image image(String module) {
        Path target = KubernetesBinaries.repoRoot().resolve(module).resolve("target");
        Path tar = target.resolve("jib-image.tar");
        Path json = target.resolve("jib-image.json");
        if (!Files.isRegularFile(tar) || !Files.isRegularFile(json)) {
            throw new IllegalStateException(
                    "the "
                            + module
                            + " image is missing ("
                            + tar
                            + "): run `make images` (or `mvn -Pimages -DskipTests package`)");
        }
        try {
            JsonNode node = new ObjectMapper().readTree(json.toFile());
            return new Image(
                    module, node.path("image").asText(), node.path("imageId").asText(), tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
