package io.fednode.anonymiser;

import static org.assertj.core.api.Assertions.assertThat;

import io.fednode.anonymiser.pseudonym.PseudonymKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standard sequence stored as UN of undefined length (its items implicit VR little endian, as
 * PS3.5 6.2.2 prescribes and as converters produce) is processed item by item: kept content
 * survives, UIDs inside are replaced.
 */
class UnEncodedSequenceIT {
    @TempDir Path dir;

    private static final String NESTED_UID = "1.2.826.0.1.3680043.8.498.777.1";

    private static byte[] implicitElement(int group, int element, String text, byte pad) {
        byte[] v = text.getBytes(StandardCharsets.US_ASCII);
        int len = v.length + (v.length % 2);
        ByteBuffer b = ByteBuffer.allocate(8 + len).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) group).putShort((short) element).putInt(len).put(v);
        if (v.length % 2 == 1) {
            b.put(pad);
        }
        return b.array();
    }

    private static byte[] header(int group, int element, long length) {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) group)
                .putShort((short) element)
                .putInt((int) length)
                .array();
    }

    @Test
    void unSequenceOfUndefinedLengthIsRewrittenItemByItem() throws IOException {
        byte[] ct = Files.readAllBytes(ExternalTools.pydicomTestFiles().resolve("CT_small.dcm"));
        // Anatomic Region Sequence (0008,2218) as explicit-VR UN with undefined length, inserted
        // in tag order right before Patient's Name (0010,0010).
        ByteArrayOutputStream un = new ByteArrayOutputStream();
        un.writeBytes(new byte[] {0x08, 0x00, 0x18, 0x22, 'U', 'N', 0, 0, -1, -1, -1, -1});
        un.writeBytes(header(0xFFFE, 0xE000, 0xFFFFFFFFL));
        un.writeBytes(implicitElement(0x0008, 0x0100, "T-D3000", (byte) ' '));
        un.writeBytes(implicitElement(0x0008, 0x0102, "SRT", (byte) ' '));
        un.writeBytes(implicitElement(0x0008, 0x0104, "Chest", (byte) ' '));
        un.writeBytes(implicitElement(0x0008, 0x1155, NESTED_UID, (byte) 0));
        un.writeBytes(header(0xFFFE, 0xE00D, 0));
        un.writeBytes(header(0xFFFE, 0xE0DD, 0));
        int at = indexOf(ct, new byte[] {0x10, 0x00, 0x10, 0x00, 'P', 'N'});
        assertThat(at).isPositive();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(ct, 0, at);
        file.writeBytes(un.toByteArray());
        file.write(ct, at, ct.length - at);
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Files.write(in.resolve("un.dcm"), file.toByteArray());

        RunReport report =
                new AnonymisationRun(
                                new AnonymisationRun.Settings(
                                        in,
                                        dir.resolve("out"),
                                        dir.resolve("q"),
                                        new PseudonymKey(new byte[32]),
                                        Set.of(),
                                        1,
                                        null,
                                        AnonymisationRun.DEFAULT_MAX_FILE_SIZE))
                        .run();
        assertThat(report.filesWritten()).as(report.toJson()).isEqualTo(1);
        Path out;
        try (Stream<Path> s = Files.walk(dir.resolve("out"))) {
            out = s.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        assertThat(new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1))
                .doesNotContain(NESTED_UID);
        ExternalTools.Result r =
                ExternalTools.python(
                        String.join(
                                "\n",
                                "import sys, pydicom",
                                "ds = pydicom.dcmread(sys.argv[1])",
                                "item = ds.AnatomicRegionSequence[0]",
                                "print(item.CodeMeaning, item.ReferencedSOPInstanceUID)",
                                ""),
                        List.of(out.toString()));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith("Chest 2.25.");
        assertThat(ExternalTools.dcmdump(out).exitCode()).isZero();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
