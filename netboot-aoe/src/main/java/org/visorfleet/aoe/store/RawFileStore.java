package org.visorfleet.aoe.store;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A raw disk image file: sector {@code lba} is at byte {@code lba * 512}.
 *
 * <p>The size is the file size rounded down to whole sectors, fixed at open; a trailing partial
 * sector is neither read nor written. Reads copy from a read-only memory mapping of the file (no
 * system call per request: the page cache is the buffer); writes are positional {@code pwrite}s,
 * which Linux's unified page cache makes visible to the mapping at once. Any number of threads share
 * the store without locking. A store opened read-only opens the file read-only, so not even a bug
 * here can modify it.
 *
 * <p>If the file is truncated underneath the store, reads of the vanished part fault (SIGBUS); the
 * JVM turns that into an InternalError, which {@link #read} reports as an IOException.
 *
 * <p>Like every {@link FileChannel}, the channel is closed if a thread is interrupted during I/O
 * on it; later requests then fail with {@code ClosedChannelException}. Do not interrupt threads that
 * do store I/O.
 */
public final class RawFileStore implements BlockStore {
    private final Path path;
    private final FileChannel channel;
    private final boolean readOnly;
    private final long sectors;
    private final Arena mappingArena;
    private final MemorySegment mapping;

    private RawFileStore(Path path, FileChannel channel, boolean readOnly, long sectors) throws IOException {
        this.path = path;
        this.channel = channel;
        this.readOnly = readOnly;
        this.sectors = sectors;
        this.mappingArena = Arena.ofShared();
        this.mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, sectors * SECTOR_SIZE, mappingArena);
    }

    /** Opens an existing image; throws IOException if it is a directory or smaller than one sector. */
    public static RawFileStore open(Path path, boolean readOnly) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(path + ": is a directory, not a disk image");
        }
        FileChannel ch = readOnly ? FileChannel.open(path, READ) : FileChannel.open(path, READ, WRITE);
        try {
            long size = ch.size();
            if (size < SECTOR_SIZE) {
                throw new IOException(path + ": " + size + " bytes is smaller than one " + SECTOR_SIZE
                        + "-byte sector, not a disk image");
            }
            return new RawFileStore(path, ch, readOnly, size / SECTOR_SIZE);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public long sectorCount() {
        return sectors;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public void read(long lba, ByteBuffer dst) throws IOException {
        checkRange(lba, dst.remaining());
        int length = dst.remaining();
        try {
            MemorySegment.copy(mapping, lba * SECTOR_SIZE, MemorySegment.ofBuffer(dst), 0, length);
        } catch (InternalError fault) {
            throw new IOException(
                    path + ": read failed; did the file shrink below its size at open (" + sectors + " sectors)?",
                    fault);
        }
        dst.position(dst.position() + length);
    }

    @Override
    public void write(long lba, ByteBuffer src) throws IOException {
        if (readOnly) {
            throw new ReadOnlyStoreException(path.toString());
        }
        checkRange(lba, src.remaining());
        long position = lba * SECTOR_SIZE;
        while (src.hasRemaining()) {
            position += channel.write(src, position);
        }
    }

    /**
     * {@code force(false)} (fdatasync): precedes the ATA FLUSH CACHE reply. A read-only store has
     * nothing to flush.
     */
    @Override
    public void flush() throws IOException {
        if (!readOnly) {
            channel.force(false);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            mappingArena.close();
        }
    }

    @Override
    public String toString() {
        return "RawFileStore[" + path + (readOnly ? ", read-only]" : "]");
    }
}
