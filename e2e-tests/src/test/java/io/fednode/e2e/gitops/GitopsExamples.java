package io.fednode.e2e.gitops;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fednode.testing.Commands;
import io.fednode.testing.KubernetesBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Argo CD and Flux examples of {@code docs/examples/gitops} as the tools read them: plain
 * files, and the kustomize folders rendered by the real kubectl.
 */
final class GitopsExamples {
    static final Path ROOT = KubernetesBinaries.repoRoot().resolve("docs/examples/gitops");
    static final Path ARGO_OPERATOR = ROOT.resolve("argocd/fednode-operator.yaml");
    static final Path ARGO_SITE = ROOT.resolve("argocd/hospital-a.yaml");
    static final Path FLUX_SOURCE = ROOT.resolve("flux/fednode-source.yaml");
    static final Path FLUX_OPERATOR = ROOT.resolve("flux/fednode-operator.yaml");
    static final Path FLUX_SITE = ROOT.resolve("flux/hospital-a.yaml");
    static final Path HELM_RELEASE = ROOT.resolve("flux/operator/helmrelease.yaml");

    /** The kustomize folders the Applications and Kustomizations point at. */
    static final List<String> KUSTOMIZE_PATHS =
            List.of("argocd/site", "flux/operator", "site", "namespaces");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private GitopsExamples() {}

    /** Every document of a (multi-document) YAML text, as maps. */
    static List<Map<String, Object>> documents(String yaml) {
        try (var parser = YAML.getFactory().createParser(yaml)) {
            List<Map<String, Object>> docs = new ArrayList<>();
            YAML.readValues(parser, new TypeReference<Map<String, Object>>() {})
                    .forEachRemaining(d -> docs.add(Objects.requireNonNull(d)));
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The single object of a YAML file. */
    static Map<String, Object> object(Path file) {
        try {
            List<Map<String, Object>> docs = documents(Files.readString(file));
            if (docs.size() != 1) {
                throw new IllegalStateException(file + ": expected one object, got " + docs.size());
            }
            return docs.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code kubectl kustomize ROOT/path} (the kustomize built into kubectl). */
    static String kustomize(String path) {
        Commands.Run r =
                Commands.run(
                        Duration.ofMinutes(1),
                        List.of(
                                KubernetesBinaries.binary("kubectl").toString(),
                                "kustomize",
                                ROOT.resolve(path).toString()));
        if (r.exit() != 0) {
            throw new AssertionError("kubectl kustomize " + path + " failed:\n" + r.output());
        }
        return r.output();
    }

    /** The value at a path of nested maps (null when a step is missing). */
    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> object, String... path) {
        Object o = object;
        for (String key : path) {
            if (!(o instanceof Map<?, ?> m)) {
                return null;
            }
            o = m.get(key);
        }
        return (T) o;
    }
}
