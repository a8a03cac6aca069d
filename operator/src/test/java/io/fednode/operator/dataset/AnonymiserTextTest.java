package io.fednode.operator.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnonymiserTextTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                // Java's I/O exceptions: the path, then ": " and the reason.
                "fatal: /data/raw/DOE^JANE 1961/IM1.dcm: No space left on device"
                        + "|fatal: /data/raw/…: No space left on device",
                // A path at the end of the line, with spaces in its names.
                "java.nio.file.AccessDeniedException: /data/output/r1/Exam of DOE JANE"
                        + "|java.nio.file.AccessDeniedException: /data/output/…",
                // Two paths, one quoted (may hold ': '), joined by ' -> '.
                "copying '/data/raw/DOE: JANE/a.dcm' -> /data/quarantine/x.dcm: denied"
                        + "|copying '/data/raw/…' -> /data/quarantine/…: denied",
                // Outside the mount points; relative; Windows; a URI. Unquoted, with no ': ',
                // a path may go on to the end of the line (names hold spaces).
                "reading /home/doe/jane.dcm failed|reading <path>",
                "reading imports/DOE JANE/a.dcm|reading <path>",
                "at C:\\scans\\DOE JANE.dcm|at <path>",
                "see file:///data/raw/DOE.dcm|see <path>",
                "path=/data/raw/DOE.dcm|<path>",
                "(/tmp/DOE JANE)|(/tmp/…",
                "a DOE(JANE)/x.dcm|a <path>",
                // Just a mount point names no file and stays.
                "--input /data/raw is not a directory|--input /data/raw is not a directory",
                "cannot write /data/output:|cannot write /data/output:",
                // No path: unchanged.
                "fednode-anonymiser: fatal: java.io.IOException: No space left on device"
                        + "|fednode-anonymiser: fatal: java.io.IOException: No space left on device",
            })
    void pathsAreReplacedAndTheRestIsKept(String text, String expected) {
        assertThat(AnonymiserText.safe(text, 512)).isEqualTo(expected);
    }

    @Test
    void theJvmsEchoOfTheJobsOptionsIsLeftOut() {
        // The first line of every failed run's log, as the real node's kubelet reported it.
        assertThat(
                        AnonymiserText.safe(
                                "Picked up JAVA_TOOL_OPTIONS: -XX:+UseSerialGC"
                                        + " -XX:SharedArchiveFile=/opt/fednode/anonymiser.jsa\n"
                                        + "fednode-anonymiser: fatal: creating --output: permission"
                                        + " denied\n",
                                512))
                .isEqualTo("fednode-anonymiser: fatal: creating --output: permission denied");
    }

    @Test
    void linesAreJoinedAndControlCharactersRemoved() {
        assertThat(
                        AnonymiserText.safe(
                                "first: /data/raw/DOE/x.dcm\r\n\tat Run.run(Run.java:1)\n\n"
                                        + "bell\u0007 escape\u001b[31m zero-width\u200bjoiner",
                                512))
                .isEqualTo(
                        "first: /data/raw/… | at Run.run(Run.java:1) | bell escape [31m"
                                + " zero-width joiner");
    }

    @Test
    void textIsBoundedAndEmptyWhenBlank() {
        assertThat(AnonymiserText.safe("x".repeat(100_000), 100)).hasSize(100).endsWith("…");
        assertThat(AnonymiserText.safe(null, 100)).isEmpty();
        assertThat(AnonymiserText.safe(" \n\t", 100)).isEmpty();
        assertThat(AnonymiserText.bounded("a\nb", 100)).isEqualTo("a b");
    }

    @Test
    void aPathPastTheInputBoundIsNotHalfKept() {
        // The input is cut before the paths are replaced: a path cut in two is still replaced.
        String text = "x".repeat(AnonymiserText.MAX_INPUT - 15) + " /data/raw/DOE^JANE/IM1.dcm";
        assertThat(AnonymiserText.safe(text, 100_000))
                .doesNotContain("DOE")
                .endsWith("x /data/raw/…");
    }
}
