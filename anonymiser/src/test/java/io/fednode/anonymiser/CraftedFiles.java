package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real files with one value replaced, byte by byte (independent of the anonymiser's writer), and a
 * pydicom-made template for corpora of many tiny files.
 */
public final class CraftedFiles {
    static final int SOP_INSTANCE_UID = 0x00080018;
    static final int STUDY_INSTANCE_UID = 0x0020000D;
    static final int SERIES_INSTANCE_UID = 0x0020000E;

    /** UID values that must never become output paths. */
    static List<String> hostileUids(Path outside) {
        return List.of(
                outside.toAbsolutePath().toString(), // an absolute path
                "../../../escaped", // climbs out of --output
                "..",
                "1.2..3",
                "1.2.3." + "4".repeat(60), // 66 characters
                "1.2.abc",
                "1.2.3/4",
                "1.2.3\\4.5"); // two values
    }

    private CraftedFiles() {}

    /** pydicom's CT_small.dcm (explicit VR little endian). */
    static byte[] ctSmall() throws IOException {
        return Files.readAllBytes(ExternalTools.pydicomTestFiles().resolve("CT_small.dcm"));
    }

    /**
     * {@code file} (explicit VR little endian) with the top-level UI element {@code tag} holding
     * {@code value} (padded to even length with a NUL, its 16-bit length rewritten).
     */
    static byte[] withUid(byte[] file, int tag, String value) {
        byte[] patched = withUidIfPresent(file, tag, value);
        assertThat(patched).as("UI element %08X", tag).isNotNull();
        return patched;
    }

    /** As {@link #withUid}, or null when the file has no such explicit-VR element. */
    static byte[] withUidIfPresent(byte[] file, int tag, String value) {
        return withValueIfPresent(file, tag, "UI", value);
    }

    /**
     * {@code file} (explicit VR little endian) with the top-level element {@code tag} of a
     * short-length {@code vr} holding {@code value}, or null when there is no such element.
     */
    static byte[] withValueIfPresent(byte[] file, int tag, String vr, String value) {
        byte[] header =
                ByteBuffer.allocate(6)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putShort((short) (tag >>> 16))
                        .putShort((short) tag)
                        .put(vr.getBytes(StandardCharsets.US_ASCII))
                        .array();
        int at = indexOf(file, header, 132);
        if (at < 0 || at + 8 > file.length) {
            return null;
        }
        int oldLength = (file[at + 6] & 0xFF) | (file[at + 7] & 0xFF) << 8;
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        if (at + 8 + oldLength > file.length) {
            return null;
        }
        if (v.length % 2 == 1) {
            v = java.util.Arrays.copyOf(v, v.length + 1);
        }
        ByteBuffer out = ByteBuffer.allocate(file.length - oldLength + v.length);
        out.order(ByteOrder.LITTLE_ENDIAN);
        out.put(file, 0, at + 6).putShort((short) v.length).put(v);
        out.put(file, at + 8 + oldLength, file.length - at - 8 - oldLength);
        return out.array();
    }

    /** First index of {@code needle} at or after {@code from}, else -1. */
    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Writes {@code count} tiny distinct files (8x8 pixels, made by pydicom; SOP Instance UIDs
     * differ) into {@code dir}, {@code perSeries} per series folder.
     */
    public static void tinyCorpus(Path dir, int count, int perSeries) throws IOException {
        Path template = Files.createTempFile("fednode-tiny", ".dcm");
        try {
            ExternalTools.Result r = ExternalTools.python(TINY, List.of(template.toString()));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            byte[] t = Files.readAllBytes(template);
            for (int i = 0; i < count; i++) {
                int series = i / perSeries;
                byte[] f = withUid(t, SOP_INSTANCE_UID, "1.2.826.0.1.3680043.8.498.99.1." + i);
                f = withUid(f, SERIES_INSTANCE_UID, "1.2.826.0.1.3680043.8.498.99.2." + series);
                Path d = dir.resolve("series-" + series);
                Files.createDirectories(d);
                Files.write(d.resolve("img" + i + ".dcm"), f);
            }
        } finally {
            Files.delete(template);
        }
    }

    private static final String TINY =
            String.join(
                    "\n",
                    "import sys",
                    "from pydicom.dataset import Dataset, FileMetaDataset",
                    "from pydicom.uid import ExplicitVRLittleEndian",
                    "meta = FileMetaDataset()",
                    "meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7'",
                    "meta.MediaStorageSOPInstanceUID = '1.2.826.0.1.3680043.8.498.99.1'",
                    "meta.TransferSyntaxUID = ExplicitVRLittleEndian",
                    "ds = Dataset()",
                    "ds.file_meta = meta",
                    "ds.SOPClassUID = meta.MediaStorageSOPClassUID",
                    "ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID",
                    "ds.StudyInstanceUID = '1.2.826.0.1.3680043.8.498.99.3'",
                    "ds.SeriesInstanceUID = '1.2.826.0.1.3680043.8.498.99.2'",
                    "ds.PatientName = 'Tiny^Patient'",
                    "ds.PatientID = 'TINY-1'",
                    "ds.Modality = 'OT'",
                    "ds.Rows = 8",
                    "ds.Columns = 8",
                    "ds.SamplesPerPixel = 1",
                    "ds.PhotometricInterpretation = 'MONOCHROME2'",
                    "ds.BitsAllocated = 8",
                    "ds.BitsStored = 8",
                    "ds.HighBit = 7",
                    "ds.PixelRepresentation = 0",
                    "ds.PixelData = bytes(range(64))",
                    "ds.save_as(sys.argv[1], write_like_original=False)",
                    "");
}
