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
 * jar at {@link AnonymisationJob#ANONYMISER_JAR}.
 */
public final class AnonymiserImage {
    public static final String ENV = "FEDNODE_ANONYMISER_IMAGE";
    public static final String REPOSITORY = "ghcr.io/fednode/fednode-anonymiser";

    /** This operator's version, from the build. */
    public static final String OPERATOR_VERSION = readVersion();

    /** The default for this operator version, ignoring the environment. */
    public static final String DEFAULT = REPOSITORY + ":" + OPERATOR_VERSION;

    private AnonymiserImage() {}

    /** {@value #ENV} when set, else {@link #DEFAULT}. */
    public static String fromEnvironment(Map<String, String> env) {
        String configured = env.get(ENV);
        return configured == null || configured.isBlank() ? DEFAULT : configured.trim();
    }

    private static String readVersion() {
        try (InputStream in =
                AnonymiserImage.class.getResourceAsStream("/fednode-operator-version.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "fednode-operator-version.properties is missing from the operator jar");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
