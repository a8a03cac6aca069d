package io.fednode.anonymiser.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class DicomInputTest {
    private static DicomInput of(byte[] b) {
        return new DicomInput(new ByteArrayInputStream(b), b.length);
    }

    @Test
    void readsBothByteOrders() throws Exception {
        DicomInput in = of(new byte[] {1, 2, 1, 2, 3, 4});
        assertThat(in.readU16()).isEqualTo(0x0201);
        in.bigEndian(true);
        assertThat(in.readU32()).isEqualTo(0x01020304L);
        assertThat(in.atEnd()).isTrue();
    }

    @Test
    void lengthPastTheEndIsAFormatErrorWithoutAllocating() {
        DicomInput in = of(new byte[10]);
        assertThatThrownBy(() -> in.readBytes(0xFFFFFFF0L, Integer.MAX_VALUE))
                .isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("length-past-end");
        assertThatThrownBy(() -> in.skip(11)).isInstanceOf(DicomFormatException.class);
    }

    @Test
    void copiesLargeValuesThroughTheBuffer() throws Exception {
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        DicomInput in = of(big);
        in.skip(7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.copyTo(out, big.length - 7);
        assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(big, 7, big.length));
        assertThat(in.position()).isEqualTo(big.length);
    }

    @Test
    void truncatedHeaderIsAFormatError() {
        DicomInput in = of(new byte[] {8, 0, 16});
        assertThatThrownBy(in::readU32)
                .isInstanceOf(DicomFormatException.class)
                .hasMessageContaining("truncated");
    }
}
