package io.fednode.operator.component;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Helm releases of the node namespaces, through helm-java (Helm's Go library in-process: no helm
 * binary). Helm talks to the API server with the operator's own credentials, given as a kubeconfig
 * built from the operator's client configuration (in a pod: the projected ServiceAccount token
 * file, which the kubelet rotates).
 */
public final class HelmReleases {
    static final Path SERVICE_ACCOUNT_TOKEN =
            Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private final Config config;

    public HelmReleases(Config config) {
        this.config = config;
    }

    /** The description the operator gives each revision it makes: the inputs' digest. */
    public static String description(String digest) {
        return "fednode " + digest;
    }

    /**
     * A release's latest revision as Helm's storage holds it.
     *
     * @param description the revision's description: {@link #description} for revisions the
     *     operator made, Helm's own text otherwise ("Rollback to 2", "Upgrade complete")
     */
    public record ReleaseState(
            String name, String status, int revision, String chartVersion, String description) {
        public boolean deployed() {
            return "deployed".equals(status);
        }

        /** Whether the operator deployed this revision for inputs with {@code digest}. */
        public boolean madeFor(String digest) {
            return deployed() && HelmReleases.description(digest).equals(description);
        }
    }

    /** The release's latest revision, empty when there is none (never installed or uninstalled). */
    public Optional<ReleaseState> find(String namespace, String name) {
        return Helm.list()
                .all()
                .withNamespace(namespace)
                .withKubeConfigContents(kubeConfig())
                .call()
                .stream()
                .filter(r -> name.equals(r.getName()))
                .findFirst()
                .map(r -> state(r, latestDescription(namespace, name)));
    }

    private String latestDescription(String namespace, String name) {
        return Helm.history(name)
                .withMax(1)
                .withNamespace(namespace)
                .withKubeConfigContents(kubeConfig())
                .call()
                .stream()
                .map(h -> h.getDescription())
                .reduce((a, b) -> b)
                .orElse("");
    }

    /**
     * Installs the chart archive as release {@code name}, waits up to {@code timeout} for its
     * resources to be ready, and uninstalls everything again if they are not (Helm's atomic).
     */
    public ReleaseState install(
            String namespace,
            String name,
            Path chart,
            Path values,
            String digest,
            Duration timeout) {
        return state(
                new Helm(chart)
                        .install()
                        .withName(name)
                        .withDescription(description(digest))
                        .withNamespace(namespace)
                        .withValuesFile(values)
                        .atomic()
                        .waitReady()
                        .withTimeout(seconds(timeout))
                        .withKubeConfigContents(kubeConfig())
                        .call(),
                description(digest));
    }

    /**
     * Upgrades release {@code name} to the chart archive with exactly {@code values} (no values of
     * earlier revisions reused); if its resources are not ready within {@code timeout}, Helm rolls
     * back to the last deployed revision (atomic) and the error says why.
     */
    public ReleaseState upgrade(
            String namespace,
            String name,
            Path chart,
            Path values,
            String digest,
            Duration timeout) {
        return state(
                new Helm(chart)
                        .upgrade()
                        .withName(name)
                        .withDescription(description(digest))
                        .withNamespace(namespace)
                        .withValuesFile(values)
                        .resetValues()
                        .atomic()
                        .cleanupOnFail()
                        .waitReady()
                        .withTimeout(seconds(timeout))
                        .withKubeConfigContents(kubeConfig())
                        .call(),
                description(digest));
    }

    public void uninstall(String namespace, String name) {
        Helm.uninstall(name)
                .withNamespace(namespace)
                .ignoreNotFound()
                .withKubeConfigContents(kubeConfig())
                .call();
    }

    private static int seconds(Duration d) {
        return (int) Math.max(1, d.toSeconds());
    }

    static ReleaseState state(Release r, String description) {
        return new ReleaseState(
                r.getName(),
                r.getStatus(),
                r.getRevision() == null ? 0 : Integer.parseInt(r.getRevision().trim()),
                chartVersion(r.getChart()),
                description);
    }

    /**
     * The version in Helm's "{@code <chart>-<version>}": the first dash followed by a semantic
     * version (a version may hold dashes, 1.0.0-rc.1; a chart name's parts do not start with
     * "digits.digits.digits").
     */
    static String chartVersion(String chart) {
        Matcher m = CHART_VERSION.matcher(chart == null ? "" : chart);
        return m.find() ? m.group(1) : "";
    }

    private static final Pattern CHART_VERSION =
            Pattern.compile("-([0-9]+\\.[0-9]+\\.[0-9]+([-+].*)?)$");

    /** The operator's API server and credentials as a kubeconfig for Helm. */
    String kubeConfig() {
        StringBuilder y = new StringBuilder();
        y.append("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n");
        y.append("    server: ").append(quote(config.getMasterUrl())).append('\n');
        if (config.getCaCertData() != null) {
            y.append("    certificate-authority-data: ")
                    .append(config.getCaCertData())
                    .append('\n');
        } else if (config.getCaCertFile() != null) {
            y.append("    certificate-authority: ")
                    .append(quote(config.getCaCertFile()))
                    .append('\n');
        }
        if (config.isTrustCerts()) {
            y.append("    insecure-skip-tls-verify: true\n");
        }
        y.append("users:\n- name: u\n  user:\n");
        if (Files.isReadable(SERVICE_ACCOUNT_TOKEN)) {
            y.append("    tokenFile: ").append(SERVICE_ACCOUNT_TOKEN).append('\n');
        } else if (config.getClientCertData() != null || config.getClientCertFile() != null) {
            y.append("    client-certificate-data: ")
                    .append(data(config.getClientCertData(), config.getClientCertFile()))
                    .append('\n');
            y.append("    client-key-data: ")
                    .append(data(config.getClientKeyData(), config.getClientKeyFile()))
                    .append('\n');
        } else {
            String token =
                    config.getOauthToken() != null
                            ? config.getOauthToken()
                            : config.getAutoOAuthToken();
            if (token != null) {
                y.append("    token: ").append(quote(token)).append('\n');
            }
        }
        y.append("contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n");
        return y.toString();
    }

    private static String data(String data, String file) {
        if (data != null) {
            return data;
        }
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(file)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
