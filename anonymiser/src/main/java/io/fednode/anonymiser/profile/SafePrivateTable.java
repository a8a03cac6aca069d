package io.fednode.anonymiser.profile;

import io.fednode.anonymiser.dicom.Vr;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PS3.15 Table E.3.10-1 "Safe Private Attributes", loaded from {@code safe-private-attributes.tsv},
 * which {@code anonymiser/tools/generate-safe-private.py} generates from a machine-readable
 * extraction of the standard. The first line of the resource names the source, the edition and the
 * row count. A row names a private attribute by its odd group, its Private Creator and the low byte
 * {@code xx} of its element {@code (gggg,bbxx)}, whatever block {@code bb} the creator reserved in
 * a given data set.
 */
public final class SafePrivateTable {
    private static final Pattern ROW_COUNT = Pattern.compile("\\((\\d+) rows\\)\\s*$");
    private static final Pattern VM = Pattern.compile("(\\d+)(?:-(\\d+)?(n)?)?(n)?");
    private static final Pattern DS =
            Pattern.compile(" *[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)? *");
    private static final Pattern IS = Pattern.compile(" *[+-]?[0-9]+ *");
    private static final Pattern CS = Pattern.compile("[A-Z0-9 _]*");
    private static final Pattern UI = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    /** Short text: no control characters but ESC (character set switching). */
    private static final Pattern SHORT_TEXT = Pattern.compile("[^\\x00-\\x1A\\x1C-\\x1F\\x7F]*");

    /** Long text: also TAB, LF, FF and CR. */
    private static final Pattern LONG_TEXT =
            Pattern.compile("[^\\x00-\\x08\\x0B\\x0E-\\x1A\\x1C-\\x1F\\x7F]*");

    /** One row of the table. */
    public record Entry(
            int group,
            int elementByte,
            String creator,
            List<String> vrs,
            int minValues,
            int maxValues,
            String meaning) {

        /**
         * The VR the value is judged by: the file's VR when the table allows it, the table's VR
         * when the file does not say (UN, explicit or from an implicit-VR transfer syntax), else
         * null — the file contradicts the table, and a value of unknown meaning is not kept.
         */
        public String judgedVr(String fileVr) {
            if (vrs.contains(fileVr)) {
                return fileVr;
            }
            return Vr.UN.equals(fileVr) ? vrs.get(0) : null;
        }

        /**
         * Whether {@code value} is plausible for {@code vr} and this row's VM: fixed-size binary
         * values come in whole numbers of values, character values use only the VR's characters and
         * keep within its length limit. An empty value is always plausible. VRs this check does not
         * know how to judge (dates, times, names ...: none is on the table) are not plausible, so
         * they are removed.
         */
        public boolean accepts(String vr, byte[] value) {
            if (value.length == 0) {
                return true;
            }
            int size = Vr.binarySize(vr);
            if (size > 0) {
                return value.length % size == 0 && withinVm(value.length / size);
            }
            return switch (vr) {
                case "OB", "OW", "OD", "OF", "OL", "OV", "UN" -> true; // opaque bytes
                case "LT" -> freeText(value, 10240);
                case "ST" -> freeText(value, 1024);
                case "UT" -> freeText(value, Integer.MAX_VALUE);
                default -> multiValued(vr, value);
            };
        }

        private boolean withinVm(int count) {
            return count >= minValues && count <= maxValues;
        }

        private boolean multiValued(String vr, byte[] value) {
            Pattern allowed;
            int maxLength;
            switch (vr) {
                case "DS" -> {
                    allowed = DS;
                    maxLength = 16;
                }
                case "IS" -> {
                    allowed = IS;
                    maxLength = 12;
                }
                case "CS" -> {
                    allowed = CS;
                    maxLength = 16;
                }
                case "UI" -> {
                    allowed = UI;
                    maxLength = 64;
                }
                case "SH" -> {
                    allowed = SHORT_TEXT;
                    maxLength = 16;
                }
                case "LO" -> {
                    allowed = SHORT_TEXT;
                    maxLength = 64;
                }
                default -> {
                    return false;
                }
            }
            String[] values = unpadded(value).split("\\\\", -1);
            if (!withinVm(values.length)) {
                return false;
            }
            for (String v : values) {
                if (v.length() > maxLength || !allowed.matcher(v).matches()) {
                    return false;
                }
            }
            return true;
        }

        private static boolean freeText(byte[] value, int maxLength) {
            String v = unpadded(value);
            return v.length() <= maxLength && LONG_TEXT.matcher(v).matches();
        }

        private static String unpadded(byte[] value) {
            int end = value.length;
            if (end > 0 && (value[end - 1] == ' ' || value[end - 1] == 0)) {
                end--; // the one byte of padding to even length
            }
            return new String(value, 0, end, StandardCharsets.ISO_8859_1);
        }
    }

    private record Key(int group, String creator, int elementByte) {}

    private static final SafePrivateTable STANDARD = loadResource();

    private final String source;
    private final Map<Key, Entry> entries;

    private SafePrivateTable(String source, Map<Key, Entry> entries) {
        this.source = source;
        this.entries = entries;
    }

    public static SafePrivateTable standard() {
        return STANDARD;
    }

    /** Source, edition and row count, as recorded by the generator. */
    public String source() {
        return source;
    }

    public int size() {
        return entries.size();
    }

    /**
     * The row for an element whose low byte is {@code elementByte} in a block of {@code group}
     * reserved by {@code creator} (already trimmed of padding), or null when it is not safe.
     */
    public Entry lookup(int group, String creator, int elementByte) {
        return entries.get(new Key(group, creator, elementByte));
    }

    /** Private Creator value as compared: trailing spaces and NULs are padding, not content. */
    public static String creatorName(byte[] value) {
        int end = value.length;
        while (end > 0 && (value[end - 1] == ' ' || value[end - 1] == 0)) {
            end--;
        }
        return new String(value, 0, end, StandardCharsets.ISO_8859_1);
    }

    private static SafePrivateTable loadResource() {
        String name = "safe-private-attributes.tsv";
        try (InputStream in = SafePrivateTable.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses the generated TSV. Hex digits may be of either case. Fails when a row is malformed,
     * repeated, or when the number of rows differs from the count the header records.
     */
    static SafePrivateTable parse(Reader text) throws IOException {
        BufferedReader r = new BufferedReader(text);
        String header = r.readLine();
        if (header == null || !header.startsWith("# ")) {
            throw new IllegalStateException("safe private table without a provenance line");
        }
        Matcher count = ROW_COUNT.matcher(header);
        if (!count.find()) {
            throw new IllegalStateException("safe private table header has no row count");
        }
        String columns = r.readLine();
        if (!"group\telement\tcreator\tvr\tvm\tmeaning".equals(columns)) {
            throw new IllegalStateException("unexpected columns in the safe private table");
        }
        Map<Key, Entry> entries = new HashMap<>();
        for (String line; (line = r.readLine()) != null; ) {
            String[] f = line.split("\t", -1);
            if (f.length != 6 || f[0].length() != 4 || f[1].length() != 2 || f[2].isEmpty()) {
                throw new IllegalStateException("malformed safe private row: " + line);
            }
            int group = Integer.parseInt(f[0], 16);
            int elementByte = Integer.parseInt(f[1], 16);
            if ((group & 1) == 0) {
                throw new IllegalStateException("even group in the safe private table: " + line);
            }
            List<String> vrs = List.of(f[3].split(" or "));
            for (String vr : vrs) {
                if (!Vr.isKnown(vr)) {
                    throw new IllegalStateException("unknown VR in safe private row: " + line);
                }
            }
            Matcher vm = VM.matcher(f[4]);
            if (!vm.matches()) {
                throw new IllegalStateException("unknown VM in safe private row: " + line);
            }
            int min = Integer.parseInt(vm.group(1));
            int max =
                    vm.group(3) != null || vm.group(4) != null
                            ? Integer.MAX_VALUE
                            : vm.group(2) != null ? Integer.parseInt(vm.group(2)) : min;
            Entry e = new Entry(group, elementByte, f[2], vrs, min, max, f[5]);
            if (entries.put(new Key(group, f[2], elementByte), e) != null) {
                throw new IllegalStateException("repeated safe private row: " + line);
            }
        }
        int declared = Integer.parseInt(count.group(1));
        if (declared != entries.size()) {
            throw new IllegalStateException(
                    "safe private table declares " + declared + " rows, has " + entries.size());
        }
        return new SafePrivateTable(header.substring(2), entries);
    }
}
