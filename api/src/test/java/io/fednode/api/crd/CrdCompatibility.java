package io.fednode.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Compares a CRD as released with its successor and lists every change that would break a cluster
 * upgrading from one to the other: objects stored under the old schema that the new one no longer
 * reads, or clients of the old schema that the new one refuses.
 *
 * <ul>
 *   <li>the CRD's group, kind, plural or scope changed;
 *   <li>a version removed, or the released storage version no longer served (stored objects could
 *       not be read back);
 *   <li>a field removed (its values would be pruned from stored objects);
 *   <li>a type changed (only integer to number widens);
 *   <li>a narrowed value space: an enum value dropped, a new or changed pattern, a lower maximum /
 *       maxLength / maxItems / maxProperties, a higher minimum / minLength / minItems;
 *   <li>a field newly required without a default (stored objects lack it);
 *   <li>preserve-unknown-fields withdrawn (unknown fields would now be pruned).
 * </ul>
 *
 * New CEL rules are not reported: the API server ratchets them (an unchanged field of an existing
 * object is not re-validated), and the upgrade test proves it for the rule it adds. New optional
 * fields, new versions, new enum values and wider limits are compatible.
 */
public final class CrdCompatibility {
    private CrdCompatibility() {}

    /** One incompatible change, with where it is. */
    public record Break(String crd, String version, String path, String what) {
        @Override
        public String toString() {
            return crd
                    + (version.isEmpty() ? "" : " " + version)
                    + (path.isEmpty() ? "" : " " + path)
                    + ": "
                    + what;
        }
    }

    public static List<Break> compare(
            CustomResourceDefinition released, CustomResourceDefinition next) {
        List<Break> breaks = new ArrayList<>();
        String crd = released.getMetadata().getName();
        var was = released.getSpec();
        var now = next.getSpec();
        check(breaks, crd, "", "", "group", was.getGroup(), now.getGroup());
        check(breaks, crd, "", "", "scope", was.getScope(), now.getScope());
        check(breaks, crd, "", "", "kind", was.getNames().getKind(), now.getNames().getKind());
        check(
                breaks,
                crd,
                "",
                "",
                "plural",
                was.getNames().getPlural(),
                now.getNames().getPlural());
        for (CustomResourceDefinitionVersion old : was.getVersions()) {
            Optional<CustomResourceDefinitionVersion> same =
                    now.getVersions().stream()
                            .filter(v -> v.getName().equals(old.getName()))
                            .findFirst();
            if (same.isEmpty()) {
                breaks.add(
                        new Break(
                                crd,
                                old.getName(),
                                "",
                                Boolean.TRUE.equals(old.getStorage())
                                        ? "the storage version was removed: stored objects could no longer be read"
                                        : "version removed: clients of it would fail"));
                continue;
            }
            CustomResourceDefinitionVersion current = same.get();
            if (Boolean.TRUE.equals(old.getServed()) && !Boolean.TRUE.equals(current.getServed())) {
                breaks.add(new Break(crd, old.getName(), "", "version no longer served"));
            }
            if (old.getSchema() != null && current.getSchema() != null) {
                schema(
                        breaks,
                        crd,
                        old.getName(),
                        "",
                        old.getSchema().getOpenAPIV3Schema(),
                        current.getSchema().getOpenAPIV3Schema());
            }
        }
        return breaks;
    }

    private static void schema(
            List<Break> breaks,
            String crd,
            String version,
            String path,
            JSONSchemaProps was,
            JSONSchemaProps now) {
        if (was == null || now == null) {
            return;
        }
        String at = path.isEmpty() ? "." : path;
        if (!Objects.equals(was.getType(), now.getType())
                && !("integer".equals(was.getType()) && "number".equals(now.getType()))) {
            breaks.add(
                    new Break(
                            crd,
                            version,
                            at,
                            "type changed from " + was.getType() + " to " + now.getType()));
            return;
        }
        if (Boolean.TRUE.equals(was.getXKubernetesPreserveUnknownFields())
                && !Boolean.TRUE.equals(now.getXKubernetesPreserveUnknownFields())) {
            breaks.add(
                    new Break(
                            crd,
                            version,
                            at,
                            "x-kubernetes-preserve-unknown-fields withdrawn: unknown fields would be pruned"));
        }
        if (was.getEnum() != null && !was.getEnum().isEmpty()) {
            Set<String> allowed = new HashSet<>();
            if (now.getEnum() != null) {
                now.getEnum().forEach(e -> allowed.add(e.asText()));
            }
            if (now.getEnum() != null && !now.getEnum().isEmpty()) {
                was.getEnum().stream()
                        .map(JsonNode::asText)
                        .filter(e -> !allowed.contains(e))
                        .forEach(
                                e ->
                                        breaks.add(
                                                new Break(
                                                        crd,
                                                        version,
                                                        at,
                                                        "enum value " + e + " removed")));
            }
        } else if (now.getEnum() != null && !now.getEnum().isEmpty()) {
            breaks.add(new Break(crd, version, at, "an enum now restricts a free value"));
        }
        if (now.getPattern() != null && !now.getPattern().equals(was.getPattern())) {
            breaks.add(
                    new Break(
                            crd,
                            version,
                            at,
                            was.getPattern() == null
                                    ? "a pattern now restricts it: " + now.getPattern()
                                    : "pattern changed from "
                                            + was.getPattern()
                                            + " to "
                                            + now.getPattern()));
        }
        upper(breaks, crd, version, at, "maximum", was.getMaximum(), now.getMaximum());
        upper(
                breaks,
                crd,
                version,
                at,
                "maxLength",
                number(was.getMaxLength()),
                number(now.getMaxLength()));
        upper(
                breaks,
                crd,
                version,
                at,
                "maxItems",
                number(was.getMaxItems()),
                number(now.getMaxItems()));
        upper(
                breaks,
                crd,
                version,
                at,
                "maxProperties",
                number(was.getMaxProperties()),
                number(now.getMaxProperties()));
        lower(breaks, crd, version, at, "minimum", was.getMinimum(), now.getMinimum());
        lower(
                breaks,
                crd,
                version,
                at,
                "minLength",
                number(was.getMinLength()),
                number(now.getMinLength()));
        lower(
                breaks,
                crd,
                version,
                at,
                "minItems",
                number(was.getMinItems()),
                number(now.getMinItems()));

        Map<String, JSONSchemaProps> oldProps =
                was.getProperties() == null ? Map.of() : was.getProperties();
        Map<String, JSONSchemaProps> newProps =
                now.getProperties() == null ? Map.of() : now.getProperties();
        for (var e : oldProps.entrySet()) {
            String child = path + "." + e.getKey();
            JSONSchemaProps next = newProps.get(e.getKey());
            if (next == null) {
                if (!Boolean.TRUE.equals(now.getXKubernetesPreserveUnknownFields())) {
                    breaks.add(
                            new Break(
                                    crd,
                                    version,
                                    child,
                                    "field removed: its values would be pruned from stored objects"));
                }
                continue;
            }
            schema(breaks, crd, version, child, e.getValue(), next);
        }
        Set<String> wasRequired =
                new HashSet<>(was.getRequired() == null ? List.of() : was.getRequired());
        for (String required : now.getRequired() == null ? List.<String>of() : now.getRequired()) {
            JSONSchemaProps field = newProps.get(required);
            if (!wasRequired.contains(required) && (field == null || field.getDefault() == null)) {
                breaks.add(
                        new Break(
                                crd,
                                version,
                                path + "." + required,
                                "newly required without a default: existing objects lack it"));
            }
        }
        if (was.getItems() != null && now.getItems() != null) {
            schema(
                    breaks,
                    crd,
                    version,
                    path + "[]",
                    was.getItems().getSchema(),
                    now.getItems().getSchema());
        }
        if (was.getAdditionalProperties() != null
                && now.getAdditionalProperties() != null
                && was.getAdditionalProperties().getSchema() != null) {
            schema(
                    breaks,
                    crd,
                    version,
                    path + ".*",
                    was.getAdditionalProperties().getSchema(),
                    now.getAdditionalProperties().getSchema());
        }
    }

    private static BigDecimal number(Long value) {
        return value == null ? null : BigDecimal.valueOf(value);
    }

    private static void upper(
            List<Break> breaks,
            String crd,
            String version,
            String at,
            String what,
            Number was,
            Number now) {
        if (now != null
                && (was == null
                        || new BigDecimal(now.toString()).compareTo(new BigDecimal(was.toString()))
                                < 0)) {
            breaks.add(
                    new Break(
                            crd,
                            version,
                            at,
                            what + " lowered from " + (was == null ? "none" : was) + " to " + now));
        }
    }

    private static void lower(
            List<Break> breaks,
            String crd,
            String version,
            String at,
            String what,
            Number was,
            Number now) {
        if (now != null
                && (was == null
                        || new BigDecimal(now.toString()).compareTo(new BigDecimal(was.toString()))
                                > 0)) {
            BigDecimal zero = BigDecimal.ZERO;
            if (was == null
                    && new BigDecimal(now.toString()).compareTo(zero) <= 0
                    && !what.equals("minimum")) {
                return; // minLength/minItems 0 restricts nothing
            }
            breaks.add(
                    new Break(
                            crd,
                            version,
                            at,
                            what + " raised from " + (was == null ? "none" : was) + " to " + now));
        }
    }

    private static void check(
            List<Break> breaks,
            String crd,
            String version,
            String path,
            String what,
            String was,
            String now) {
        if (!Objects.equals(was, now)) {
            breaks.add(new Break(crd, version, path, what + " changed from " + was + " to " + now));
        }
    }
}
