package org.visorfleet.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OverlayBitmapTest {
    private static final long SECTORS = 3 * OverlayBitmap.CHUNK_SECTORS + 100;
    private final byte[] disk = new byte[4 * OverlayBitmap.CHUNK_BYTES];
    private final OverlayBitmap.Sink sink = (offset, bytes) -> bytes.get(disk, (int) offset, bytes.remaining());

    @Test
    void setBitsReadBackAndReachTheSinkLeastSignificantBitFirst() throws IOException {
        OverlayBitmap bitmap = new OverlayBitmap(SECTORS);
        bitmap.set(9, 3, sink);
        assertTrue(bitmap.isSet(9) && bitmap.isSet(11));
        assertFalse(bitmap.isSet(8) || bitmap.isSet(12));
        assertEquals(3, bitmap.count());
        assertEquals((byte) 0b0000_1110, disk[1], "sectors 9..11 are bits 1..3 of byte 1");
    }

    @Test
    void runsFollowTheBitsAcrossWordsAndChunks() throws IOException {
        OverlayBitmap bitmap = new OverlayBitmap(SECTORS);
        long boundary = OverlayBitmap.CHUNK_SECTORS;
        bitmap.set(boundary - 70, 140, sink); // spans words and the first chunk boundary
        assertEquals(140, bitmap.run(boundary - 70, 1000, true));
        assertEquals(10, bitmap.run(boundary - 70, 10, true), "capped at max");
        assertEquals(0, bitmap.run(boundary - 71, 10, true));
        assertEquals(boundary - 70, bitmap.run(0, Integer.MAX_VALUE, false));
        assertEquals(1000, bitmap.run(boundary + 70, 1000, false));
        assertEquals(70, bitmap.run(boundary, 1000, true));
        assertEquals(0, bitmap.run(5, 0, false));
    }

    @Test
    void runsMatchABitSetModel() throws IOException {
        long seed = TestDisks.seed("runsMatchABitSetModel");
        Random random = new Random(seed);
        OverlayBitmap bitmap = new OverlayBitmap(SECTORS);
        BitSet model = new BitSet();
        for (int i = 0; i < 300; i++) {
            int lba = random.nextInt((int) SECTORS - 200);
            int n = 1 + random.nextInt(random.nextBoolean() ? 3 : 200);
            bitmap.set(lba, n, sink);
            model.set(lba, lba + n);
        }
        assertEquals(model.cardinality(), bitmap.count(), "seed " + seed);
        for (int i = 0; i < 2000; i++) {
            int lba = random.nextInt((int) SECTORS);
            int max = random.nextInt((int) Math.min(5000, SECTORS - lba));
            boolean set = model.get(lba);
            int end = set
                    ? model.nextClearBit(lba)
                    : Math.min(model.nextSetBit(lba) < 0 ? Integer.MAX_VALUE : model.nextSetBit(lba), (int) SECTORS);
            assertEquals(set, bitmap.isSet(lba));
            assertEquals(Math.min(max, end - lba), bitmap.run(lba, max, set), "seed " + seed + " lba " + lba);
        }
    }

    @Test
    void onlyWordsThatGainABitAreWritten() throws IOException {
        OverlayBitmap bitmap = new OverlayBitmap(SECTORS);
        List<long[]> writes = new ArrayList<>();
        OverlayBitmap.Sink recording = (offset, bytes) -> writes.add(new long[] {offset, bytes.remaining()});
        bitmap.set(60, 10, recording);
        assertEquals(1, writes.size());
        assertEquals(0, writes.get(0)[0]);
        assertEquals(16, writes.get(0)[1], "two aligned words");
        bitmap.set(60, 10, recording);
        assertEquals(1, writes.size(), "nothing new, nothing written");
        bitmap.set(OverlayBitmap.CHUNK_SECTORS - 1, 2, recording);
        assertEquals(3, writes.size(), "one write per chunk");
        assertEquals(OverlayBitmap.CHUNK_BYTES, writes.get(2)[0]);
    }

    @Test
    void aFailedSinkLeavesTheNewBitsClearAndTheOldOnesSet() throws IOException {
        OverlayBitmap bitmap = new OverlayBitmap(SECTORS);
        bitmap.set(10, 2, sink);
        IOException failure = new IOException("disk full");
        IOException thrown = assertThrows(
                IOException.class,
                () -> bitmap.set(8, 8, (offset, bytes) -> {
                    throw failure;
                }));
        assertSame(failure, thrown);
        assertEquals(2, bitmap.count());
        assertEquals(0, bitmap.run(8, 8, true));
        assertEquals(2, bitmap.run(10, 8, true));
        assertFalse(bitmap.isSet(12));
        bitmap.set(8, 8, sink);
        assertEquals(8, bitmap.count());
    }

    /** Found by OverlayCrashTest: a write across a chunk boundary whose second persist fails. */
    @Test
    void aFailureInALaterChunkRollsBackTheEarlierChunksToo() throws IOException {
        OverlayBitmap bitmap = new OverlayBitmap(SECTORS);
        long boundary = OverlayBitmap.CHUNK_SECTORS;
        bitmap.set(boundary - 2, 1, sink);
        AtomicInteger calls = new AtomicInteger();
        assertThrows(
                IOException.class,
                () -> bitmap.set(boundary - 4, 8, (offset, bytes) -> {
                    if (calls.incrementAndGet() == 2) {
                        throw new IOException("disk full");
                    }
                    sink.write(offset, bytes);
                }));
        assertEquals(2, calls.get(), "first chunk persisted, second failed");
        assertEquals(1, bitmap.count());
        assertEquals(1, bitmap.run(boundary - 2, 8, true));
        assertEquals(2, bitmap.run(boundary - 4, 8, false));
        assertEquals(8, bitmap.run(boundary - 1, 8, false), "rolled back on both sides of the boundary");
    }

    /** Racing writers across a chunk boundary: no deadlock, and the file ends up equal to memory. */
    @Test
    void concurrentSettersLeaveTheFileEqualToMemory() throws Exception {
        long seed = TestDisks.seed("concurrentSettersLeaveTheFileEqualToMemory");
        OverlayBitmap bitmap = new OverlayBitmap(SECTORS);
        byte[] file = new byte[disk.length];
        OverlayBitmap.Sink slowSink = (offset, bytes) -> {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            Thread.yield(); // widen the window between snapshot and write
            synchronized (file) {
                System.arraycopy(copy, 0, file, (int) offset, copy.length);
            }
        };
        long boundary = OverlayBitmap.CHUNK_SECTORS;
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            Random random = new Random(seed + t);
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2000; i++) {
                    try {
                        bitmap.set(boundary - 300 + random.nextInt(600), 1 + random.nextInt(40), slowSink);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            });
        }
        for (Thread t : threads) {
            t.join(20_000);
            assertFalse(t.isAlive(), "deadlock? seed " + seed);
        }
        OverlayBitmap reloaded = new OverlayBitmap(SECTORS);
        for (int chunk = 0; chunk < reloaded.chunkCount(); chunk++) {
            reloaded.load(
                    chunk,
                    ByteBuffer.wrap(file, chunk * OverlayBitmap.CHUNK_BYTES, OverlayBitmap.CHUNK_BYTES)
                            .slice());
        }
        assertEquals(bitmap.count(), reloaded.count(), "seed " + seed);
        for (long lba = boundary - 300; lba < boundary + 340; lba++) {
            assertEquals(bitmap.isSet(lba), reloaded.isSet(lba), "seed " + seed + " sector " + lba);
        }
    }

    @Test
    void loadRestoresBitsAndRejectsBitsBeyondTheEnd() throws IOException {
        OverlayBitmap original = new OverlayBitmap(SECTORS);
        original.set(3, 5, sink);
        original.set(SECTORS - 4, 4, sink);
        OverlayBitmap loaded = new OverlayBitmap(SECTORS);
        for (int chunk = 0; chunk < loaded.chunkCount(); chunk++) {
            assertTrue(loaded.load(
                    chunk,
                    ByteBuffer.wrap(disk, chunk * OverlayBitmap.CHUNK_BYTES, OverlayBitmap.CHUNK_BYTES)
                            .slice()));
        }
        assertEquals(9, loaded.count());
        assertTrue(loaded.isSet(SECTORS - 1));
        assertEquals(5, loaded.run(3, 100, true));

        ByteBuffer last = ByteBuffer.allocate(OverlayBitmap.CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long beyond = SECTORS - 3 * OverlayBitmap.CHUNK_SECTORS; // first sector past the end, chunk-relative
        last.put((int) (beyond / 8), (byte) (1 << (beyond % 8)));
        assertFalse(new OverlayBitmap(SECTORS).load(3, last));
        last.clear().put((int) ((beyond - 1) / 8), (byte) (1 << ((beyond - 1) % 8)));
        assertTrue(new OverlayBitmap(SECTORS).load(3, last.clear()));
    }
}
