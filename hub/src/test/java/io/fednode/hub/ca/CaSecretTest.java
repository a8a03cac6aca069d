package io.fednode.hub.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CaSecretTest {
    @Test
    void caReadBackFromItsSecretSignsCertificatesThatVerify() throws Exception {
        FederationCa generated = FederationCa.generate("test CA");
        FederationCa loaded =
                CaSecret.fromSecret(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("ca")
                                .endMetadata()
                                .addToData("tls.crt", b64(Pem.encode(generated.certificate())))
                                .addToData("tls.key", b64(Pem.encode(generated.privateKey())))
                                .build());
        assertThat(loaded.certificate()).isEqualTo(generated.certificate());
        var node = FederationCa.newKeyPair();
        var cert = loaded.signClient("node-a", node.getPublic(), Duration.ofDays(1));
        cert.verify(generated.certificate().getPublicKey());
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
