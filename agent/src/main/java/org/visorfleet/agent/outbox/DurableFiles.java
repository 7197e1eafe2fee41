package org.visorfleet.agent.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one place the outbox calls {@code force()}.
 *
 * <ul>
 *   <li>{@link #force} (fdatasync) of the log precedes {@link EventOutbox#append} returning: the
 *       caller's acknowledgement that the event is durable.
 *   <li>{@link #replace} (temp file, fsync, atomic rename, directory fsync) precedes {@link
 *       EventOutbox#acknowledge} returning and a compacted log taking over from the old one.
 * </ul>
 */
final class DurableFiles {
    private DurableFiles() {}

    /** Writes all of {@code bytes} at {@code position}. */
    static void writeFully(FileChannel ch, ByteBuffer bytes, long position) throws IOException {
        long at = position;
        while (bytes.hasRemaining()) {
            at += ch.write(bytes, at);
        }
    }

    /** Data and the file size reach the disk (fdatasync). */
    static void force(FileChannel ch) throws IOException {
        ch.force(false);
    }

    /**
     * Atomically replaces {@code target} with {@code content}: after a crash the file holds either
     * the old or the new content, and once this returns, the new content survives power loss.
     */
    static void replace(Path target, ByteBuffer... content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long at = 0;
            for (ByteBuffer part : content) {
                int n = part.remaining();
                writeFully(ch, part, at);
                at += n;
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes renames and creations in {@code dir} durable. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
