package io.fednode.anonymiser.profile;

import io.fednode.anonymiser.dicom.MaskedTag;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PS3.15 Table E.1-1, loaded from {@code annex-e-table.tsv}, which {@code
 * anonymiser/tools/generate-annex-e.py} generates from the standard's published table. The first
 * line of the resource names the source and the edition.
 */
public final class AnnexETable {
    /** One row: the action code per column (basic profile first, then the options), and a name. */
    public record Row(String[] codes, String name) {
        /** The basic action, overridden by each enabled option that has a code for this row. */
        public Action resolve(Set<ProfileOption> options) {
            String code = codes[0];
            for (ProfileOption o : ProfileOption.values()) {
                String c = codes[o.ordinal() + 1];
                if (options.contains(o) && !c.isEmpty()) {
                    code = c;
                }
            }
            return Action.forCode(code);
        }
    }

    private static final AnnexETable STANDARD = load();

    private final String source;
    private final Map<Integer, Row> exact;
    private final List<MaskedTag<Row>> masked;
    private final Row privateAttributes;

    private AnnexETable(
            String source, Map<Integer, Row> exact, List<MaskedTag<Row>> masked, Row privateRow) {
        this.source = source;
        this.exact = exact;
        this.masked = masked;
        this.privateAttributes = privateRow;
    }

    public static AnnexETable standard() {
        return STANDARD;
    }

    /** Source and edition, as recorded by the generator. */
    public String source() {
        return source;
    }

    public int size() {
        return exact.size() + masked.size() + (privateAttributes == null ? 0 : 1);
    }

    /** The row for a standard tag, or null when the table does not list it. */
    public Row lookup(int tag) {
        Row r = exact.get(tag);
        if (r != null) {
            return r;
        }
        for (MaskedTag<Row> m : masked) {
            if (m.matches(tag)) {
                return m.payload();
            }
        }
        return null;
    }

    public Row privateAttributes() {
        return privateAttributes;
    }

    private static AnnexETable load() {
        String name = "annex-e-table.tsv";
        try (InputStream in = AnnexETable.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            BufferedReader r =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String source = r.readLine().substring(2);
            String[] columns = r.readLine().split("\t");
            int optionCount = ProfileOption.values().length;
            if (columns.length != optionCount + 3) {
                throw new IllegalStateException("unexpected columns in " + name);
            }
            Map<Integer, Row> exact = new HashMap<>();
            List<MaskedTag<Row>> masked = new ArrayList<>();
            Row privateRow = null;
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split("\t", -1);
                String[] codes = new String[optionCount + 1];
                System.arraycopy(f, 1, codes, 0, optionCount + 1);
                Row row = new Row(codes, f[f.length - 1]);
                row.resolve(EnumSet.allOf(ProfileOption.class)); // validates the codes
                if (f[0].equals("private")) {
                    privateRow = row;
                } else if (f[0].indexOf('x') >= 0) {
                    masked.add(MaskedTag.parse(f[0], row));
                } else {
                    exact.put((int) Long.parseLong(f[0], 16), row);
                }
            }
            return new AnnexETable(source, exact, masked, privateRow);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
