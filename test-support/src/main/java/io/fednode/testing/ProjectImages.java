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

    /**
     * The sample trainer image (Flower client, numpy; {@code tools/build-trainer-image.sh}, run by
     * {@code make tools}): its docker-archive tar and {@code .json} (reference, image ID) in the
     * tools cache. Not a Maven module's image: its inputs are a Python script and pinned wheels.
     */
    public static Image trainer() {
        Path tar = KubernetesBinaries.toolsCache().resolve("images").resolve("fednode-trainer.tar");
        Path json = tar.resolveSibling("fednode-trainer.tar.json");
        if (!Files.isRegularFile(tar) || !Files.isRegularFile(json)) {
            throw new IllegalStateException(
                    "the trainer image is missing ("
                            + tar
                            + "): run `tools/build-trainer-image.sh` (or `make tools`)");
        }
        return read("trainer", tar, json);
    }

    /** What a real node imports: the three images' tars and the trainer's. */
    public static List<Path> realNodeTars() {
        List<Path> tars = new java.util.ArrayList<>(tars());
        tars.add(trainer().tar());
        return tars;
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
        return read(module, tar, json);
    }

    private static Image read(String module, Path tar, Path json) {
        try {
            JsonNode node = new ObjectMapper().readTree(json.toFile());
            return new Image(
                    module, node.path("image").asText(), node.path("imageId").asText(), tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
