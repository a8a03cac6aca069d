package io.fednode.testing;

import io.fabric8.kubernetes.client.http.HttpClient;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The HTTP client factories fabric8 can choose from on the caller's classpath. fabric8 picks its
 * client through the ServiceLoader; with two factories (the JDK's and Vert.x's, as the Java
 * Operator SDK and fabric8's client each bring one) it takes one of them arbitrarily at start and
 * warns. A module's runtime classpath is a subset of its test classpath, so one factory in a test
 * means one in the shipped jar.
 */
public final class FabricHttpClients {
    /** The factory fednode ships everywhere. */
    public static final String JDK_FACTORY =
            "io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory";

    private FabricHttpClients() {}

    /** The class names of the factories the ServiceLoader finds. */
    public static List<String> factoryClasses() {
        return ServiceLoader.load(HttpClient.Factory.class).stream()
                .map(p -> p.type().getName())
                .toList();
    }
}
