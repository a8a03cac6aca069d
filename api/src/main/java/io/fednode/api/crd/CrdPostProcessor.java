package io.fednode.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finishes the CRDs the fabric8 generator writes, for what its annotations cannot express.
 *
 * <ul>
 *   <li>Printer columns in the order they are declared on the class (the generator sorts them by
 *       JSON path, which would put AGE first in {@code kubectl get}).
 *   <li>{@code status.conditions} as a list map keyed by {@code type}, as Kubernetes API
 *       conventions ask, so server-side apply merges conditions per type.
 * </ul>
 *
 * Runs in the build after the generator: {@code CrdPostProcessor <crd dir> <resource class>...}.
 */
public final class CrdPostProcessor {
    private static final ObjectMapper YAML =
            new ObjectMapper(
                    new YAMLFactory()
                            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private CrdPostProcessor() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CrdPostProcessor <crd dir> <custom resource class>...");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        for (String className : Arrays.asList(args).subList(1, args.length)) {
            Class<?> type = Class.forName(className);
            CustomResource<?, ?> prototype =
                    (CustomResource<?, ?>) type.getDeclaredConstructor().newInstance();
            Path file = dir.resolve(prototype.getCRDName() + "-v1.yml");
            Files.writeString(file, process(Files.readString(file), type));
        }
    }

    static String process(String crdYaml, Class<?> resourceClass) throws IOException {
        ObjectNode crd = (ObjectNode) YAML.readTree(crdYaml);
        List<String> declaredOrder = new ArrayList<>();
        for (AdditionalPrinterColumn c :
                resourceClass.getAnnotationsByType(AdditionalPrinterColumn.class)) {
            declaredOrder.add(c.name());
        }
        for (JsonNode version : crd.path("spec").path("versions")) {
            reorderColumns((ObjectNode) version, declaredOrder);
            JsonNode conditions =
                    version.path("schema")
                            .path("openAPIV3Schema")
                            .path("properties")
                            .path("status")
                            .path("properties")
                            .path("conditions");
            if (conditions instanceof ObjectNode list) {
                list.put("x-kubernetes-list-type", "map");
                list.putArray("x-kubernetes-list-map-keys").add("type");
                ObjectNode item = (ObjectNode) list.path("items");
                item.putArray("required").add("type").add("status");
            }
        }
        return "# Generated from the api module's Java model; do not edit (run `make crds`).\n"
                + YAML.writeValueAsString(crd);
    }

    private static void reorderColumns(ObjectNode version, List<String> declaredOrder) {
        JsonNode columns = version.path("additionalPrinterColumns");
        if (!(columns instanceof ArrayNode array) || declaredOrder.isEmpty()) {
            return;
        }
        List<JsonNode> sorted = new ArrayList<>();
        array.forEach(sorted::add);
        sorted.sort(
                (a, b) ->
                        Integer.compare(
                                declaredOrder.indexOf(a.path("name").asText()),
                                declaredOrder.indexOf(b.path("name").asText())));
        array.removeAll();
        sorted.forEach(array::add);
    }
}
