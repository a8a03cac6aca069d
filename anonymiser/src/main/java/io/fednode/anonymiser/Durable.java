package io.fednode.anonymiser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync for files and folders: what was renamed or written survives a power loss. */
public final class Durable {
    private Durable() {}

    /** Flushes a folder's entries (new names, renames) to disk. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * Writes {@code bytes} in place (no rename: the report may be a file the kubelet mounted, such
     * as {@code /dev/termination-log}) and flushes them to disk before returning.
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel out =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                out.write(b);
            }
            out.force(true);
        }
    }
}
