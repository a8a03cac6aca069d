package io.fednode.operator.component;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.OperatorSettings;
import io.fednode.operator.node.InstalledOperator;
import io.fednode.testing.ChartRepositoryServer;
import io.fednode.testing.Conflicts;
import io.fednode.testing.Namespaces;
import io.fednode.testing.RealApiServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/**
 * What the component ITs share: restricted node namespaces, the operator installed from the
 * manifests and running as its ServiceAccount (components time out after 10 s, loopback
 * repositories and registries allowed), and reads and edits of a node's components.
 */
final class ComponentTestBed {
    static final Path CHARTS = Path.of("../fixtures/src/main/resources/charts");

    private final RealApiServer api;

    ComponentTestBed(RealApiServer api) {
        this.api = api;
    }

    /** A chart repository on 127.0.0.1 serving probe-config 1.0.0, 1.1.0 and 1.2.0. */
    static ChartRepositoryServer probeConfigRepository() {
        ChartRepositoryServer repo = new ChartRepositoryServer();
        for (String v : List.of("1.0.0", "1.1.0", "1.2.0")) {
            repo.publish(CHARTS.resolve("probe-config"), v);
        }
        return repo;
    }

    /** Creates the namespaces (Pod Security restricted) and starts the operator watching them. */
    InstalledOperator operatorFor(String... namespaces) {
        return operatorFor(Clock.systemUTC(), namespaces);
    }

    /** As above, the operator judging maintenance windows by {@code windowClock}. */
    InstalledOperator operatorFor(Clock windowClock, String... namespaces) {
        for (String ns : namespaces) {
            Namespaces.restricted(api.client(), ns);
        }
        return InstalledOperator.install(
                api.client(),
                api::clientAs,
                OperatorSettings.defaults()
                        .withResyncPeriod(Duration.ofSeconds(5))
                        .withNamespaces(Set.of(namespaces))
                        .withComponents(new ComponentSettings(Duration.ofSeconds(10), true)),
                windowClock);
    }

    static ComponentSpec component(String repository, String name, String chart, String version) {
        ComponentSpec c = new ComponentSpec();
        c.setName(name);
        c.setChart(chart);
        c.setRepository(repository);
        c.setVersion(version);
        return c;
    }

    /** Resets Awaitility and closes what the IT started (nulls: never started). */
    static void stop(AutoCloseable... started) {
        Awaitility.reset();
        IllegalStateException failure = null;
        for (AutoCloseable c : started) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failure =
                        failure != null
                                ? failure
                                : new IllegalStateException("cannot stop " + c, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Helm as the cluster admin, to look at and change releases behind the operator's back. */
    HelmReleases adminHelm() {
        return new HelmReleases(api.client().getConfiguration());
    }

    FederationNode node(String ns, String name) {
        return api.client().resources(FederationNode.class).inNamespace(ns).withName(name).get();
    }

    Optional<ComponentStatus> status(String ns, String node, String component) {
        FederationNode n = node(ns, node);
        return n.getStatus() == null
                ? Optional.empty()
                : n.getStatus().getComponents().stream()
                        .filter(c -> c.getName().equals(component))
                        .findFirst();
    }

    ConfigMap configMap(String ns, String name) {
        return api.client().configMaps().inNamespace(ns).withName(name).get();
    }

    /** A user's edit of the node (retried on a 409 from racing the operator's status patch). */
    void edit(String ns, String node, Consumer<FederationNode> change) {
        Conflicts.edit(
                api.client().resources(FederationNode.class).inNamespace(ns).withName(node),
                n -> {
                    change.accept(n);
                    return n;
                });
    }
}
