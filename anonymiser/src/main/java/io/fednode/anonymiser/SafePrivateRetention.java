package io.fednode.anonymiser;

import io.fednode.anonymiser.dicom.DicomFormatException;
import io.fednode.anonymiser.dicom.DicomOutput;
import io.fednode.anonymiser.dicom.Vr;
import io.fednode.anonymiser.profile.PrivateBlocks;
import io.fednode.anonymiser.profile.SafePrivateTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The Retain Safe Private option for one file. A private element is kept only when its block's
 * creator and element byte are on the safe list (PS3.15 Table E.3.10-1) and its value is plausible
 * for the listed VR; UIDs are still replaced and text holding one of the file's identifying words
 * is removed ({@link #retainedValue}). Kept elements are held per private group of each data set
 * until the group ends: only then is it known which creators to write before them ({@link #end}).
 */
final class SafePrivateRetention {
    /**
     * Bytes of safe private attributes a file may hold in memory until their group ends; a file
     * needing more is quarantined.
     */
    static final int MAX_HELD_PRIVATE = 16 << 20;

    private final SafePrivateTable table;
    private final ValueTransforms transforms;
    private final boolean retainUids;

    /** The private group of the data set being rewritten. */
    private HeldGroup group;

    private long heldBytes;

    SafePrivateRetention(SafePrivateTable table, ValueTransforms transforms, boolean retainUids) {
        this.table = table;
        this.transforms = transforms;
        this.retainUids = retainUids;
        this.group = new HeldGroup();
    }

    /** The safe private elements of one private group of one data set, held until it ends. */
    final class HeldGroup {
        private final PrivateBlocks blocks = new PrivateBlocks(table);
        private final HeldBytes kept = new HeldBytes();
    }

    /** Starts a nested data set (a sequence item); returns the enclosing one's group. */
    HeldGroup enterDataSet() {
        HeldGroup outer = group;
        group = new HeldGroup(); // each item is a data set of its own
        return outer;
    }

    /** Ends a nested data set: writes what it held to {@code o}, back to the enclosing group. */
    void leaveDataSet(HeldGroup outer, DicomOutput o) throws IOException {
        end(o);
        group = outer;
    }

    /** Records a Private Creator element of the current data set. */
    void creator(int tag, String vr, byte[] value) {
        group.blocks.creator(tag, vr, value);
    }

    /** The table row that makes the private data element {@code tag} safe here, or null. */
    SafePrivateTable.Entry entry(int tag) {
        return group.blocks.safeEntry(tag);
    }

    /**
     * The value kept for a safe element judged by {@code vr}, or null when it is removed: not
     * plausible for the row, or text holding an identifying word. UIDs are replaced (standard UIDs
     * kept) unless the profile retains UIDs.
     */
    byte[] retainedValue(SafePrivateTable.Entry entry, String vr, byte[] value) {
        if (!entry.accepts(vr, value)) {
            return null;
        }
        if (Vr.UI.equals(vr)) {
            return retainUids
                    ? value
                    : transforms.apply(Treatment.REPLACE_NON_STANDARD_UIDS, vr, value);
        }
        if (Vr.isText(vr)
                && !"DS".equals(vr)
                && !"IS".equals(vr)
                && transforms.holdsIdentifyingWord(value)) {
            return null;
        }
        return value;
    }

    /**
     * A buffer for one safe element {@code tag} of the current group, in {@code like}'s encoding:
     * the rewrite writes the element into {@link HeldElement#output()}, then keeps it or not.
     */
    HeldElement hold(int tag, DicomOutput like) {
        return new HeldElement(tag, group, like);
    }

    /** One safe element being written, held until it is known whether it is kept. */
    final class HeldElement {
        private final int tag;
        private final HeldGroup owner;
        private final HeldBytes bytes = new HeldBytes();
        private final DicomOutput output;

        private HeldElement(int tag, HeldGroup owner, DicomOutput like) {
            this.tag = tag;
            this.owner = owner;
            this.output = new DicomOutput(bytes);
            output.encoding(like.explicitVr(), like.bigEndian());
        }

        DicomOutput output() {
            return output;
        }

        /** Keeps the element: held in its group; its block's creator will be written. */
        void keep() throws IOException {
            owner.blocks.kept(tag);
            bytes.writeTo(owner.kept);
        }
    }

    /** Writes the held group when {@code tag} no longer belongs to it. */
    void endBefore(int tag, DicomOutput o) throws IOException {
        if (group.blocks.endedBefore(tag)) {
            end(o);
        }
    }

    /** Writes the creators of the blocks that kept something, then the kept elements. */
    void end(DicomOutput o) throws IOException {
        PrivateBlocks blocks = group.blocks;
        if (blocks.group() < 0) {
            return;
        }
        for (int block : blocks.keptBlocks()) {
            o.writeElement(
                    (blocks.group() << 16) | block,
                    blocks.creatorVr(block),
                    blocks.creatorValue(block));
        }
        group.kept.writeTo(o.stream());
        group.kept.reset();
        blocks.clear();
    }

    /** The error a file gets when its held safe private attributes outgrow the limit. */
    static DicomFormatException tooMuchHeld() {
        return new DicomFormatException(
                DicomFormatException.VALUE_TOO_LARGE,
                "safe private attributes need more than " + MAX_HELD_PRIVATE + " bytes");
    }

    /** A buffer counted against {@link #MAX_HELD_PRIVATE}. */
    private final class HeldBytes extends ByteArrayOutputStream {
        @Override
        public synchronized void write(int b) {
            count(1);
            super.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            count(len);
            super.write(b, off, len);
        }
    }

    private void count(int bytes) {
        heldBytes += bytes;
        if (heldBytes > MAX_HELD_PRIVATE) {
            throw new Overflow();
        }
    }

    /** The held safe private attributes of a file outgrew {@link #MAX_HELD_PRIVATE}. */
    static final class Overflow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Overflow() {
            super(null, null, false, false);
        }
    }
}
