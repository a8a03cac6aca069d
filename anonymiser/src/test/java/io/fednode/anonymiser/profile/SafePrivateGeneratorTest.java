package io.fednode.anonymiser.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.anonymiser.ExternalTools;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/generate-safe-private.py on small extractions in the two shapes posdaJS commits use
 * (space-padded keys and plain cells; cells as objects with a "text" field), with lower-case hex
 * digits as the source has them; its output must load.
 */
class SafePrivateGeneratorTest {
    private static final Path GENERATOR = Path.of("tools/generate-safe-private.py");

    @TempDir Path dir;

    private List<String> generate(String js) throws IOException {
        Path in = dir.resolve("table.js");
        Path out = dir.resolve("out.tsv");
        Files.writeString(in, js);
        ExternalTools.Result r =
                ExternalTools.run(
                        List.of(
                                ExternalTools.PYTHON.toString(),
                                GENERATOR.toString(),
                                "--table-js",
                                in.toString(),
                                "--source-commit",
                                "0123abc",
                                "--edition",
                                "edition not stated in the extraction",
                                "--out",
                                out.toString()),
                        null);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return Files.readAllLines(out);
    }

    @Test
    void writesUpperCaseHexRowsWithTheirProvenance() throws IOException {
        List<String> lines =
                generate(
                        "datab = [{},"
                                + "{\"  Data Element  \":\" (0199,xx0a) \",\"  Private Creator  \":"
                                + "\" NQLeft \",\"  VR  \":\" FL \",\"  VM  \":\" 1 \","
                                + "\"  Meaning  \":\" Left Cerebellar Gray Matter \"},"
                                + "{\"  Data Element  \":\" (0043,xx6F) \",\"  Private Creator  \":"
                                + "\" GEMS_PARM_01 \",\"  VR  \":\" DS \",\"  VM  \":\" 3-4 \","
                                + "\"  Meaning  \":\" Scanner   Table Entry \"}];");
        assertThat(lines.get(0))
                .startsWith("# DICOM PS3.15 Table E.3.10-1 Safe Private Attributes,")
                .contains("edition not stated in the extraction")
                .contains("vupeter/posdaJS@0123abc lib/json/book/part15/table_E.3.10-1.js")
                .endsWith("(2 rows)");
        assertThat(lines.subList(2, lines.size()))
                .containsExactly(
                        "0043\t6F\tGEMS_PARM_01\tDS\t3-4\tScanner Table Entry",
                        "0199\t0A\tNQLeft\tFL\t1\tLeft Cerebellar Gray Matter");
        SafePrivateTable t = SafePrivateTable.parse(new StringReader(String.join("\n", lines)));
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.lookup(0x0199, "NQLeft", 0x0A)).isNotNull();
    }

    @Test
    void readsCellsGivenAsObjects() throws IOException {
        List<String> lines =
                generate(
                        "datab = [{},{\"Data Element\":{\"colspan\":\"1\",\"text\":\"(2005,xx0e)\"},"
                                + "\"Private Creator\":{\"text\":\"Philips MR Imaging DD 001\"},"
                                + "\"VR\":{\"text\":\"FL\"},\"VM\":{\"text\":\"1\"},"
                                + "\"Meaning\":{\"text\":\"Scale Slope\"}}];");
        assertThat(lines.get(2))
                .isEqualTo("2005\t0E\tPhilips MR Imaging DD 001\tFL\t1\tScale Slope");
    }

    @Test
    void refusesAnEvenGroup() throws IOException {
        Path in = dir.resolve("bad.js");
        Files.writeString(
                in,
                "datab = [{\"Data Element\":\"(0018,xx01)\",\"Private Creator\":\"X\","
                        + "\"VR\":\"DS\",\"VM\":\"1\",\"Meaning\":\"m\"}];");
        ExternalTools.Result r =
                ExternalTools.run(
                        List.of(
                                ExternalTools.PYTHON.toString(),
                                GENERATOR.toString(),
                                "--table-js",
                                in.toString(),
                                "--source-commit",
                                "x",
                                "--edition",
                                "e",
                                "--out",
                                dir.resolve("bad.tsv").toString()),
                        null);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("even group");
    }
}
