package io.fednode.anonymiser.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SafePrivateTableTest {
    private static final String COLUMNS = "group\telement\tcreator\tvr\tvm\tmeaning\n";
    private final SafePrivateTable standard = SafePrivateTable.standard();

    private static String resource() throws IOException {
        try (InputStream in =
                SafePrivateTable.class.getResourceAsStream("safe-private-attributes.tsv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static SafePrivateTable parse(String header, String rows) throws IOException {
        return SafePrivateTable.parse(new StringReader(header + "\n" + COLUMNS + rows));
    }

    @Test
    void loadsEveryRowOfTheGeneratedResourceAndRecordsItsProvenance() throws IOException {
        String text = resource();
        Matcher declared =
                Pattern.compile("\\((\\d+) rows\\)").matcher(text.lines().findFirst().get());
        assertThat(declared.find()).isTrue();
        long dataLines = text.lines().skip(2).filter(l -> !l.isBlank()).count();
        assertThat(standard.size())
                .isEqualTo(Integer.parseInt(declared.group(1)))
                .isEqualTo(dataLines)
                .isEqualTo(86);
        assertThat(standard.source())
                .contains("Table E.3.10-1")
                .contains("vupeter/posdaJS@23a7c8023dfc5a8c8887935af7c804a554d2a33f")
                .contains("lib/json/book/part15/table_E.3.10-1.js")
                .contains("edition not stated in the extraction");
    }

    @Test
    void findsRowsByGroupCreatorAndElementByte() {
        SafePrivateTable.Entry ge = standard.lookup(0x0019, "GEMS_ACQU_01", 0x23);
        assertThat(ge).isNotNull();
        assertThat(ge.vrs()).containsExactly("DS");
        assertThat(ge.meaning()).contains("Table Speed");
        SafePrivateTable.Entry siemens = standard.lookup(0x0019, "SIEMENS MR HEADER", 0x0E);
        assertThat(siemens.vrs()).containsExactly("FD");
        assertThat(siemens.minValues()).isEqualTo(3);
        assertThat(siemens.maxValues()).isEqualTo(3);
        assertThat(standard.lookup(0x2005, "Philips MR Imaging DD 001", 0x0E).vrs())
                .containsExactly("FL");
        assertThat(standard.lookup(0x0099, "NQHeader", 0x02).vrs()).containsExactly("UI");
        SafePrivateTable.Entry range = standard.lookup(0x0043, "GEMS_PARM_01", 0x6F);
        assertThat(range.minValues()).isEqualTo(3);
        assertThat(range.maxValues()).isEqualTo(4);
        // The source writes these element digits in lower case: (0199,xx0a), (0299,xx0f).
        assertThat(standard.lookup(0x0199, "NQLeft", 0x0A)).isNotNull();
        assertThat(standard.lookup(0x0299, "NQRight", 0x0F)).isNotNull();
    }

    @Test
    void creatorsCompareExactlyAfterTrailingPadding() {
        assertThat(
                        SafePrivateTable.creatorName(
                                "GEMS_ACQU_01 ".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("GEMS_ACQU_01");
        assertThat(SafePrivateTable.creatorName("NQHeader\0\0".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("NQHeader");
        assertThat(standard.lookup(0x0019, "gems_acqu_01", 0x23)).isNull();
        assertThat(standard.lookup(0x0019, " GEMS_ACQU_01", 0x23)).isNull();
        assertThat(standard.lookup(0x0019, "GEMS_ACQU_02", 0x23)).isNull();
        assertThat(standard.lookup(0x0021, "GEMS_ACQU_01", 0x23)).isNull(); // other group
        assertThat(standard.lookup(0x0019, "GEMS_ACQU_01", 0x25)).isNull(); // not listed
    }

    @Test
    void parsesHexDigitsOfEitherCase() throws IOException {
        SafePrivateTable t =
                parse(
                        "# test (2 rows)",
                        "7e01\t1a\tvendor a\tFL\t1\tlower\n"
                                + "7E03\t0B\tvendor b\tUS or SS\t1-n\tupper\n");
        assertThat(t.lookup(0x7E01, "vendor a", 0x1A)).isNotNull();
        SafePrivateTable.Entry b = t.lookup(0x7E03, "vendor b", 0x0B);
        assertThat(b.vrs()).containsExactly("US", "SS");
        assertThat(b.maxValues()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void rejectsAResourceThatDisagreesWithItself() {
        assertThatThrownBy(() -> parse("# test (3 rows)", "0019\t23\tX\tDS\t1\tm\n"))
                .hasMessageContaining("declares 3 rows, has 1");
        assertThatThrownBy(() -> parse("# test (1 rows)", "0018\t23\tX\tDS\t1\tm\n"))
                .hasMessageContaining("even group");
        assertThatThrownBy(() -> parse("# test (1 rows)", "0019\t23\tX\tQQ\t1\tm\n"))
                .hasMessageContaining("unknown VR");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "# test (2 rows)",
                                        "0019\t23\tX\tDS\t1\tm\n0019\t23\tX\tDS\t1\tm\n"))
                .hasMessageContaining("repeated");
    }

    @Test
    void judgesTheValueByTheTablesVrWhenTheFileDoesNotSayOrAgrees() {
        SafePrivateTable.Entry ds = standard.lookup(0x0019, "GEMS_ACQU_01", 0x23);
        assertThat(ds.judgedVr("DS")).isEqualTo("DS");
        assertThat(ds.judgedVr("UN")).isEqualTo("DS");
        assertThat(ds.judgedVr("LO")).isNull();
        assertThat(ds.judgedVr("OB")).isNull();
    }

    @Test
    void acceptsOnlyValuesPlausibleForTheVrAndVm() {
        SafePrivateTable.Entry ds = standard.lookup(0x0019, "GEMS_ACQU_01", 0x23);
        assertThat(ds.accepts("DS", ascii("12.5"))).isTrue();
        assertThat(ds.accepts("DS", ascii("-1.5e3 "))).isTrue();
        assertThat(ds.accepts("DS", new byte[0])).isTrue();
        assertThat(ds.accepts("DS", ascii("DOE^JOHN"))).isFalse();
        assertThat(ds.accepts("DS", ascii("1\\2"))).isFalse(); // VM 1
        assertThat(ds.accepts("DS", ascii("12345678901234567"))).isFalse(); // > 16
        SafePrivateTable.Entry fd3 = standard.lookup(0x0019, "SIEMENS MR HEADER", 0x0E);
        assertThat(fd3.accepts("FD", new byte[24])).isTrue();
        assertThat(fd3.accepts("FD", new byte[16])).isFalse();
        assertThat(fd3.accepts("FD", new byte[25])).isFalse();
        SafePrivateTable.Entry is = standard.lookup(0x0019, "SIEMENS MR HEADER", 0x0C);
        assertThat(is.accepts("IS", ascii("1000"))).isTrue();
        assertThat(is.accepts("IS", ascii("10.5"))).isFalse();
        SafePrivateTable.Entry cs = standard.lookup(0x0019, "SIEMENS MR HEADER", 0x0D);
        assertThat(cs.accepts("CS", ascii("DIRECTIONAL "))).isTrue();
        assertThat(cs.accepts("CS", ascii("Doe John"))).isFalse();
        SafePrivateTable.Entry ui = standard.lookup(0x0099, "NQHeader", 0x02);
        assertThat(ui.accepts("UI", ascii("1.2.3.4\0"))).isTrue();
        assertThat(ui.accepts("UI", ascii("PATIENT"))).isFalse();
        SafePrivateTable.Entry lt = standard.lookup(0x0099, "NQHeader", 0x05);
        assertThat(lt.accepts("LT", ascii("line one\r\nline two"))).isTrue();
        assertThat(lt.accepts("LT", new byte[] {'a', 1, 'b', ' '})).isFalse();
        SafePrivateTable.Entry ob = standard.lookup(0x7E01, "HOLOGIC, Inc.", 0x12);
        assertThat(ob.accepts("OB", new byte[] {1, 2, 3, 4})).isTrue();
    }

    @Test
    void vrsItCannotJudgeAreNotAccepted() throws IOException {
        SafePrivateTable t = parse("# test (1 rows)", "0019\t01\tX\tDA\t1\ta date\n");
        assertThat(t.lookup(0x0019, "X", 0x01).accepts("DA", ascii("20240101"))).isFalse();
        assertThat(List.of(t.lookup(0x0019, "X", 0x01).vrs())).hasSize(1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
