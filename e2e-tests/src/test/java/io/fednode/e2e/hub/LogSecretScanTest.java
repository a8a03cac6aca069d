package io.fednode.e2e.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner HubConnectivityE2EIT runs over the flow's logs finds what is planted in a line. */
class LogSecretScanTest {
    static final String TOKEN = "q3J8xKfP0_wR-tZ7mN2vLb5sYc1dHe9gAo4uIj6kTnE";
    static final String PATH = "imports/2026-11/chest-ct";
    static final String CLEAN_JSON =
            "{\"timestamp\":1796217449974,\"level\":\"INFO\",\"threadName\":\"main\","
                    + "\"loggerName\":\"io.fednode.hub.Hub\",\"mdc\": {},"
                    + "\"formattedMessage\":\"hub serving nodes on https:\\/\\/127.0.0.1:8443\","
                    + "\"throwable\":null}";

    @TempDir Path dir;

    LogSecretScan scan() {
        return new LogSecretScan().secret("the join token", TOKEN).secret("the input path", PATH);
    }

    List<LogSecretScan.Finding> scan(String... lines) throws Exception {
        Path file = dir.resolve("planted.log");
        Files.write(file, List.of(lines));
        return scan().scan(List.of(file));
    }

    @Test
    void cleanLinesHaveNoFinding() throws Exception {
        assertThat(
                        scan(
                                "$ java -jar fednode-hub.jar --port=8443",
                                CLEAN_JSON,
                                "13:17:28.828 INFO  [main] i.f.o.OperatorMain - started",
                                "not json {"))
                .isEmpty();
    }

    @Test
    void aKnownValueIsFoundInPlainTextAndInsideJsonStringsNamingFileAndLineOnly() throws Exception {
        var findings =
                scan(
                        CLEAN_JSON,
                        "12:00:00 WARN join token " + TOKEN + " refused",
                        CLEAN_JSON.replace("8443", "8443 token=" + TOKEN));
        assertThat(findings)
                .extracting(LogSecretScan.Finding::line, LogSecretScan.Finding::what)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2, "the join token"),
                        org.assertj.core.groups.Tuple.tuple(3, "the join token"));
        assertThat(findings.toString()).doesNotContain(TOKEN).contains("planted.log:2");
    }

    @Test
    void aPathEscapedByTheJsonEncoderIsStillFound() throws Exception {
        // The bytes hold imports\/2026-11\/chest-ct: only the decoded string has the path.
        String line =
                CLEAN_JSON.replace(
                        "\"formattedMessage\":\"",
                        "\"formattedMessage\":\"reading " + PATH.replace("/", "\\/") + " ");
        assertThat(line).doesNotContain(PATH);
        assertThat(scan(line))
                .extracting(LogSecretScan.Finding::what)
                .containsExactly("the input path");
    }

    @Test
    void pemBlocksPrivateKeysBearerTokensAndJwtsAreFoundWhateverTheirValue() throws Exception {
        String jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl";
        assertThat(scan("-----BEGIN CERTIFICATE-----"))
                .extracting(LogSecretScan.Finding::what)
                .containsExactly("a PEM block");
        assertThat(scan("key: -----BEGIN EC PRIVATE KEY-----"))
                .extracting(LogSecretScan.Finding::what)
                .containsExactlyInAnyOrder("a PEM block", "a private key's PEM marker");
        assertThat(scan("{\"mdc\":{\"auth\":\"Authorization: Bearer abcdefgh12345678\"}}"))
                .extracting(LogSecretScan.Finding::what)
                .containsExactly("a bearer token");
        assertThat(scan("token " + jwt))
                .extracting(LogSecretScan.Finding::what)
                .containsExactly("a JSON Web Token");
    }

    @Test
    void aPartOfAPrivateKeyWithoutItsMarkersIsFound() throws Exception {
        String body1 = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgVb7y1n0mJ3kWq9Xz";
        String body2 = "oUQDQgAEc2lnbmF0dXJlX2lzX2hlcmVfYW5kX3RoZXJlX2FuZF9ldmVyeXdoZXJl";
        String pem =
                "-----BEGIN PRIVATE KEY-----\n"
                        + body1
                        + "\n"
                        + body2
                        + "\n-----END PRIVATE KEY-----\n";
        Path file = dir.resolve("key.log");
        Files.write(file, List.of("clean", "half a key: " + body2, "whole: " + body1 + body2));
        assertThat(new LogSecretScan().pem("the node's key", pem).scan(List.of(file)))
                .extracting(LogSecretScan.Finding::line, LogSecretScan.Finding::what)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2, "the node's key"),
                        org.assertj.core.groups.Tuple.tuple(3, "the node's key"));
    }

    @Test
    void aValueTooShortToScanForIsRefused() {
        assertThatThrownBy(() -> new LogSecretScan().secret("the key", "abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the key: a value to scan for must have at least 8 characters, got 3");
    }
}
