package io.fednode.operator.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The anonymiser image a Dataset's Job runs when its node does not set {@code
 * spec.anonymisation.image}: the image released with this operator version, so operator and
 * anonymiser always speak the same command-line contract. The chart may pin it explicitly with
 * {@value #ENV} (e.g. a mirror registry or a digest).
 *
 * <p>The image must hold a Java 17+ {@code java} on its {@code PATH} and the anonymiser's runnable
 * jar at {@link AnonymisationJob#ANONYMISER_JAR}; the release's image also holds its class-data
 * archive at {@link AnonymisationJob#CDS_ARCHIVE} (another image without it still works: the JVM
 * then starts without the archive).
 */
public final class AnonymiserImage {
    public static final String ENV = "FEDNODE_ANONYMISER_IMAGE";

    private static final Properties BUILD = readBuildProperties();

    /** This operator's version, from the build. */
    public static final String OPERATOR_VERSION = BUILD.getProperty("version");

    /**
     * The tag of this release's images (the charts' {@code appVersion}), from the build's {@code
     * fednode.image.tag}.
     */
    public static final String IMAGE_TAG = BUILD.getProperty("imageTag");

    /**
     * Registry and path the release's images are pushed to (the build's {@code
     * fednode.image.registry}).
     */
    public static final String IMAGE_REGISTRY = BUILD.getProperty("imageRegistry");

    /**
     * The anonymiser's JVM flags, from the build's {@code fednode.anonymiser.jvmFlags}: the one
     * list the image's {@code JAVA_TOOL_OPTIONS} and the terminal launcher {@code
     * fednode-anonymise} are made from too.
     */
    public static final String JVM_FLAGS = BUILD.getProperty("anonymiserJvmFlags");

    public static final String REPOSITORY = IMAGE_REGISTRY + "/fednode-anonymiser";

    /** The default for this operator version, ignoring the environment. */
    public static final String DEFAULT = REPOSITORY + ":" + IMAGE_TAG;

    private AnonymiserImage() {}

    /** {@value #ENV} when set, else {@link #DEFAULT}. */
    public static String fromEnvironment(Map<String, String> env) {
        String configured = env.get(ENV);
        return configured == null || configured.isBlank() ? DEFAULT : configured.trim();
    }

    private static Properties readBuildProperties() {
        try (InputStream in =
                AnonymiserImage.class.getResourceAsStream("/fednode-operator-version.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "fednode-operator-version.properties is missing from the operator jar");
            }
            Properties p = new Properties();
            p.load(in);
            for (String key :
                    new String[] {"version", "imageTag", "imageRegistry", "anonymiserJvmFlags"}) {
                String value = p.getProperty(key);
                if (value == null || value.isBlank() || value.contains("${")) {
                    throw new IllegalStateException(
                            "fednode-operator-version.properties has no build value for " + key);
                }
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
