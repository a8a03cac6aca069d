package io.fednode.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.testing.Commands;
import io.fednode.testing.KubernetesBinaries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The charts' values.schema.json and template checks, run by the real helm binary: each bad value
 * fails {@code helm lint} and {@code helm template} with a message naming it, and the defaults and
 * the air-gapped overrides render what the docs promise.
 */
class ChartValuesSchemaTest {
    private static final String OPERATOR = "fednode-operator";
    private static final String HUB = "fednode-hub";
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    record Helm(int exit, String output) {}

    private Helm helm(String verb, String chart, String... flags) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(KubernetesBinaries.binary("helm").toString());
        command.add(verb);
        if (verb.equals("template")) {
            command.add("fednode");
        }
        command.add(KubernetesBinaries.repoRoot().resolve("charts").resolve(chart).toString());
        command.addAll(List.of("--namespace", "fednode-system"));
        if (chart.equals(OPERATOR)) {
            command.addAll(List.of("--set", "watchNamespaces={hospital-a}"));
        }
        command.addAll(List.of(flags));
        Commands.Run r = Commands.run(Duration.ofMinutes(1), command);
        return new Helm(r.exit(), r.output());
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                // A typo in a key is not silently ignored.
                Arguments.of(OPERATOR, "--set", "replica=2", "additional properties 'replica'"),
                Arguments.of(OPERATOR, "--set", "replicas=two", "at '/replicas'"),
                Arguments.of(OPERATOR, "--set", "replicas=0", "at '/replicas'"),
                Arguments.of(OPERATOR, "--set", "image.digest=sha256:abc", "at '/image/digest'"),
                Arguments.of(
                        OPERATOR, "--set", "image.pullPolicy=Sometimes", "at '/image/pullPolicy'"),
                Arguments.of(
                        OPERATOR,
                        "--set",
                        "global.imageRegistry=Mirror Registry",
                        "at '/global/imageRegistry'"),
                Arguments.of(
                        OPERATOR,
                        "--set",
                        "anonymiserImage.tag=bad tag",
                        "at '/anonymiserImage/tag'"),
                Arguments.of(OPERATOR, "--set", "logFormat=xml", "at '/logFormat'"),
                Arguments.of(OPERATOR, "--set", "resyncPeriod=ten", "at '/resyncPeriod'"),
                Arguments.of(OPERATOR, "--set", "httpPort=70000", "at '/httpPort'"),
                Arguments.of(
                        OPERATOR,
                        "--set",
                        "metrics.serviceMonitor.enabled=yes",
                        "at '/metrics/serviceMonitor/enabled'"),
                Arguments.of(
                        OPERATOR,
                        "--set",
                        "watchNamespaces={Hospital_A}",
                        "at '/watchNamespaces/0'"),
                Arguments.of(HUB, "--set-json", "serverNames=[]", "at '/serverNames'"),
                Arguments.of(
                        HUB, "--set", "nodeApi.service.type=Ingress", "at '/nodeApi/service/type'"),
                Arguments.of(HUB, "--set", "missedHeartbeats=0", "at '/missedHeartbeats'"),
                Arguments.of(
                        HUB, "--set", "certificateLifetime=30days", "at '/certificateLifetime'"),
                Arguments.of(HUB, "--set", "image.registry=", "at '/image/registry'"),
                Arguments.of(HUB, "--set", "caSecret=CA_Secret", "at '/caSecret'"),
                Arguments.of(
                        HUB,
                        "--set",
                        "federatedJobs.lostAfter=soon",
                        "at '/federatedJobs/lostAfter'"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("badValues")
    void aBadValueFailsLintAndInstallNamingIt(String chart, String flag, String value, String named)
            throws Exception {
        for (String verb : List.of("lint", "template")) {
            Helm r = helm(verb, chart, flag, value);
            assertThat(r.exit()).as("helm %s %s %s", verb, flag, value).isNotZero();
            assertThat(r.output()).contains(named).doesNotContain("kind: Deployment");
        }
    }

    @Test
    void theDefaultsLintCleanly() throws Exception {
        for (String chart : List.of(OPERATOR, HUB)) {
            Helm r = helm("lint", chart, "--strict");
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("0 chart(s) failed");
        }
    }

    @Test
    void aMirrorRegistryAndDigestsReplaceEveryImageReference() throws Exception {
        Helm operator =
                helm(
                        "template",
                        OPERATOR,
                        "--set",
                        "global.imageRegistry=mirror.hospital.example:5000/fednode",
                        "--set",
                        "image.digest=" + DIGEST,
                        "--set",
                        "anonymiserImage.tag=0.1.0-patched");
        assertThat(operator.exit()).as(operator.output()).isZero();
        assertThat(operator.output())
                .contains(
                        "image: \"mirror.hospital.example:5000/fednode/fednode-operator@"
                                + DIGEST
                                + "\"\n")
                .contains(
                        "- name: FEDNODE_ANONYMISER_IMAGE\n"
                                + "              value:"
                                + " \"mirror.hospital.example:5000/fednode/fednode-anonymiser:0.1.0-patched\"\n")
                .doesNotContain("ghcr.io");
        Helm hub = helm("template", HUB, "--set", "global.imageRegistry=mirror.local/fn");
        assertThat(hub.exit()).as(hub.output()).isZero();
        assertThat(hub.output())
                .contains("image: \"mirror.local/fn/fednode-hub:0.2.0\"\n")
                .doesNotContain("ghcr.io");
    }

    @Test
    void theDefaultImagesAreTheReleasesImagesByTag() throws Exception {
        Helm r = helm("template", OPERATOR);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("image: \"ghcr.io/fednode/fednode-operator:0.2.0\"\n")
                .contains("value: \"ghcr.io/fednode/fednode-anonymiser:0.2.0\"\n");
    }

    @Test
    void aDisruptionBudgetGuardsMoreThanOneReplicaOnly() throws Exception {
        Helm one = helm("template", OPERATOR);
        assertThat(one.output()).doesNotContain("kind: PodDisruptionBudget");
        Helm two = helm("template", OPERATOR, "--set", "replicas=2");
        assertThat(two.exit()).as(two.output()).isZero();
        assertThat(two.output())
                .contains("kind: PodDisruptionBudget\n")
                .contains("spec:\n  minAvailable: 1\n");
        Helm none =
                helm(
                        "template",
                        OPERATOR,
                        "--set",
                        "replicas=2",
                        "--set",
                        "podDisruptionBudget.minAvailable=2");
        assertThat(none.exit()).isNotZero();
        assertThat(none.output())
                .contains("podDisruptionBudget.minAvailable (2) must be less than replicas (2)");
    }

    @Test
    void theOperatorPodAcceptsConnectionsOnItsMetricsPortOnly() throws Exception {
        Helm r = helm("template", OPERATOR, "--show-only", "templates/networkpolicy.yaml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("kind: NetworkPolicy\n")
                .contains(
                        "  policyTypes:\n    - Ingress\n  ingress:\n    - ports:\n        - port: 8080\n")
                .doesNotContain("- Egress")
                .doesNotContain("egress:");
        Helm egress =
                helm(
                        "template",
                        OPERATOR,
                        "--show-only",
                        "templates/networkpolicy.yaml",
                        "--set-json",
                        "networkPolicy.egress=[{\"to\":[{\"ipBlock\":{\"cidr\":\"10.0.0.1/32\"}}]}]");
        assertThat(egress.exit()).as(egress.output()).isZero();
        assertThat(egress.output()).contains("    - Egress\n").contains("cidr: 10.0.0.1/32");
    }
}
