package io.fednode.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's chromium, headless, for the fleet page test (installed by tools/install-test-deps.sh).
 */
final class HeadlessChromium {
    private HeadlessChromium() {}

    static String dumpDom(String url) throws Exception {
        return run(List.of("--dump-dom", url));
    }

    static void screenshot(String url, Path file, int width, int height) throws Exception {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        run(
                List.of(
                        "--screenshot=" + file.toAbsolutePath(),
                        "--window-size=" + width + "," + height,
                        "--hide-scrollbars",
                        url));
    }

    private static String run(List<String> args) throws Exception {
        Path binary = binary();
        Path profile = Files.createTempDirectory("fednode-chromium");
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(
                List.of(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--user-data-dir=" + profile));
        command.addAll(args);
        Path log = Files.createTempFile("fednode-chromium", ".log");
        Process process =
                new ProcessBuilder(command)
                        .redirectError(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .start();
        byte[] out;
        try {
            out = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue())
                .as("chromium exit status; its log:%n%s", Files.readString(log))
                .isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static Path binary() throws IOException {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new IOException("chromium is not installed: run tools/install-test-deps.sh");
    }
}
