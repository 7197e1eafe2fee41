package org.visorfleet.aoe.store;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * One overlay file on disk: positional I/O, the exclusive lock, creation and deletion. This is the
 * only class that syncs overlay files; each sync and the acknowledgement it precedes:
 * <ul>
 *   <li>{@link #create}: {@code force(true)} of the new file, then linking it under its final name,
 *       then {@code fsync} of the directory — all before {@code open} returns the new store, so no
 *       write is ever acknowledged into a file whose header or name could vanish on power loss.</li>
 *   <li>{@link #force}: {@code force(false)} (fdatasync: data plus the size needed to read it) —
 *       precedes the ATA FLUSH CACHE reply ({@link BlockStore#flush}).</li>
 *   <li>{@link #deleteUnlessLocked}: {@code fsync} of the directory — precedes {@code reset} returning.</li>
 * </ul>
 * {@link #write} does not sync: once {@code pwrite} returns the bytes are in the page cache, which
 * survives the death of this process.
 *
 * <p>Like every {@link FileChannel}, this one is closed if a thread is interrupted during I/O on
 * it; later requests then fail with {@code ClosedChannelException} and the store must be reopened.
 * Do not interrupt threads that do store I/O.
 */
final class OverlayFile implements Closeable {
    /** Test seam: decides how much of each positional write happens before an injected failure. */
    interface WriteFaults {
        WriteFaults NONE = (position, length) -> length;

        /** Bytes of this write to perform; fewer than {@code length} makes the write fail after them. */
        int allowedBytes(long position, int length);
    }

    private final Path path;
    private final FileChannel channel;
    private final WriteFaults faults;

    private OverlayFile(Path path, FileChannel channel, WriteFaults faults) {
        this.path = path;
        this.channel = channel;
        this.faults = faults;
    }

    /**
     * Creates {@code target} holding {@code header} and sized to {@code length} bytes (sparse), durably
     * and atomically: a temporary file is written and synced, then hard-linked to the final name,
     * which fails rather than replaces if another process got there first. Returns false in that case.
     */
    static boolean create(Path target, byte[] header, long length) throws IOException {
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, WRITE)) {
                writeFully(ch, ByteBuffer.wrap(header), 0);
                writeFully(ch, ByteBuffer.allocate(1), length - 1);
                ch.force(true);
            }
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
        return true;
    }

    /**
     * Opens {@code path} for reading and writing and takes its exclusive lock, or throws
     * {@link OverlayInUseException} if another process holds it.
     */
    static OverlayFile openLocked(Path path, WriteFaults faults) throws IOException {
        Object before = fileKey(path);
        FileChannel ch = FileChannel.open(path, READ, WRITE);
        if (lockOrClose(ch, path) == null) {
            ch.close();
            throw new OverlayInUseException(path, "overlay locked by another process (a running target or a reset)");
        }
        try {
            // A reset elsewhere may have deleted the file between our open and our lock: we would hold
            // a lock on an orphan. The name must still lead to the file we opened.
            Object after;
            try {
                after = fileKey(path);
            } catch (NoSuchFileException e) {
                after = null;
            }
            if (!Objects.equals(before, after)) {
                throw new OverlayInUseException(path, "overlay was reset or replaced while opening; retry");
            }
            return new OverlayFile(path, ch, faults);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * {@code ch.tryLock()}, closing {@code ch} if that throws — except when the file is already locked
     * elsewhere in this JVM (reached by another name): then {@code ch} is deliberately left open,
     * because closing it would release that holder's POSIX lock. The descriptor leaks until the JVM
     * exits, the lesser harm.
     */
    private static FileLock lockOrClose(FileChannel ch, Path path) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new OverlayInUseException(path, "overlay already locked in this process under another name");
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Opens {@code path} read-only without locking, to inspect it. */
    static OverlayFile openForReading(Path path) throws IOException {
        return new OverlayFile(path, FileChannel.open(path, READ), WriteFaults.NONE);
    }

    /**
     * Deletes {@code path} unless another process holds its lock. Returns false if it did not exist.
     * The caller makes sure this JVM does not hold the file open (see {@link OpenOverlays}).
     */
    static boolean deleteUnlessLocked(Path path) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, WRITE);
        } catch (NoSuchFileException e) {
            return false;
        }
        FileLock lock = lockOrClose(ch, path);
        try (ch) {
            if (lock == null) {
                throw new OverlayInUseException(path, "overlay in use by a running target");
            }
            try {
                Files.delete(path);
            } catch (NoSuchFileException e) {
                return false;
            }
        }
        syncDirectory(path.getParent());
        return true;
    }

    /** Makes creations, renames and deletions in {@code dir} durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, READ)) {
            ch.force(true);
        }
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    Path path() {
        return path;
    }

    long size() throws IOException {
        return channel.size();
    }

    /** Reads into {@code dst} from {@code position} until it is full or the file ends; returns bytes read. */
    int read(ByteBuffer dst, long position) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Writes all of {@code src} at {@code position}, or throws having written some prefix of it. */
    void write(ByteBuffer src, long position) throws IOException {
        int length = src.remaining();
        int allowed = faults.allowedBytes(position, length);
        if (allowed < length) {
            writeFully(channel, src.slice(src.position(), allowed), position);
            src.position(src.position() + allowed);
            throw new IOException(path + ": injected write failure after " + allowed + " of " + length
                    + " bytes at offset " + position);
        }
        writeFully(channel, src, position);
    }

    /** Precedes the ATA FLUSH CACHE reply: every write that returned is on stable storage after this. */
    void force() throws IOException {
        channel.force(false);
    }

    /** Also releases the lock. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void writeFully(FileChannel ch, ByteBuffer src, long position) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += ch.write(src, at);
        }
    }
}
