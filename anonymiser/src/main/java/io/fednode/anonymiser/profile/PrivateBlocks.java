package io.fednode.anonymiser.profile;

import io.fednode.anonymiser.dicom.Tags;
import java.util.BitSet;

/**
 * The private blocks of one odd group in one data set (the top level or one sequence item), for the
 * Retain Safe Private option. Private Creator elements {@code (gggg,00bb)} reserve block {@code
 * bb}; an element {@code (gggg,bbxx)} is safe when the table lists its group, the creator of block
 * {@code bb} and {@code xx}. Elements arrive in ascending order, so every creator of a group is
 * seen before the group's first data element; a data element whose block has no creator is never
 * safe. The creators of blocks with a kept element are written out by the caller when the group
 * ends (only then is it known which blocks keep something).
 */
public final class PrivateBlocks {
    private final SafePrivateTable table;
    private int group = -1;
    private final String[] names = new String[256];
    private final String[] vrs = new String[256];
    private final byte[][] values = new byte[256][];
    private final BitSet kept = new BitSet(256);

    public PrivateBlocks(SafePrivateTable table) {
        this.table = table;
    }

    /**
     * Whether {@code tag} is a Private Creator element {@code (gggg,0010-00FF)} of an odd group.
     */
    public static boolean isCreator(int tag) {
        int element = Tags.element(tag);
        return Tags.isPrivate(tag) && element >= 0x10 && element <= 0xFF;
    }

    /** The odd group whose blocks are held, or -1 when none is. */
    public int group() {
        return group;
    }

    /** Whether the blocks held belong to a group other than {@code tag}'s (so it has ended). */
    public boolean endedBefore(int tag) {
        return group >= 0 && Tags.group(tag) != group;
    }

    /** Records a Private Creator element; its raw value is kept to be written out if needed. */
    public void creator(int tag, String vr, byte[] value) {
        enter(Tags.group(tag));
        int block = Tags.element(tag);
        if (names[block] == null) {
            names[block] = SafePrivateTable.creatorName(value);
            vrs[block] = vr;
            values[block] = value;
        }
    }

    /** The table row that makes the data element {@code tag} safe here, or null. */
    public SafePrivateTable.Entry safeEntry(int tag) {
        if (Tags.group(tag) != group) {
            return null; // no creator of this group was seen in this data set
        }
        int block = Tags.element(tag) >>> 8;
        if (block < 0x10 || names[block] == null) {
            return null;
        }
        return table.lookup(group, names[block], Tags.element(tag) & 0xFF);
    }

    /** Notes that a data element was kept, so its block's creator must be written. */
    public void kept(int tag) {
        kept.set(Tags.element(tag) >>> 8);
    }

    /** Creator blocks with a kept element, ascending (the order their creators are written in). */
    public int[] keptBlocks() {
        return kept.stream().toArray();
    }

    public String creatorVr(int block) {
        return vrs[block];
    }

    public byte[] creatorValue(int block) {
        return values[block];
    }

    /** Forgets the group held: its output has been written. */
    public void clear() {
        group = -1;
        java.util.Arrays.fill(names, null);
        java.util.Arrays.fill(vrs, null);
        java.util.Arrays.fill(values, null);
        kept.clear();
    }

    private void enter(int g) {
        if (g != group) {
            clear();
            group = g;
        }
    }
}
