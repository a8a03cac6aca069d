package io.fednode.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.testing.FabricHttpClients;
import org.junit.jupiter.api.Test;

/** One fabric8 HTTP client factory on this module's classpath: see {@link FabricHttpClients}. */
class HttpClientFactoryTest {
    @Test
    void exactlyOneHttpClientFactoryTheJdkOne() {
        assertThat(FabricHttpClients.factoryClasses())
                .containsExactly(FabricHttpClients.JDK_FACTORY);
    }
}
