package org.visorfleet.aoe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CowOverlayStoreTest {
    private static final int SECTORS = 128;
    private static final String TAG = "golden-v1";

    @TempDir
    Path dir;

    private Path goldenFile;
    private RawFileStore golden;
    private byte[] goldenBytes;

    @BeforeEach
    void golden() throws IOException {
        goldenFile = TestDisks.golden(dir.resolve("golden.img"), SECTORS, 42);
        goldenBytes = Files.readAllBytes(goldenFile);
        golden = RawFileStore.open(goldenFile, true);
    }

    @AfterEach
    void closeGolden() throws IOException {
        golden.close();
    }

    private byte[] goldenSectors(long lba, int n) {
        return Arrays.copyOfRange(goldenBytes, (int) lba * 512, (int) (lba + n) * 512);
    }

    @Test
    void freshOverlayReadsTheGoldenImage() throws IOException {
        try (CowOverlayStore overlay = CowOverlayStore.open(dir.resolve("a.overlay"), golden, TAG)) {
            assertEquals(SECTORS, overlay.sectorCount());
            assertFalse(overlay.isReadOnly());
            assertArrayEquals(goldenBytes, TestDisks.read(overlay, 0, SECTORS));
            assertEquals(0, overlay.allocatedSectors());
            assertEquals(TAG, overlay.goldenTag());
        }
    }

    @Test
    void clientSeesItsOwnWritesAndTheGoldenFileIsUntouched() throws IOException {
        String before = TestDisks.sha256(goldenFile);
        byte[] data = TestDisks.pattern(1, 4 * 512);
        try (CowOverlayStore overlay = CowOverlayStore.open(dir.resolve("a.overlay"), golden, TAG)) {
            TestDisks.write(overlay, 10, data);
            overlay.flush();
            assertArrayEquals(data, TestDisks.read(overlay, 10, 4));
            assertEquals(4, overlay.allocatedSectors());
        }
        assertEquals(before, TestDisks.sha256(goldenFile));
        try (RawFileStore fresh = RawFileStore.open(goldenFile, true)) {
            assertArrayEquals(goldenSectors(10, 4), TestDisks.read(fresh, 10, 4));
        }
    }

    @Test
    void partialOverlapMixesOverlayAndGoldenSectors() throws IOException {
        byte[] data = TestDisks.pattern(2, 3 * 512);
        try (CowOverlayStore overlay = CowOverlayStore.open(dir.resolve("a.overlay"), golden, TAG)) {
            TestDisks.write(overlay, 3, data);
            byte[] expected = goldenSectors(0, 11);
            System.arraycopy(data, 0, expected, 3 * 512, data.length);
            assertArrayEquals(expected, TestDisks.read(overlay, 0, 11));
            // Overwrite the middle of the run and extend past it.
            byte[] more = TestDisks.pattern(3, 4 * 512);
            TestDisks.write(overlay, 4, more);
            System.arraycopy(more, 0, expected, 4 * 512, more.length);
            assertArrayEquals(expected, TestDisks.read(overlay, 0, 11));
            assertEquals(5, overlay.allocatedSectors(), "sectors 3..7");
        }
    }

    @Test
    void twoOverlaysOverOneGoldenAreIsolated() throws IOException {
        try (CowOverlayStore a = CowOverlayStore.open(dir.resolve("a.overlay"), golden, TAG);
                CowOverlayStore b = CowOverlayStore.open(dir.resolve("b.overlay"), golden, TAG)) {
            byte[] da = TestDisks.pattern(10, 512);
            byte[] db = TestDisks.pattern(11, 512);
            TestDisks.write(a, 5, da);
            TestDisks.write(b, 6, db);
            assertArrayEquals(da, TestDisks.read(a, 5, 1));
            assertArrayEquals(goldenSectors(6, 1), TestDisks.read(a, 6, 1));
            assertArrayEquals(goldenSectors(5, 1), TestDisks.read(b, 5, 1));
            assertArrayEquals(db, TestDisks.read(b, 6, 1));
        }
    }

    @Test
    void reopeningKeepsTheData() throws IOException {
        Path file = dir.resolve("a.overlay");
        byte[] data = TestDisks.pattern(4, 2 * 512);
        Instant created;
        try (CowOverlayStore overlay = CowOverlayStore.open(file, golden, TAG)) {
            TestDisks.write(overlay, SECTORS - 2, data);
            created = overlay.created();
        }
        try (CowOverlayStore overlay = CowOverlayStore.open(file, golden, TAG)) {
            assertArrayEquals(data, TestDisks.read(overlay, SECTORS - 2, 2));
            assertArrayEquals(goldenSectors(0, SECTORS - 2), TestDisks.read(overlay, 0, SECTORS - 2));
            assertEquals(2, overlay.allocatedSectors());
            assertEquals(created, overlay.created());
            assertFalse(overlay.lastWriteTime().isBefore(created.minusSeconds(1)));
        }
    }

    @Test
    void readsAreCoalescedIntoRuns() throws IOException {
        AtomicInteger goldenReads = new AtomicInteger();
        BlockStore counting = new ForwardingStore(golden) {
            @Override
            public void read(long lba, ByteBuffer dst) throws IOException {
                goldenReads.incrementAndGet();
                super.read(lba, dst);
            }
        };
        try (CowOverlayStore overlay = CowOverlayStore.open(dir.resolve("a.overlay"), counting, TAG)) {
            TestDisks.write(overlay, 3, new byte[3 * 512]);
            TestDisks.write(overlay, 40, new byte[512]);
            goldenReads.set(0);
            TestDisks.read(overlay, 0, 64);
            assertEquals(3, goldenReads.get(), "golden runs 0..2, 6..39, 41..63");
        }
    }

    @Test
    void overlayFileIsSparse() throws IOException {
        long sectors = 64L * 1024 * 1024 / 512;
        Path bigGolden = TestDisks.sparseGolden(dir.resolve("big.img"), sectors, 1);
        Path file = dir.resolve("sparse.overlay");
        try (RawFileStore g = RawFileStore.open(bigGolden, true);
                CowOverlayStore overlay = CowOverlayStore.open(file, g, TAG)) {
            TestDisks.write(overlay, sectors - 1, TestDisks.pattern(5, 512));
            overlay.flush();
        }
        long logical = Files.size(file);
        long onDisk = DiskUsage.allocatedBytes(file);
        assertTrue(logical > 64L * 1024 * 1024, "data region reaches the last sector: " + logical);
        assertTrue(onDisk >= 0, "statx works on Linux");
        assertTrue(onDisk < 256 * 1024, "header + bitmap page + one data page on disk, got " + onDisk);
    }

    @Test
    void concurrentWritersAndReadersSeeWholeSectors() throws Exception {
        int threads = 4;
        int perThread = SECTORS / threads;
        try (CowOverlayStore overlay = CowOverlayStore.open(dir.resolve("a.overlay"), golden, TAG);
                ExecutorService pool = Executors.newFixedThreadPool(threads * 2)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (int lba = base; lba < base + perThread; lba += 3) {
                            int n = Math.min(3, base + perThread - lba);
                            byte[] data = new byte[n * 512];
                            Arrays.fill(data, (byte) round);
                            TestDisks.write(overlay, lba, data);
                        }
                    }
                    return null;
                }));
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < 50; round++) {
                        byte[] got = TestDisks.read(overlay, base, perThread);
                        for (int s = 0; s < perThread; s++) {
                            byte[] sector = Arrays.copyOfRange(got, s * 512, s * 512 + 512);
                            // A read racing a write of the same sector may see bytes of the previous and the
                            // next round (the page cache copies without a lock, as a disk gives no promise
                            // either), but never golden bytes once the overlay has it, nor anything else.
                            boolean golden = Arrays.equals(sector, goldenSectors(base + s, 1));
                            boolean written = true;
                            for (byte b : sector) {
                                written &= b >= 0 && b < 20;
                            }
                            assertTrue(golden || written, "sector " + (base + s) + " is neither golden nor written");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            assertEquals(SECTORS, overlay.allocatedSectors());
            byte[] all = TestDisks.read(overlay, 0, SECTORS);
            byte[] expected = new byte[SECTORS * 512];
            Arrays.fill(expected, (byte) 19);
            assertArrayEquals(expected, all);
        }
    }

    @Test
    void aFailedWriteLeavesNewSectorsReadingAsBefore() throws IOException {
        Path file = dir.resolve("a.overlay");
        AtomicInteger failAt = new AtomicInteger(-1);
        AtomicInteger writes = new AtomicInteger();
        OverlayFile.WriteFaults faults = (position, length) -> writes.getAndIncrement() == failAt.get() ? 0 : length;
        try (CowOverlayStore overlay = CowOverlayStore.open(file, golden, TAG, faults)) {
            TestDisks.write(overlay, 0, TestDisks.pattern(6, 2 * 512));
            // Fail the data write.
            failAt.set(writes.get());
            assertThrows(IOException.class, () -> TestDisks.write(overlay, 20, TestDisks.pattern(7, 2 * 512)));
            assertArrayEquals(goldenSectors(20, 2), TestDisks.read(overlay, 20, 2));
            // Fail the bitmap write: the data is in the file, but the sectors still read as golden.
            failAt.set(writes.get() + 1);
            assertThrows(IOException.class, () -> TestDisks.write(overlay, 30, TestDisks.pattern(8, 2 * 512)));
            assertArrayEquals(goldenSectors(30, 2), TestDisks.read(overlay, 30, 2));
            assertEquals(2, overlay.allocatedSectors());
            // The store keeps working.
            byte[] data = TestDisks.pattern(9, 512);
            TestDisks.write(overlay, 30, data);
            assertArrayEquals(data, TestDisks.read(overlay, 30, 1));
            assertEquals(3, overlay.allocatedSectors());
        }
    }

    @Test
    void rejectsAWritableGolden() throws IOException {
        try (RawFileStore writable = RawFileStore.open(goldenFile, false)) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> CowOverlayStore.open(dir.resolve("a.overlay"), writable, TAG));
        }
        assertFalse(Files.exists(dir.resolve("a.overlay")));
    }

    @Test
    void rejectsAGoldenImageOfAnotherSizeOrTag() throws IOException {
        Path file = dir.resolve("a.overlay");
        CowOverlayStore.open(file, golden, TAG).close();
        String before = TestDisks.sha256(file);
        Path other = TestDisks.golden(dir.resolve("other.img"), SECTORS + 1, 1);
        try (RawFileStore bigger = RawFileStore.open(other, true)) {
            OverlayFormatException e =
                    assertThrows(OverlayFormatException.class, () -> CowOverlayStore.open(file, bigger, TAG));
            assertTrue(e.getMessage().contains("128 sectors, this golden image has 129"), e.getMessage());
            assertTrue(e.getMessage().startsWith(file.toRealPath().toString()), e.getMessage());
        }
        OverlayFormatException e =
                assertThrows(OverlayFormatException.class, () -> CowOverlayStore.open(file, golden, "golden-v2"));
        assertTrue(e.getMessage().contains("'golden-v1', not 'golden-v2'"), e.getMessage());
        assertEquals(before, TestDisks.sha256(file), "a rejected overlay is not modified");
        CowOverlayStore.open(file, golden, TAG).close();
    }

    @Test
    void closedStoreRefusesRequestsAndCloseIsIdempotent() throws IOException {
        CowOverlayStore overlay = CowOverlayStore.open(dir.resolve("a.overlay"), golden, TAG);
        overlay.close();
        overlay.close();
        assertThrows(IllegalStateException.class, () -> overlay.read(0, ByteBuffer.allocate(512)));
        assertThrows(IllegalStateException.class, () -> overlay.write(0, ByteBuffer.allocate(512)));
        assertThrows(IllegalStateException.class, overlay::flush);
    }

    @Test
    void rejectsOutOfRangeRequests() throws IOException {
        try (CowOverlayStore overlay = CowOverlayStore.open(dir.resolve("a.overlay"), golden, TAG)) {
            assertThrows(IllegalArgumentException.class, () -> overlay.read(SECTORS, ByteBuffer.allocate(512)));
            assertThrows(IllegalArgumentException.class, () -> overlay.write(-1, ByteBuffer.allocate(512)));
            assertThrows(IllegalArgumentException.class, () -> overlay.write(0, ByteBuffer.allocate(511)));
            assertEquals(0, overlay.allocatedSectors());
        }
    }

    @Test
    void secondOpenInTheSameProcessIsRefused() throws IOException {
        Path file = dir.resolve("a.overlay");
        try (CowOverlayStore overlay = CowOverlayStore.open(file, golden, TAG)) {
            OverlayInUseException e =
                    assertThrows(OverlayInUseException.class, () -> CowOverlayStore.open(file, golden, TAG));
            assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
            TestDisks.write(overlay, 0, new byte[512]); // still usable: the refusal did not drop its lock
        }
        CowOverlayStore.open(file, golden, TAG).close();
    }

    @Test
    void newFileHasOwnerOnlyPermissionsAndNoTemporaryLeftovers() throws IOException {
        Path file = dir.resolve("a.overlay");
        CowOverlayStore.open(file, golden, TAG).close();
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var entries = Files.list(dir)) {
            assertEquals(
                    List.of("a.overlay", "golden.img"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertNotEquals(0, Files.size(file));
    }
}
