package io.fednode.operator.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Secret;
import io.fednode.api.common.SecretKeyRef;
import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentValuesSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The Helm values of a component: {@code values}, then each {@code valuesFrom} Secret merged over
 * them in order (mappings merged key by key, anything else replaced), and the digest of the inputs
 * that tells whether an upgrade is due. The digest covers the spec and the Secrets' uid and
 * resourceVersion, never their content, so it can be kept in the status.
 *
 * @param merged the values handed to Helm (may contain secret content: never logged)
 * @param digest sha256 of chart, repository, version, values and the Secrets' versions
 * @param secretTexts the scalar values read from Secrets, removed from any message ({@link
 *     #redact})
 */
public record ComponentValues(ObjectNode merged, String digest, Set<String> secretTexts) {
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Largest YAML document read from one Secret key. */
    static final int MAX_SECRET_VALUES_BYTES = 256 * 1024;

    /**
     * @param secrets the Secret of the node's namespace by name (null when it does not exist)
     */
    public static ComponentValues of(ComponentSpec spec, Function<String, Secret> secrets)
            throws ComponentProblem {
        ObjectNode merged = JSON.createObjectNode();
        if (spec.getValues() != null) {
            if (!spec.getValues().isObject()) {
                throw new ComponentProblem(
                        Reasons.VALUES_INVALID,
                        "spec.components[" + spec.getName() + "].values must be a mapping",
                        false);
            }
            merge(merged, spec.getValues().deepCopy());
        }
        Set<String> secretTexts = new HashSet<>();
        StringBuilder inputs = new StringBuilder();
        inputs.append(spec.getChart()).append('\n').append(spec.getRepository()).append('\n');
        inputs.append(spec.getVersion()).append('\n').append(canonical(merged)).append('\n');
        for (ComponentValuesSource source : spec.getValuesFrom()) {
            SecretKeyRef ref = source.getSecretRef();
            String where = "Secret " + ref.getName() + " key " + ref.getKey();
            Secret secret = secrets.apply(ref.getName());
            Map<String, String> data = secret == null ? null : secret.getData();
            String encoded = data == null ? null : data.get(ref.getKey());
            if (encoded == null) {
                throw new ComponentProblem(
                        Reasons.VALUES_INVALID,
                        "valuesFrom of component "
                                + spec.getName()
                                + ": "
                                + where
                                + " does not exist",
                        true);
            }
            byte[] yaml = Base64.getDecoder().decode(encoded);
            if (yaml.length > MAX_SECRET_VALUES_BYTES) {
                throw new ComponentProblem(
                        Reasons.VALUES_INVALID,
                        "valuesFrom of component "
                                + spec.getName()
                                + ": "
                                + where
                                + " is larger than "
                                + MAX_SECRET_VALUES_BYTES
                                + " bytes",
                        false);
            }
            JsonNode values;
            try {
                values = YAML.readTree(new String(yaml, StandardCharsets.UTF_8));
            } catch (IOException e) {
                values = null; // the parser's message may quote the secret: not passed on
            }
            if (values == null || !values.isObject()) {
                throw new ComponentProblem(
                        Reasons.VALUES_INVALID,
                        "valuesFrom of component "
                                + spec.getName()
                                + ": "
                                + where
                                + " is not a YAML mapping of Helm values",
                        false);
            }
            collectScalars(values, secretTexts);
            merge(merged, (ObjectNode) values);
            inputs.append(ref.getName()).append('/').append(ref.getKey()).append('@');
            inputs.append(secret.getMetadata().getUid()).append(':');
            inputs.append(secret.getMetadata().getResourceVersion()).append('\n');
        }
        return new ComponentValues(
                merged,
                ChartHttp.sha256(inputs.toString().getBytes(StandardCharsets.UTF_8)),
                Set.copyOf(secretTexts));
    }

    /** {@code message} with every value read from a Secret (of 4 characters or more) masked. */
    public String redact(String message) {
        String out = message;
        for (String secret : secretTexts) {
            if (secret.length() >= 4) {
                out = out.replace(secret, "***");
            }
        }
        return out;
    }

    private static void collectScalars(JsonNode node, Set<String> into) {
        if (node.isContainerNode()) {
            node.elements().forEachRemaining(n -> collectScalars(n, into));
        } else if (!node.isNull()) {
            into.add(node.asText());
        }
    }

    /** The values as the YAML document Helm reads. */
    public String yaml() {
        try {
            return YAML.writeValueAsString(merged);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void merge(ObjectNode target, ObjectNode overlay) {
        Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode existing = target.get(f.getKey());
            if (existing instanceof ObjectNode e && f.getValue() instanceof ObjectNode o) {
                merge(e, o);
            } else {
                target.set(f.getKey(), f.getValue());
            }
        }
    }

    private static String canonical(JsonNode node) {
        try {
            return JSON.writeValueAsString(JSON.treeToValue(node, Object.class));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ComponentValues[digest=" + digest + "]"; // never the values
    }
}
