package io.fednode.operator.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.operator.common.Labels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The volumes of a component: the PersistentVolumeClaims the StatefulSet controller made from the
 * {@code volumeClaimTemplates} of the release's StatefulSets. Helm keeps them on uninstall; what
 * happens to them then follows the node's {@code deletionPolicy} ({@link NodeComponents}).
 *
 * <p>Which StatefulSets belong to the release is read from Helm's own record of its latest revision
 * (the release Secret's manifest: exactly what an uninstall deletes); each is then read from the
 * API server for its uid, claim templates and selector. A claim is the StatefulSet's when it
 * carries the selector's labels (the controller puts them on every claim it makes) and is named as
 * the controller names claims, {@code <template>-<statefulset>-<ordinal>} — so claims of another
 * release, a user's claims and the node's own volumes (labelled as the operator's) never match.
 */
final class ComponentVolumes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ComponentVolumes() {}

    /** The claims of one StatefulSet of the release, and the StatefulSet as an owner. */
    record StatefulSetClaims(OwnerReference statefulSet, List<String> claims) {}

    /**
     * The volumes of release {@code release} at its revision {@code revision}, one entry per
     * StatefulSet that still exists (a StatefulSet deleted by hand is not found, and its claims are
     * left as they are).
     */
    static List<StatefulSetClaims> of(
            KubernetesClient client, String namespace, String release, int revision) {
        List<StatefulSetClaims> out = new ArrayList<>();
        for (String name : statefulSetNames(client, namespace, release, revision)) {
            StatefulSet sts =
                    client.apps().statefulSets().inNamespace(namespace).withName(name).get();
            if (sts == null || sts.getSpec().getVolumeClaimTemplates() == null) {
                continue;
            }
            Map<String, String> selector =
                    sts.getSpec().getSelector() == null
                                    || sts.getSpec().getSelector().getMatchLabels() == null
                            ? Map.of()
                            : sts.getSpec().getSelector().getMatchLabels();
            List<String> templates =
                    sts.getSpec().getVolumeClaimTemplates().stream()
                            .map(t -> t.getMetadata().getName())
                            .toList();
            List<String> claims =
                    client
                            .persistentVolumeClaims()
                            .inNamespace(namespace)
                            .withLabels(selector)
                            .list()
                            .getItems()
                            .stream()
                            .filter(c -> c.getMetadata().getDeletionTimestamp() == null)
                            .filter(c -> !operatorsOwn(c))
                            .filter(c -> hasLabels(c, selector))
                            .map(c -> c.getMetadata().getName())
                            .filter(c -> madeFrom(c, templates, name))
                            .sorted()
                            .toList();
            if (!claims.isEmpty()) {
                out.add(new StatefulSetClaims(owner(sts), claims));
            }
        }
        return out;
    }

    /**
     * Gives each claim the owner reference to its StatefulSet (once), so that the garbage collector
     * deletes it when the StatefulSet is deleted.
     */
    static void deleteWithStatefulSet(
            KubernetesClient client, String namespace, StatefulSetClaims volumes) {
        String uid = volumes.statefulSet().getUid();
        for (String claim : volumes.claims()) {
            client.persistentVolumeClaims()
                    .inNamespace(namespace)
                    .withName(claim)
                    .edit(
                            c -> {
                                if (c.getMetadata().getOwnerReferences().stream()
                                        .noneMatch(o -> uid.equals(o.getUid()))) {
                                    c.getMetadata().getOwnerReferences().add(volumes.statefulSet());
                                }
                                return c;
                            });
        }
    }

    /** How many claims a status message or Event names before it only counts the rest. */
    static final int NAMED = 20;

    /** The claims, comma-separated; past {@value #NAMED}, the rest are counted. */
    static String names(List<String> claims) {
        if (claims.size() <= NAMED) {
            return String.join(", ", claims);
        }
        return String.join(", ", claims.subList(0, NAMED))
                + " and "
                + (claims.size() - NAMED)
                + " more";
    }

    /** Whether {@code claim} is named as the controller names claims of {@code statefulSet}. */
    static boolean madeFrom(String claim, List<String> templates, String statefulSet) {
        return templates.stream()
                .anyMatch(
                        t ->
                                Pattern.matches(
                                        Pattern.quote(t + "-" + statefulSet + "-") + "[0-9]+",
                                        claim));
    }

    /**
     * The owner reference the StatefulSet controller itself puts on claims under {@code
     * persistentVolumeClaimRetentionPolicy.whenDeleted: Delete}, without {@code controller} (a
     * claim may have a controller already) and without {@code blockOwnerDeletion}: the garbage
     * collector deletes the claim once the StatefulSet is gone.
     */
    static OwnerReference owner(StatefulSet sts) {
        return new OwnerReferenceBuilder()
                .withApiVersion("apps/v1")
                .withKind("StatefulSet")
                .withName(sts.getMetadata().getName())
                .withUid(sts.getMetadata().getUid())
                .build();
    }

    private static boolean operatorsOwn(PersistentVolumeClaim c) {
        Map<String, String> labels = c.getMetadata().getLabels();
        return labels != null && Labels.MANAGER.equals(labels.get(Labels.MANAGED_BY));
    }

    private static boolean hasLabels(PersistentVolumeClaim c, Map<String, String> selector) {
        Map<String, String> labels =
                c.getMetadata().getLabels() == null ? Map.of() : c.getMetadata().getLabels();
        return selector.entrySet().stream()
                .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    /** Names of the StatefulSets in Helm's record of revision {@code revision} of the release. */
    static List<String> statefulSetNames(
            KubernetesClient client, String namespace, String release, int revision) {
        Secret record =
                client.secrets()
                        .inNamespace(namespace)
                        .withName("sh.helm.release.v1." + release + ".v" + revision)
                        .get();
        if (record == null
                || record.getData() == null
                || !record.getData().containsKey("release")) {
            return List.of();
        }
        String manifest = manifest(record.getData().get("release"));
        if (manifest.isBlank()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (HasMetadata o :
                client.load(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8)))
                        .items()) {
            if (o instanceof StatefulSet) {
                names.add(o.getMetadata().getName());
            }
        }
        return names;
    }

    /**
     * The manifest in Helm's release record: the Secret's value is base64 (Kubernetes) of base64
     * (Helm) of gzipped JSON.
     */
    static String manifest(String secretValue) {
        byte[] helm = Base64.getDecoder().decode(secretValue);
        byte[] data =
                Base64.getDecoder().decode(new String(helm, StandardCharsets.US_ASCII).trim());
        try (InputStream in =
                data.length > 1 && data[0] == (byte) 0x1f && data[1] == (byte) 0x8b
                        ? new GZIPInputStream(new ByteArrayInputStream(data))
                        : new ByteArrayInputStream(data)) {
            JsonNode release = JSON.readTree(in);
            return release.path("manifest").asText("");
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read Helm's release record: " + e.getMessage(), e);
        }
    }
}
