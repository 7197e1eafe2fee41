package org.visorfleet.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every acknowledged write survives a crash, and every sector holds its old or its new contents.
 * A "crash" in-process is closing the store without a flush: like kill -9, it keeps what reached
 * the page cache and nothing else.
 */
class OverlayCrashTest {
    private static final String TAG = "golden-v1";
    private static final long BOUNDARY = OverlayBitmap.CHUNK_SECTORS;
    /** Two hot regions: the start of the disk, and one straddling the first bitmap chunk boundary. */
    private static final long[] REGIONS = {0, 200, BOUNDARY - 100, 200};

    private static final int OPS = 40;

    @TempDir
    Path dir;

    /**
     * For every N: the Nth positional write (data or bitmap) writes a random prefix and fails.
     * Data prefixes are whole sectors: the page cache and disks do not tear inside a sector, and
     * no format can recover a half-old sector.
     */
    @Test
    void failureAtEveryWriteKeepsAcknowledgedWrites() throws IOException {
        long seed = TestDisks.seed("failureAtEveryWriteKeepsAcknowledgedWrites");
        CrashOps ops = new CrashOps(seed, 24, REGIONS);
        Path goldenFile = TestDisks.sparseGolden(dir.resolve("golden.img"), BOUNDARY + 200, seed, REGIONS);
        try (RawFileStore golden = RawFileStore.open(goldenFile, true)) {
            long dataOffset = new OverlayHeader(golden.sectorCount(), TAG, java.time.Instant.EPOCH).dataOffset();
            int total = countWrites(golden, ops);
            assertTrue(total > OPS, "every op writes data, first-time ops also bitmap: " + total);
            Random tear = new Random(seed);
            for (int n = 0; n < total; n++) {
                crashAtWrite(golden, ops, n, tear, dataOffset, "seed " + seed + " failing write " + n);
            }
        }
    }

    private int countWrites(RawFileStore golden, CrashOps ops) throws IOException {
        AtomicInteger writes = new AtomicInteger();
        Path file = dir.resolve("count.overlay");
        try (CowOverlayStore overlay = CowOverlayStore.open(file, golden, TAG, (position, length) -> {
            writes.incrementAndGet();
            return length;
        })) {
            for (int i = 0; i < OPS; i++) {
                TestDisks.write(overlay, ops.op(i).lba(), ops.op(i).data());
            }
        }
        Files.delete(file);
        return writes.get();
    }

    private void crashAtWrite(
            RawFileStore golden, CrashOps ops, int failAt, Random tear, long dataOffset, String context)
            throws IOException {
        Path file = dir.resolve("crash.overlay");
        AtomicInteger writes = new AtomicInteger();
        OverlayFile.WriteFaults faults = (position, length) -> {
            if (writes.getAndIncrement() != failAt) {
                return length;
            }
            int allowed = tear.nextInt(length);
            return position >= dataOffset ? allowed / BlockStore.SECTOR_SIZE * BlockStore.SECTOR_SIZE : allowed;
        };
        CrashOps.Model model = new CrashOps.Model(golden);
        CrashOps.Op failed = null;
        try (CowOverlayStore overlay = CowOverlayStore.open(file, golden, TAG, faults)) {
            for (int i = 0; i < OPS && failed == null; i++) {
                CrashOps.Op op = ops.op(i);
                try {
                    TestDisks.write(overlay, op.lba(), op.data());
                    model.apply(op);
                } catch (IOException e) {
                    failed = op;
                }
            }
            assertTrue(failed != null, context + ": the injected failure happened");
            // Still running: the failed write's new sectors must read as before (bitmap not updated).
            model.check(overlay, failed, REGIONS, context + ", before crash");
            for (long at = failed.lba(); at < failed.lba() + failed.sectors(); at++) {
                if (!model.isWritten(at)) { // new to the overlay: its bit must still be clear
                    assertTrue(
                            java.util.Arrays.equals(model.expected(at), TestDisks.read(overlay, at, 1)),
                            context + ": unwritten sector " + at + " reads as before");
                }
            }
        }
        try (CowOverlayStore reopened = CowOverlayStore.open(file, golden, TAG)) {
            model.check(reopened, failed, REGIONS, context + ", after crash");
            long allocated = reopened.allocatedSectors();
            assertTrue(
                    allocated >= model.writtenSectors() && allocated <= model.writtenSectors() + failed.sectors(),
                    context + ": allocated " + allocated + " vs " + model.writtenSectors() + " acknowledged");
            CrashOps.Op next = ops.op(OPS);
            TestDisks.write(reopened, next.lba(), next.data());
            assertTrue(
                    java.util.Arrays.equals(next.data(), TestDisks.read(reopened, next.lba(), next.sectors())),
                    context + ": usable after recovery");
        }
        Files.delete(file);
    }

    /**
     * A child JVM writes in a loop and prints "ACK i" after each write returns; we SIGKILL it
     * mid-stream and check that every acknowledged write is in the overlay. Two rounds: the second
     * child continues on the overlay the first one left behind.
     */
    @Test
    void killDashNineKeepsAcknowledgedWrites() throws Exception {
        long seed = TestDisks.seed("killDashNineKeepsAcknowledgedWrites");
        long[] regions = {0, 2048};
        Path goldenFile = TestDisks.golden(dir.resolve("golden.img"), 2048, seed);
        Path file = dir.resolve("killed.overlay");
        try (RawFileStore golden = RawFileStore.open(goldenFile, true)) {
            BlockStore base = golden;
            for (int round = 0; round < 2; round++) {
                long roundSeed = seed + round;
                CrashOps ops = new CrashOps(roundSeed, 32, regions);
                int acked = killWriterAfter(150, file, goldenFile, roundSeed, regions);
                CrashOps.Model model = new CrashOps.Model(base);
                for (int i = 0; i <= acked; i++) {
                    model.apply(ops.op(i));
                }
                try (CowOverlayStore overlay = CowOverlayStore.open(file, golden, TAG)) {
                    model.check(
                            overlay,
                            ops.op(acked + 1),
                            regions,
                            "seed " + seed + " round " + round + ", " + (acked + 1) + " writes acknowledged");
                    base = snapshot(overlay);
                }
            }
        }
    }

    /** Runs the writer child until it has acknowledged at least {@code min} writes, kills it, returns the last ACK. */
    private int killWriterAfter(int min, Path file, Path goldenFile, long seed, long[] regions) throws Exception {
        List<String> args =
                new ArrayList<>(List.of(file.toString(), goldenFile.toString(), TAG, Long.toString(seed), "32"));
        for (long r : regions) {
            args.add(Long.toString(r));
        }
        List<String> lines = new ArrayList<>();
        try (ChildJvm child =
                ChildJvm.start(dir.resolve("writer.err"), OverlayWriterChild.class, args.toArray(String[]::new))) {
            while (lines.size() < min) {
                lines.add(child.next(Duration.ofSeconds(20)));
            }
            lines.addAll(child.kill());
        }
        for (int i = 0; i < lines.size(); i++) {
            assertEquals("ACK " + i, lines.get(i), "acknowledgements arrive in order");
        }
        return lines.size() - 1;
    }

    /** The overlay's current contents as an in-memory read-only store: the next round's "before". */
    private static BlockStore snapshot(CowOverlayStore overlay) {
        byte[] all = TestDisks.read(overlay, 0, (int) overlay.sectorCount());
        return new ForwardingStore(null) {
            @Override
            public long sectorCount() {
                return all.length / SECTOR_SIZE;
            }

            @Override
            public void read(long lba, java.nio.ByteBuffer dst) {
                dst.put(all, (int) lba * SECTOR_SIZE, dst.remaining());
            }
        };
    }
}
