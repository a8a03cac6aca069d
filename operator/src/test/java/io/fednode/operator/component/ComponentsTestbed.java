package io.fednode.operator.component;

import static io.fednode.api.common.ConditionTypes.TRUE;
import static io.fednode.fixtures.ConditionAssert.assertThatConditions;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fednode.api.v1alpha1.ComponentConditions;
import io.fednode.api.v1alpha1.ComponentSpec;
import io.fednode.api.v1alpha1.ComponentStatus;
import io.fednode.api.v1alpha1.FederationNode;
import io.fednode.operator.OperatorSettings;
import io.fednode.operator.component.HelmReleases.ReleaseState;
import io.fednode.operator.node.InstalledOperator;
import io.fednode.testing.ChartRepositoryServer;
import io.fednode.testing.Conflicts;
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
 * What the component ITs run against: a chart repository on 127.0.0.1 with probe-config 1.0.0,
 * 1.1.0 and 1.2.0 (and what else a test publishes), the node namespaces enforcing Pod Security
 * {@code restricted}, the operator installed from the manifests and running as its own
 * ServiceAccount (resync 5s, a 10s Helm timeout, the loopback repository allowed), and an admin
 * Helm to look at releases.
 */
final class ComponentsTestbed implements AutoCloseable {
    static final Path CHARTS = Path.of("../fixtures/src/main/resources/charts");

    final RealApiServer api;
    final ChartRepositoryServer repo;
    final InstalledOperator operator;
    final HelmReleases adminHelm;

    private ComponentsTestbed(
            RealApiServer api,
            ChartRepositoryServer repo,
            InstalledOperator operator,
            HelmReleases adminHelm) {
        this.api = api;
        this.repo = repo;
        this.operator = operator;
        this.adminHelm = adminHelm;
    }

    /**
     * @param charts publishes further charts before the operator starts
     * @param windowClock the clock the operator judges maintenance windows by
     */
    static ComponentsTestbed start(
            RealApiServer api,
            Set<String> namespaces,
            Consumer<ChartRepositoryServer> charts,
            Clock windowClock) {
        ChartRepositoryServer repo = new ChartRepositoryServer();
        try {
            for (String v : List.of("1.0.0", "1.1.0", "1.2.0")) {
                repo.publish(CHARTS.resolve("probe-config"), v);
            }
            charts.accept(repo);
            for (String ns : namespaces) {
                api.client()
                        .resource(
                                new NamespaceBuilder()
                                        .withNewMetadata()
                                        .withName(ns)
                                        .addToLabels(
                                                "pod-security.kubernetes.io/enforce", "restricted")
                                        .endMetadata()
                                        .build())
                        .serverSideApply();
            }
            InstalledOperator operator =
                    InstalledOperator.install(
                            api.client(),
                            api::clientAs,
                            OperatorSettings.defaults()
                                    .withResyncPeriod(Duration.ofSeconds(5))
                                    .withNamespaces(namespaces)
                                    .withComponents(
                                            new ComponentSettings(Duration.ofSeconds(10), true)),
                            windowClock);
            return new ComponentsTestbed(
                    api, repo, operator, new HelmReleases(api.client().getConfiguration()));
        } catch (RuntimeException e) {
            repo.close();
            throw e;
        }
    }

    /** A component from this repository. */
    ComponentSpec component(String name, String chart, String version) {
        ComponentSpec c = new ComponentSpec();
        c.setName(name);
        c.setChart(chart);
        c.setRepository(repo.url());
        c.setVersion(version);
        return c;
    }

    /** The FederationNode {@code namespace/name} as the test looks at it. */
    Node node(String namespace, String name) {
        return new Node(namespace, name);
    }

    final class Node {
        private final String namespace;
        private final String name;

        private Node(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        FederationNode now() {
            return api.client()
                    .resources(FederationNode.class)
                    .inNamespace(namespace)
                    .withName(name)
                    .get();
        }

        Optional<ComponentStatus> status(String component) {
            FederationNode n = now();
            return n.getStatus() == null
                    ? Optional.empty()
                    : n.getStatus().getComponents().stream()
                            .filter(c -> c.getName().equals(component))
                            .findFirst();
        }

        /**
         * Asserts {@code component} is Ready for {@code reason} at Helm revision {@code revision}.
         */
        ComponentStatus assertReady(String component, String reason, int revision) {
            ComponentStatus s = status(component).orElseThrow();
            assertThatConditions(component, s.getConditions())
                    .hasCondition(ComponentConditions.READY, TRUE, reason);
            assertThat(s.getRevision()).as(component + " revision").isEqualTo(revision);
            return s;
        }

        Optional<ReleaseState> release(String component) {
            return adminHelm.find(namespace, component);
        }

        ConfigMap configMap(String configMap) {
            return api.client().configMaps().inNamespace(namespace).withName(configMap).get();
        }

        /** A user's edit of the node (retried on a 409 from racing the operator's status patch). */
        void edit(Consumer<FederationNode> change) {
            Conflicts.edit(
                    api.client()
                            .resources(FederationNode.class)
                            .inNamespace(namespace)
                            .withName(name),
                    n -> {
                        change.accept(n);
                        return n;
                    });
        }
    }

    KubernetesClient admin() {
        return api.client();
    }

    /** Ends what {@link #start} began (and the tests' Awaitility defaults); null: nothing began. */
    static void stop(ComponentsTestbed bed) {
        Awaitility.reset();
        if (bed != null) {
            bed.close();
        }
    }

    @Override
    public void close() {
        try {
            operator.close();
        } finally {
            repo.close();
        }
    }
}
