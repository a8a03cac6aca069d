package io.fednode.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.testing.KubernetesBinaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** charts/fednode-operator refuses to render without a valid list of watched namespaces. */
class OperatorChartValuesTest {
    @TempDir Path dir;

    record Render(int exit, String output) {}

    Render helmTemplate(String... sets) throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                KubernetesBinaries.binary("helm").toString(),
                                "template",
                                "fednode",
                                "../charts/fednode-operator",
                                "--namespace",
                                "fednode-system"));
        for (String set : sets) {
            command.addAll(List.of("--set", set));
        }
        Path out = dir.resolve("out.txt");
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return new Render(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void withoutWatchNamespacesTheChartDoesNotRender() throws Exception {
        Render r = helmTemplate();
        assertThat(r.exit()).isNotZero();
        assertThat(r.output())
                .contains("watchNamespaces is empty")
                .contains("--set 'watchNamespaces={hospital-a}'")
                .doesNotContain("kind: Role");
    }

    @Test
    void aNameThatIsNotANamespaceIsNamed() throws Exception {
        Render r = helmTemplate("watchNamespaces={hospital-a,Hospital_B}");
        assertThat(r.exit()).isNotZero();
        // values.schema.json names it; the template's own check covers a comma-separated string.
        assertThat(r.output())
                .contains(
                        "at '/watchNamespaces/1': 'Hospital_B' does not match pattern '^[a-z0-9]");
        Render string = helmTemplate("watchNamespaces=hospital-a\\,Hospital_B");
        assertThat(string.exit()).isNotZero();
        assertThat(string.output())
                .contains("watchNamespaces: \"Hospital_B\" is not a namespace name");
    }

    @Test
    void eachWatchedNamespaceGetsARoleAndTheOperatorWatchesExactlyThose() throws Exception {
        Render r = helmTemplate("watchNamespaces={hospital-a,hospital-b}");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output())
                .doesNotContain("kind: ClusterRole")
                .contains("kind: ValidatingAdmissionPolicy\n")
                .contains("kind: ValidatingAdmissionPolicyBinding\n")
                .contains(
                        """
                                    - name: FEDNODE_WATCH_NAMESPACES
                                      value: "hospital-a,hospital-b"
                        """
                                .stripIndent())
                .contains(
                        """
                                    - name: FEDNODE_LEADER_ELECTION
                                      value: "true"
                        """
                                .stripIndent());
        for (String ns : List.of("hospital-a", "hospital-b")) {
            assertThat(r.output())
                    .contains(
                            "kind: Role\nmetadata:\n  name: fednode-operator\n  namespace: "
                                    + ns
                                    + "\n")
                    .contains(
                            "kind: RoleBinding\nmetadata:\n  name: fednode-operator\n  namespace: "
                                    + ns
                                    + "\n");
        }
    }

    @Test
    void aNamespaceTheChartCreatesIsKeptByHelmUninstall() throws Exception {
        // Deleting it would delete the FederationNodes in it with their volumes and keys.
        Render r = helmTemplate("watchNamespaces={fednode-system}", "namespace.create=true");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output())
                .contains(
                        """
                        kind: Namespace
                        metadata:
                          name: fednode-system
                          # Deleting a namespace                        """)
                .contains(
                        """
                          annotations:
                            helm.sh/resource-policy: keep
                        """);
    }

    @Test
    void logFormatIsTextByDefaultJsonOnRequestAndNothingElse() throws Exception {
        String env = "            - name: FEDNODE_LOG_FORMAT\n              value: ";
        Render text = helmTemplate("watchNamespaces={hospital-a}");
        assertThat(text.exit()).as(text.output()).isZero();
        assertThat(text.output()).contains(env + "\"text\"\n");
        Render json = helmTemplate("watchNamespaces={hospital-a}", "logFormat=json");
        assertThat(json.exit()).as(json.output()).isZero();
        assertThat(json.output()).contains(env + "\"json\"\n");
        // The operator would log nothing with a format logback.xml has no appender for.
        Render bad = helmTemplate("watchNamespaces={hospital-a}", "logFormat=JSON");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.output()).contains("at '/logFormat': value must be one of 'text', 'json'");
    }
}
