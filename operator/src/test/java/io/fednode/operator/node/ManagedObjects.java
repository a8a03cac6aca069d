package io.fednode.operator.node;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.operator.OperatorSettings;
import io.fednode.operator.common.OperatorIdentity;
import io.fednode.testing.RealApiServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the operator-upgrade tests read of a namespace: the objects the operator manages there
 * (other than Jobs), keyed {@code Kind/name}, and operators started as a chosen version.
 */
final class ManagedObjects {
    static final String SELECTOR = "app.kubernetes.io/managed-by=fednode-operator";
    static final String VERSION_LABEL = "app.kubernetes.io/version";

    private ManagedObjects() {}

    /**
     * Starts the operator as {@code version} (its status.operatorVersion and version label); the
     * caller clears {@link OperatorIdentity#VERSION_PROPERTY} after its test.
     */
    static InstalledOperator start(
            RealApiServer api, OperatorSettings settings, Clock windowClock, String version) {
        System.setProperty(OperatorIdentity.VERSION_PROPERTY, version);
        return InstalledOperator.install(api.client(), api::clientAs, settings, windowClock);
    }

    /** ServiceAccounts, NetworkPolicies, claims and Secrets the operator manages in {@code ns}. */
    static List<HasMetadata> in(KubernetesClient admin, String ns) {
        List<HasMetadata> objects = new ArrayList<>();
        objects.addAll(
                admin.serviceAccounts()
                        .inNamespace(ns)
                        .withLabelSelector(SELECTOR)
                        .list()
                        .getItems());
        objects.addAll(
                admin.network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(ns)
                        .withLabelSelector(SELECTOR)
                        .list()
                        .getItems());
        objects.addAll(
                admin.persistentVolumeClaims()
                        .inNamespace(ns)
                        .withLabelSelector(SELECTOR)
                        .list()
                        .getItems());
        objects.addAll(
                admin.secrets().inNamespace(ns).withLabelSelector(SELECTOR).list().getItems());
        return objects;
    }

    /** Kind/name → the operator version label. */
    static Map<String, String> versionLabels(KubernetesClient admin, String ns) {
        return by(admin, ns, o -> o.getMetadata().getLabels().get(VERSION_LABEL));
    }

    /** Kind/name → resourceVersion (unchanged: the object was not written). */
    static Map<String, String> resourceVersions(KubernetesClient admin, String ns) {
        return by(admin, ns, o -> o.getMetadata().getResourceVersion());
    }

    private static Map<String, String> by(
            KubernetesClient admin, String ns, Function<HasMetadata, String> value) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HasMetadata o : in(admin, ns)) {
            out.put(o.getKind() + "/" + o.getMetadata().getName(), value.apply(o));
        }
        return out;
    }
}
