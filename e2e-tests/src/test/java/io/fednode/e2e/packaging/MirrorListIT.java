package io.fednode.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.testing.KubernetesBinaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/mirror-list.sh (make mirror-list) against the images the build made and the charts it
 * packages: every image the packaged charts run, and the anonymiser the operator's Jobs run, is on
 * the list; with global.imageRegistry set, every one of them comes from the mirror.
 */
class MirrorListIT {
    private static final Pattern IMAGE =
            Pattern.compile(
                    "(?m)^\\s*(?:image:|value:) \"?([a-z0-9.:/-]+/fednode-[a-z]+[:@][^\"\\s]+)\"?$");

    @TempDir Path dir;

    private static String run(List<String> command) throws Exception {
        Path out = Files.createTempFile("mirror", ".txt");
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .directory(KubernetesBinaries.repoRoot().toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile());
        pb.environment().put("HELM", KubernetesBinaries.binary("helm").toString());
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        assertThat(p.exitValue()).as("%s: %s", command, output).isZero();
        return output;
    }

    private static Set<String> images(String rendered) {
        Set<String> found = new TreeSet<>();
        Matcher m = IMAGE.matcher(rendered);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void everyImageTheChartsRunIsOnTheListAndFollowsTheMirror() throws Exception {
        String list = run(List.of("tools/mirror-list.sh", "--package-dir", dir.toString()));
        List<String[]> images = new ArrayList<>();
        List<String[]> charts = new ArrayList<>();
        for (String line : list.split("\n")) {
            String[] f = line.split(" ");
            if (f[0].equals("image")) {
                images.add(f);
            } else if (f[0].equals("chart")) {
                charts.add(f);
            }
        }
        assertThat(images).hasSize(3);
        for (String[] image : images) {
            assertThat(image[2]).matches("sha256:[a-f0-9]{64}");
            assertThat(image[3]).matches("sha256:[a-f0-9]{64}");
            assertThat(KubernetesBinaries.repoRoot().resolve(image[4])).exists();
        }
        Set<String> listed = images.stream().map(f -> f[1]).collect(Collectors.toSet());
        assertThat(charts).extracting(f -> f[1]).containsExactly("fednode-operator", "fednode-hub");

        String helm = KubernetesBinaries.binary("helm").toString();
        Set<String> rendered = new TreeSet<>();
        Set<String> mirrored = new TreeSet<>();
        for (String[] chart : charts) {
            Path tgz = Path.of(chart[3]);
            assertThat(tgz).exists();
            List<String> template =
                    new ArrayList<>(List.of(helm, "template", "fednode", tgz.toString()));
            if (chart[1].equals("fednode-operator")) {
                template.addAll(List.of("--set", "watchNamespaces={hospital-a}"));
            }
            rendered.addAll(images(run(template)));
            template.addAll(
                    List.of("--set", "global.imageRegistry=mirror.hospital.example:5000/fednode"));
            mirrored.addAll(images(run(template)));
        }
        assertThat(rendered)
                .as("images the packaged charts run (the operator's anonymiser env included)")
                .hasSize(3)
                .isEqualTo(listed);
        assertThat(mirrored)
                .isEqualTo(
                        listed.stream()
                                .map(
                                        i ->
                                                "mirror.hospital.example:5000/fednode/"
                                                        + i.substring(i.lastIndexOf('/') + 1))
                                .collect(Collectors.toCollection(TreeSet::new)));
    }
}
