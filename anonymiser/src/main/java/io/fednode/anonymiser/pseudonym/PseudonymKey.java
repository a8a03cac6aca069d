package io.fednode.anonymiser.pseudonym;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node's secret pseudonymisation key: the raw bytes of the key file, at least 32 of them. */
public final class PseudonymKey {
    public static final int MIN_BYTES = 32;

    private final byte[] bytes;

    public PseudonymKey(byte[] bytes) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException(
                    "key has " + bytes.length + " bytes; at least " + MIN_BYTES + " are required");
        }
        this.bytes = bytes.clone();
    }

    public static PseudonymKey read(Path file) throws IOException {
        return new PseudonymKey(Files.readAllBytes(file));
    }

    byte[] bytes() {
        return bytes.clone();
    }
}
