package io.fednode.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.http.HttpClient;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * fabric8 chooses its HTTP client through the ServiceLoader; with two factories on the classpath
 * (the JDK's and Vert.x's, as the Java Operator SDK and fabric8's client each bring one) it takes
 * one of them arbitrarily at start and warns. The runtime classpath is a subset of this test's, so
 * one factory here means one in the shipped jar.
 */
class HttpClientFactoryTest {
    @Test
    void exactlyOneHttpClientFactoryTheJdkOne() {
        var factories =
                ServiceLoader.load(HttpClient.Factory.class).stream()
                        .map(p -> p.type().getName())
                        .toList();
        assertThat(factories)
                .containsExactly("io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory");
    }
}
