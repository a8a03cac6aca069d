package io.fednode.operator.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fednode.api.v1alpha1.ComponentConditions.Reasons;
import io.fednode.testing.OciRegistryServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link OciRegistry} against a real distribution registry on 127.0.0.1 (Debian's docker-registry),
 * charts pushed to it by helm-java: the happy path through the registry's bearer-token challenge,
 * and each way a fetch can fail.
 */
class OciRegistryFetchIT {
    static final Path CHARTS = Path.of("../fixtures/src/main/resources/charts");

    private static OciRegistryServer registry;
    private final OciRegistry oci = new OciRegistry(new ChartHttp());
    private final List<URI> checked = new ArrayList<>();

    @BeforeAll
    static void start() {
        registry = new OciRegistryServer();
        registry.push(CHARTS.resolve("probe-config"), "1.0.0", "charts");
        registry.push(CHARTS.resolve("probe-config"), "1.1.0+build.7", "charts");
        registry.push(CHARTS.resolve("probe-config"), "1.3.0", "corrupt");
        registry.corruptChartLayer("corrupt/probe-config", "1.3.0");
        registry.pushNonChart("charts/not-a-chart", "1.0.0");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private byte[] fetch(String reference, String version) throws ComponentProblem {
        return oci.fetch(reference, version, true, checked::add);
    }

    @Test
    void fetchesTheChartThroughTheBearerTokenChallenge() throws Exception {
        int before = registry.tokenRequests().size();

        byte[] archive = fetch(registry.reference("charts/probe-config"), "1.0.0");

        assertThat(chartYaml(archive)).contains("name: probe-config").contains("version: 1.0.0");
        assertThat(registry.tokenRequests().subList(before, registry.tokenRequests().size()))
                .containsExactly(
                        "service=fednode-test-registry&scope=repository%3Acharts%2Fprobe-config%3Apull");
        // the token realm was checked like the registry itself before it was asked
        assertThat(checked).extracting(URI::getPath).contains("/token");
    }

    @Test
    void aBuildVersionIsTheTagHelmWrites() throws Exception {
        byte[] archive = fetch(registry.openReference("charts/probe-config"), "1.1.0+build.7");
        assertThat(chartYaml(archive)).contains("version: 1.1.0+build.7");
    }

    @Test
    void aVersionTheRegistryDoesNotHaveIsChartNotFound() {
        assertThatThrownBy(() -> fetch(registry.reference("charts/probe-config"), "9.9.9"))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> {
                            assertThat(p.reason()).isEqualTo(Reasons.CHART_NOT_FOUND);
                            assertThat(p.retry()).isFalse();
                        })
                .hasMessageContaining("probe-config 9.9.9 does not exist")
                .hasMessageContaining("no manifest 9.9.9");
        assertThatThrownBy(() -> fetch(registry.reference("charts/no-such-chart"), "1.0.0"))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> assertThat(p.reason()).isEqualTo(Reasons.CHART_NOT_FOUND));
    }

    @Test
    void anArtifactWithoutAChartLayerIsNotAHelmChart() {
        assertThatThrownBy(() -> fetch(registry.reference("charts/not-a-chart"), "1.0.0"))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> assertThat(p.reason()).isEqualTo(Reasons.CHART_INVALID))
                .hasMessageContaining("is not a Helm chart")
                .hasMessageContaining(OciRegistry.CHART_LAYER);
    }

    @Test
    void aBlobThatDoesNotMatchItsDigestIsRefused() {
        assertThatThrownBy(() -> fetch(registry.reference("corrupt/probe-config"), "1.3.0"))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> assertThat(p.reason()).isEqualTo(Reasons.CHART_INVALID))
                .hasMessageContaining("does not match the digest sha256:");
    }

    @Test
    void aRegistryThatDoesNotListenIsUnreachableAndRetried() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThatThrownBy(() -> fetch("oci://127.0.0.1:" + closed + "/charts/x", "1.0.0"))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> {
                            assertThat(p.reason()).isEqualTo(Reasons.REPOSITORY_UNREACHABLE);
                            assertThat(p.retry()).isTrue();
                        });
    }

    @Test
    void aRegistryOverHttpsIsNotSpokenToInPlainText() {
        // the registry speaks plain HTTP only: without plainHttp the TLS handshake fails
        assertThatThrownBy(
                        () ->
                                oci.fetch(
                                        registry.reference("charts/probe-config"),
                                        "1.0.0",
                                        false,
                                        checked::add))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> assertThat(p.reason()).isEqualTo(Reasons.REPOSITORY_UNREACHABLE))
                .hasMessageContaining("https://127.0.0.1:");
    }

    @Test
    void aTokenRealmOutsideTheAllowListIsNotAsked() {
        int before = registry.tokenRequests().size();
        assertThatThrownBy(
                        () ->
                                oci.fetch(
                                        registry.reference("charts/probe-config"),
                                        "1.0.0",
                                        true,
                                        uri -> {
                                            throw new ComponentProblem(
                                                    Reasons.REPOSITORY_NOT_ALLOWED,
                                                    "not allowed: " + uri.getAuthority(),
                                                    false);
                                        }))
                .isInstanceOfSatisfying(
                        ComponentProblem.class,
                        p -> assertThat(p.reason()).isEqualTo(Reasons.REPOSITORY_NOT_ALLOWED));
        assertThat(registry.tokenRequests()).hasSize(before);
    }

    /** Chart.yaml of a chart archive (tar.gz). */
    private static String chartYaml(byte[] archive) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(archive))) {
            byte[] tar = in.readAllBytes();
            String text = new String(tar, StandardCharsets.ISO_8859_1);
            int i = text.indexOf("apiVersion: v2");
            return i < 0 ? "" : text.substring(i, Math.min(text.length(), i + 400));
        }
    }
}
