package io.fednode.operator.component;

import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import io.fednode.api.v1alpha1.ComponentSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a component's chart comes from: a classic repository ({@code repository} + chart name) or
 * an OCI registry ({@code chart: oci://…}). Either way the operator fetches the archive itself,
 * from hosts inside the node's egress allow-list only, checks it against the digest its source
 * publishes, and hands Helm a local archive.
 */
final class ComponentCharts {
    private final ChartHttp http = new ChartHttp();
    private final ChartRepository repositories = new ChartRepository(http);
    private final OciRegistry registries = new OciRegistry(http);
    private final boolean allowLoopback;

    ComponentCharts(boolean allowLoopback) {
        this.allowLoopback = allowLoopback;
    }

    /** Refuses the component when its repository or registry host is outside {@code egress}. */
    void checkSource(ComponentSpec spec, List<String> egress) throws ComponentProblem {
        if (!spec.isOci()) {
            RepositoryEgress.check(spec.getRepository(), egress, allowLoopback);
            return;
        }
        RepositoryEgress.check(spec.getChart(), "registry", egress, allowLoopback);
        if (Boolean.TRUE.equals(spec.getPlainHttp())
                && !"127.0.0.1".equals(URI.create(spec.getChart()).getHost())) {
            throw new ComponentProblem(
                    Reasons.REPOSITORY_NOT_ALLOWED,
                    "plainHTTP is only for a registry on 127.0.0.1, not " + spec.getChart(),
                    false);
        }
    }

    /**
     * Fetches the component's chart into {@code dir} and returns the archive's path, after {@link
     * #checkSource}.
     */
    Path fetch(ComponentSpec spec, List<String> egress, Path dir) throws ComponentProblem {
        byte[] archive;
        String name;
        if (spec.isOci()) {
            archive =
                    registries.fetch(
                            spec.getChart(),
                            spec.getVersion(),
                            Boolean.TRUE.equals(spec.getPlainHttp()),
                            uri ->
                                    RepositoryEgress.check(
                                            uri.toString(),
                                            "host of the registry's redirect or token realm",
                                            egress,
                                            allowLoopback));
            name = OciRegistry.Reference.parse(spec.getChart()).name();
        } else {
            archive = repositories.fetch(spec.getRepository(), spec.getChart(), spec.getVersion());
            name = spec.getChart();
        }
        try {
            Path file = dir.resolve(name + "-" + spec.getVersion() + ".tgz");
            Files.write(file, archive);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the chart archive: " + e.getMessage(), e);
        }
    }
}
