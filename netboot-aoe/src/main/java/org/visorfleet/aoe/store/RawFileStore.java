package org.visorfleet.aoe.store;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A raw disk image file: sector {@code lba} is at byte {@code lba * 512}.
 *
 * <p>The size is the file size rounded down to whole sectors, fixed at open; a trailing partial
 * sector is neither read nor written. Reads and writes are positional ({@code pread}/{@code pwrite}),
 * so any number of threads share the one channel without locking. A store opened read-only opens
 * the file read-only, so not even a bug here can modify it.
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

    private RawFileStore(Path path, FileChannel channel, boolean readOnly, long sectors) {
        this.path = path;
        this.channel = channel;
        this.readOnly = readOnly;
        this.sectors = sectors;
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
        long position = lba * SECTOR_SIZE;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position);
            if (n < 0) {
                throw new EOFException(path + ": file shrank below its size at open (" + sectors + " sectors)");
            }
            position += n;
        }
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
        channel.close();
    }

    @Override
    public String toString() {
        return "RawFileStore[" + path + (readOnly ? ", read-only]" : "]");
    }
}
