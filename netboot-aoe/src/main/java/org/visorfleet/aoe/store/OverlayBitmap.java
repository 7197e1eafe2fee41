package org.visorfleet.aoe.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The allocation bitmap in memory: bit {@code lba} is set once sector {@code lba} lives in the overlay.
 *
 * <p>Kept in chunks of one 4 KiB bitmap page (32768 sectors, 16 MiB of data); a page with no bit
 * set has no chunk, so a fresh overlay over a large golden image costs a few KiB of heap. Word
 * {@code w} of a chunk holds sectors {@code 64w..64w+63}, bit {@code lba % 64} — the same bits as
 * the on-disk bytes read as little-endian longs.
 *
 * <p>Threads: {@link #isSet} and {@link #run} take no lock. {@link #set} serialises per chunk on the
 * chunk's monitor and persists the changed words while holding it, for two reasons:
 * <ul>
 *   <li>Two writers snapshotting the same word could otherwise land their {@code pwrite}s in the
 *       opposite order, and the older snapshot would erase a bit whose write was acknowledged.</li>
 *   <li>A bit is final only once persisted. A writer that found its bits already set without
 *       taking the lock could return while another writer's persist of those bits is failing and
 *       about to roll them back, losing an acknowledged write. So even writes that add no bits
 *       take the monitor (briefly, without I/O); there is deliberately no lock-free shortcut.</li>
 * </ul>
 */
final class OverlayBitmap {
    static final int CHUNK_BYTES = 4096;
    static final long CHUNK_SECTORS = CHUNK_BYTES * 8L;
    private static final int CHUNK_WORDS = CHUNK_BYTES / Long.BYTES;

    /** Receives changed bitmap bytes, {@code offset} bytes from the start of the on-disk bitmap. */
    interface Sink {
        void write(long offset, ByteBuffer bytes) throws IOException;
    }

    private final long sectors;
    private final AtomicReferenceArray<AtomicLongArray> chunks;
    private final AtomicLong count = new AtomicLong();

    OverlayBitmap(long sectors) {
        this.sectors = sectors;
        this.chunks = new AtomicReferenceArray<>(Math.toIntExact((sectors + CHUNK_SECTORS - 1) / CHUNK_SECTORS));
    }

    int chunkCount() {
        return chunks.length();
    }

    /**
     * Loads chunk {@code index} from its on-disk page (at least 4096 bytes remaining; position is not
     * moved). Only for opening, before the bitmap is shared. Returns false if the page marks sectors
     * beyond the end of the disk, which a correct writer never does.
     */
    boolean load(int index, ByteBuffer page) {
        ByteBuffer le = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long[] words = new long[CHUNK_WORDS];
        long bits = 0;
        for (int w = 0; w < CHUNK_WORDS; w++) {
            words[w] = le.getLong(le.position() + w * Long.BYTES);
            bits += Long.bitCount(words[w]);
            long first = index * CHUNK_SECTORS + w * 64L;
            if (words[w] != 0 && first + 64 - Long.numberOfLeadingZeros(words[w]) > sectors) {
                return false;
            }
        }
        if (bits != 0) {
            chunks.set(index, new AtomicLongArray(words));
            count.addAndGet(bits);
        }
        return true;
    }

    /** Number of sectors held by the overlay. */
    long count() {
        return count.get();
    }

    boolean isSet(long lba) {
        AtomicLongArray c = chunks.get(chunkIndex(lba));
        return c != null && (c.get(wordIndex(lba)) & (1L << lba)) != 0;
    }

    /** Length of the run of sectors from {@code lba}, at most {@code max}, whose bits all equal {@code set}. */
    int run(long lba, int max, boolean set) {
        int n = 0;
        while (n < max) {
            long at = lba + n;
            AtomicLongArray c = chunks.get(chunkIndex(at));
            if (c == null) {
                if (set) {
                    return n;
                }
                long chunkEnd = (chunkIndex(at) + 1L) * CHUNK_SECTORS;
                n = (int) Math.min(max, n + (chunkEnd - at));
                continue;
            }
            int bit = (int) (at & 63);
            long word = c.get(wordIndex(at));
            long same = (set ? word : ~word) >>> bit;
            int matching = Long.numberOfTrailingZeros(~same);
            if (matching < 64 - bit) {
                return Math.min(max, n + matching);
            }
            n = Math.min(max, n + 64 - bit);
        }
        return n;
    }

    /**
     * Sets the bits of sectors {@code [lba, lba + n)} and hands each changed run of words to
     * {@code sink} (only words that gained a bit). If the sink throws, every bit this call set is
     * cleared again and the exception propagates.
     */
    void set(long lba, int n, Sink sink) throws IOException {
        setFrom(lba, lba + n, sink);
    }

    /**
     * Locks the chunks of a request in ascending order and keeps them locked until the whole request
     * is persisted. Releasing a chunk early would be unsafe: a concurrent write of one of its sectors
     * could see the bit set, return, and then lose its acknowledged data to our rollback.
     */
    private void setFrom(long from, long end, Sink sink) throws IOException {
        int index = chunkIndex(from);
        long stop = Math.min(end, (index + 1L) * CHUNK_SECTORS);
        AtomicLongArray c = chunk(index);
        synchronized (c) {
            long[] added = addBits(c, index, from, stop);
            int newBits = 0;
            for (long a : added) {
                newBits += Long.bitCount(a);
            }
            try {
                if (newBits > 0) {
                    persist(c, index, wordIndex(from), added, sink);
                }
                count.addAndGet(newBits);
                try {
                    if (stop < end) {
                        setFrom(stop, end, sink);
                    }
                } catch (IOException | RuntimeException | Error e) {
                    count.addAndGet(-newBits);
                    throw e;
                }
            } catch (IOException | RuntimeException | Error e) {
                removeBits(c, wordIndex(from), added);
                throw e;
            }
        }
    }

    /** Sets the bits of {@code [from, to)} in chunk {@code c}; returns, per word, the bits that were new. */
    private static long[] addBits(AtomicLongArray c, int index, long from, long to) {
        int firstWord = wordIndex(from);
        long[] added = new long[wordIndex(to - 1) - firstWord + 1];
        for (int i = 0; i < added.length; i++) {
            long old = c.get(firstWord + i);
            added[i] = mask(index, firstWord + i, from, to) & ~old;
            if (added[i] != 0) {
                c.set(firstWord + i, old | added[i]);
            }
        }
        return added;
    }

    private static void removeBits(AtomicLongArray c, int firstWord, long[] added) {
        for (int i = 0; i < added.length; i++) {
            if (added[i] != 0) {
                c.set(firstWord + i, c.get(firstWord + i) & ~added[i]);
            }
        }
    }

    /** Writes the current value of the words that {@code added} spans. */
    private static void persist(AtomicLongArray c, int index, int firstWord, long[] added, Sink sink)
            throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(added.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < added.length; i++) {
            bytes.putLong(c.get(firstWord + i));
        }
        sink.write((long) index * CHUNK_BYTES + (long) firstWord * Long.BYTES, bytes.flip());
    }

    private AtomicLongArray chunk(int index) {
        AtomicLongArray c = chunks.get(index);
        if (c == null) {
            AtomicLongArray fresh = new AtomicLongArray(CHUNK_WORDS);
            AtomicLongArray witness = chunks.compareAndExchange(index, null, fresh);
            c = witness == null ? fresh : witness;
        }
        return c;
    }

    /** Bits of word {@code w} of chunk {@code index} that fall inside {@code [from, to)}. */
    private static long mask(int index, int w, long from, long to) {
        long base = index * CHUNK_SECTORS + w * 64L;
        int lo = (int) (Math.max(from, base) - base);
        int hi = (int) (Math.min(to, base + 64) - base);
        return hi - lo == 64 ? -1L : ((1L << (hi - lo)) - 1) << lo;
    }

    private static int chunkIndex(long lba) {
        return (int) (lba / CHUNK_SECTORS);
    }

    private static int wordIndex(long lba) {
        return (int) ((lba % CHUNK_SECTORS) >>> 6);
    }
}
