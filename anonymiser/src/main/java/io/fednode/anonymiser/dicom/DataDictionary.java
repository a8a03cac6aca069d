package io.fednode.anonymiser.dicom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The PS3.6 data dictionary (VR, keyword, retired flag per tag), loaded from the resource that
 * {@code anonymiser/tools/generate-annex-e.py} generates from the standard's published tables.
 * Needed for implicit-VR data sets, whose elements carry no VR.
 */
public final class DataDictionary {
    /** One dictionary entry. */
    public record Entry(String vr, boolean retired, String keyword) {}

    private static final DataDictionary STANDARD = load();

    private final Map<Integer, Entry> exact;
    private final List<MaskedTag<Entry>> masked;

    private DataDictionary(Map<Integer, Entry> exact, List<MaskedTag<Entry>> masked) {
        this.exact = exact;
        this.masked = masked;
    }

    public static DataDictionary standard() {
        return STANDARD;
    }

    /** The entry for a tag, or null for private and unknown tags. */
    public Entry lookup(int tag) {
        Entry e = exact.get(tag);
        if (e != null) {
            return e;
        }
        for (MaskedTag<Entry> m : masked) {
            if (m.matches(tag)) {
                return m.payload();
            }
        }
        return null;
    }

    /** The VR to assume for an implicit-VR element. */
    public String vrOf(int tag) {
        if (Tags.isPrivate(tag)) {
            int el = Tags.element(tag);
            return el >= 0x10 && el <= 0xFF ? "LO" : Vr.UN; // private creator or unknown
        }
        if (Tags.element(tag) == 0) {
            return "UL"; // group length
        }
        Entry e = lookup(tag);
        return e == null ? Vr.UN : e.vr();
    }

    private static DataDictionary load() {
        String name = "data-dictionary.tsv";
        try (InputStream in = DataDictionary.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            BufferedReader r =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.readLine(); // source and edition
            r.readLine(); // column names
            Map<Integer, Entry> exact = new HashMap<>();
            List<MaskedTag<Entry>> masked = new ArrayList<>();
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.split("\t");
                Entry e = new Entry(f[1], f[2].equals("R"), f[3]);
                if (f[0].indexOf('x') >= 0) {
                    masked.add(MaskedTag.parse(f[0], e));
                } else {
                    exact.put((int) Long.parseLong(f[0], 16), e);
                }
            }
            return new DataDictionary(exact, masked);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
