package io.fednode.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fednode.operator.dataset.AnonymisationJob;
import io.fednode.operator.dataset.AnonymiserImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * One release, one image name per component: the images the build makes (Jib's {@code to.image} in
 * each module's {@code images} profile), the images the charts run (repository in values.yaml, tag
 * = appVersion) and the anonymiser image the operator's Jobs run by default must all name the same
 * repositories and the same tag, or a chart install pulls an image nobody built.
 */
class ImageReleaseTest {
    private static final Path ROOT = Path.of("..");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void operatorDefaultAnonymiserImageIsThisReleasesImage() throws Exception {
        assertThat(AnonymiserImage.IMAGE_TAG).isEqualTo(parentProperty("fednode.image.tag"));
        assertThat(AnonymiserImage.IMAGE_REGISTRY)
                .isEqualTo(parentProperty("fednode.image.registry"));
        assertThat(AnonymiserImage.DEFAULT)
                .isEqualTo(
                        AnonymiserImage.IMAGE_REGISTRY
                                + "/fednode-anonymiser:"
                                + AnonymiserImage.IMAGE_TAG);
        assertThat(jibImage("anonymiser"))
                .isEqualTo("${fednode.image.registry}/fednode-anonymiser:${fednode.image.tag}");
    }

    @ParameterizedTest
    @CsvSource({"fednode-operator, operator", "fednode-hub, hub"})
    void chartRunsTheImageTheBuildMakes(String chart, String module) throws Exception {
        JsonNode chartYaml =
                YAML.readTree(ROOT.resolve("charts/" + chart + "/Chart.yaml").toFile());
        JsonNode values = YAML.readTree(ROOT.resolve("charts/" + chart + "/values.yaml").toFile());

        assertThat(chartYaml.path("appVersion").asText())
                .as("%s appVersion is the release's image tag", chart)
                .isEqualTo(AnonymiserImage.IMAGE_TAG);
        assertThat(values.path("image").path("tag").asText())
                .as("%s image.tag stays empty so that it follows appVersion", chart)
                .isEmpty();
        assertThat(values.path("image").path("digest").asText())
                .as("%s image.digest stays empty so that the tag is used", chart)
                .isEmpty();
        assertThat(
                        values.path("image").path("registry").asText()
                                + "/"
                                + values.path("image").path("repository").asText())
                .isEqualTo(AnonymiserImage.IMAGE_REGISTRY + "/" + chart);
        assertThat(jibImage(module))
                .isEqualTo("${fednode.image.registry}/" + chart + ":${fednode.image.tag}");
    }

    @Test
    void operatorChartRunsThisReleasesAnonymiserByDefault() throws Exception {
        JsonNode image =
                YAML.readTree(ROOT.resolve("charts/fednode-operator/values.yaml").toFile())
                        .path("anonymiserImage");
        assertThat(image.path("registry").asText() + "/" + image.path("repository").asText())
                .isEqualTo(AnonymiserImage.REPOSITORY);
        assertThat(image.path("tag").asText()).as("follows appVersion").isEmpty();
        assertThat(image.path("digest").asText()).isEmpty();
    }

    @Test
    void anonymiserImageDefaultsToTheJvmSettingsTheJobSets() throws Exception {
        Element container = jibConfiguration("anonymiser", "container");
        Element env = (Element) container.getElementsByTagName("JAVA_TOOL_OPTIONS").item(0);
        // Both are made from the build's one list of flags (the image by Maven interpolation).
        assertThat(env.getTextContent().trim())
                .startsWith("${fednode.anonymiser.jvmFlags} ")
                .isEqualTo(
                        AnonymisationJob.JAVA_OPTIONS.replace(
                                parentProperty("fednode.anonymiser.jvmFlags"),
                                "${fednode.anonymiser.jvmFlags}"));
        assertThat(AnonymiserImage.JVM_FLAGS)
                .isEqualTo(parentProperty("fednode.anonymiser.jvmFlags"));
        assertThat(container.getElementsByTagName("entrypoint").item(0).getTextContent())
                .contains(AnonymisationJob.ANONYMISER_JAR);
    }

    @ParameterizedTest
    @CsvSource({"fednode-operator", "fednode-hub"})
    void chartsRunAsTheImagesUser(String chart) throws IOException {
        String deployment =
                Files.readString(ROOT.resolve("charts/" + chart + "/templates/deployment.yaml"));
        assertThat(deployment).contains("runAsUser: " + AnonymisationJob.RUN_AS);
        Matcher user =
                Pattern.compile("<user>(\\d+):(\\d+)</user>")
                        .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(user.find()).as("the parent pom sets Jib's container user").isTrue();
        assertThat(Long.parseLong(user.group(1))).isEqualTo(AnonymisationJob.RUN_AS);
    }

    private static String parentProperty(String name) throws Exception {
        Document pom = pom(ROOT.resolve("pom.xml"));
        Element properties = (Element) pom.getElementsByTagName("properties").item(0);
        return properties.getElementsByTagName(name).item(0).getTextContent().trim();
    }

    private static String jibImage(String module) throws Exception {
        Element to = jibConfiguration(module, "to");
        return to.getElementsByTagName("image").item(0).getTextContent().trim();
    }

    /** A child of the jib-maven-plugin configuration in the module's {@code images} profile. */
    private static Element jibConfiguration(String module, String child) throws Exception {
        Document pom = pom(ROOT.resolve(module).resolve("pom.xml"));
        NodeList profiles = pom.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            if (!text(profile, "id").equals("images")) {
                continue;
            }
            NodeList plugins = profile.getElementsByTagName("plugin");
            for (int j = 0; j < plugins.getLength(); j++) {
                Element plugin = (Element) plugins.item(j);
                if (text(plugin, "artifactId").equals("jib-maven-plugin")) {
                    Element configuration =
                            (Element) plugin.getElementsByTagName("configuration").item(0);
                    return (Element) configuration.getElementsByTagName(child).item(0);
                }
            }
        }
        throw new AssertionError(module + "/pom.xml has no jib-maven-plugin in profile images");
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    private static Document pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }
}
