package org.visorfleet.aoe.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A virtual disk of 512-byte sectors.
 *
 * <p>Contract:
 * <ul>
 *   <li>Thread-safe: the AoE target calls {@link #read} and {@link #write} from several worker
 *       threads at once. Concurrent requests touching the same sectors may complete in any order
 *       (as on a real disk with tagged queueing), and a read that overlaps a write in flight may
 *       return old bytes, new bytes or a mix of both (as a disk may: the page cache copies without a
 *       lock). Once a write has returned, every later read sees all of it.</li>
 *   <li>Buffer ownership: the caller owns the buffers. {@code read} fills exactly
 *       {@code dst.remaining()} bytes (a multiple of 512) and advances its position; {@code write}
 *       consumes exactly {@code src.remaining()} bytes (a multiple of 512). Neither keeps a reference.</li>
 *   <li>Durability: when {@code write} returns, the data has reached the operating system, so it
 *       survives the death of this process (kill -9). {@link #flush} makes every write that returned
 *       before the call durable on stable storage before it returns; the ATA FLUSH CACHE reply is sent
 *       only after it.</li>
 *   <li>Errors: out-of-range or misaligned requests are caller bugs (IllegalArgumentException; the
 *       target validates LBAs first). Writing a read-only store throws {@link ReadOnlyStoreException}.
 *       I/O failures (disk full, EIO) throw IOException and leave the sectors' previous contents readable.</li>
 * </ul>
 */
public interface BlockStore extends Closeable {
    int SECTOR_SIZE = 512;

    /** Size in sectors; constant for the life of the store. */
    long sectorCount();

    boolean isReadOnly();

    void read(long lba, ByteBuffer dst) throws IOException;

    void write(long lba, ByteBuffer src) throws IOException;

    void flush() throws IOException;

    /** Throws IllegalArgumentException unless {@code bytes} sectors from {@code lba} lie inside the store. */
    default void checkRange(long lba, int bytes) {
        if (bytes % SECTOR_SIZE != 0) {
            throw new IllegalArgumentException("length " + bytes + " is not a multiple of " + SECTOR_SIZE);
        }
        long sectors = bytes / SECTOR_SIZE;
        if (lba < 0 || lba > sectorCount() - sectors) {
            throw new IllegalArgumentException(
                    "sectors [" + lba + ", " + (lba + sectors) + ") outside store of " + sectorCount() + " sectors");
        }
    }
}
