package org.visorfleet.aoe.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.visorfleet.aoe.codec.AtaCommands.*;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.codec.AoeCommand;
import org.visorfleet.aoe.codec.AoeFrame;
import org.visorfleet.aoe.codec.AoeHeader;
import org.visorfleet.aoe.codec.AtaMessage;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.store.OverlayDirectory;
import org.visorfleet.aoe.store.OverlaySummary;
import org.visorfleet.aoe.store.RawFileStore;
import org.visorfleet.aoe.testing.Prerequisites;

/** Resets, snapshots and listings of the overlays of a target that keeps serving. */
class OverlayStorageRuntimeTest {
    static final MacAddress TARGET = MacAddress.of("02:00:00:00:00:aa");
    static final MacAddress A = MacAddress.of("52:54:00:00:00:0a");
    static final MacAddress B = MacAddress.of("52:54:00:00:00:0b");
    static final ExportAddress E = new ExportAddress(1, 0);
    static final ExportAddress F = new ExportAddress(1, 1);
    /** Just over 1 MiB: a snapshot takes two chunks, the second one short. */
    static final int SECTORS = 2100;

    @TempDir
    Path dir;

    Path goldenFile;
    byte[] golden;
    OverlayDirectory overlays;
    final List<AutoCloseable> toClose = new ArrayList<>();
    final ExecutorService threads = Executors.newCachedThreadPool();
    Path mounted;

    @BeforeEach
    void setUp() throws IOException {
        golden = new byte[SECTORS * 512];
        new Random(7).nextBytes(golden);
        goldenFile = Files.write(dir.resolve("golden.img"), golden);
        overlays = new OverlayDirectory(dir.resolve("overlays"));
    }

    @AfterEach
    void tearDown() throws Exception {
        threads.shutdownNow();
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        if (mounted != null) {
            run("umount", mounted.toString());
        }
    }

    OverlayStorage storage(ExportAddress export) throws IOException {
        return storage(export, RawFileStore.open(goldenFile, true));
    }

    OverlayStorage storage(ExportAddress export, org.visorfleet.aoe.store.BlockStore goldenStore) {
        OverlayStorage s = new OverlayStorage(overlays, export, goldenStore, "t");
        toClose.add(s);
        return s;
    }

    static byte[] sector(int value) {
        byte[] b = new byte[512];
        ByteBuffer.wrap(b).putInt(0, value).putInt(508, value);
        return b;
    }

    static void write(OverlayStorage s, MacAddress client, long lba, byte[] data) throws IOException {
        s.storeFor(client).write(lba, ByteBuffer.wrap(data));
    }

    static byte[] read(OverlayStorage s, MacAddress client, long lba, int sectors) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(sectors * 512);
        s.storeFor(client).read(lba, b);
        return b.array();
    }

    byte[] golden(long lba, int sectors) {
        return Arrays.copyOfRange(golden, (int) lba * 512, (int) (lba + sectors) * 512);
    }

    Path overlayFile(ExportAddress export, MacAddress client) {
        return overlays.pathOf(export, client);
    }

    // --- reset ---

    /** One write through the target, as the writer thread saw it. */
    record Write(int sector, int value, long start, long end, boolean ok) {}

    /**
     * A client writes through the target without pause while its overlay is reset: no exception
     * escapes and no write fails. The writer covers sectors 0-15 before the reset and only 0-7 from
     * just before it: afterwards 0-7 hold the last writes (in a fresh overlay) and 8-15 the golden data.
     */
    @Test
    void resetWhileTheClientWritesThroughTheTarget() throws Exception {
        OverlayStorage storage = storage(E);
        AoeTarget target =
                new AoeTarget(TargetConfig.of(TARGET, 1500), List.of(new TargetExport(E, storage)), (e, c) -> {});
        List<Write> writes = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean lowHalfOnly = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(
                () -> {
                    try (TargetHarness h = new TargetHarness(target, 4)) {
                        for (int i = 1; !stop.get(); i++) {
                            int sector = i % (lowHalfOnly.get() ? 8 : 16);
                            long start = System.nanoTime();
                            AoeFrame reply = h.send(new AoeFrame(
                                            AoeHeader.request(TARGET, A, 1, 0, AoeCommand.ATA, i),
                                            new AtaMessage(
                                                    0x41, 0, 1, WRITE_SECTORS_EXT, sector, ByteBuffer.wrap(sector(i)))))
                                    .getFirst();
                            boolean ok = ((AtaMessage) reply.message()).cmdStatus() == STATUS_READY;
                            synchronized (writes) {
                                writes.add(new Write(sector, i, start, System.nanoTime(), ok));
                            }
                        }
                    }
                },
                threads);
        awaitWrites(writes, 300);
        lowHalfOnly.set(true);
        // The writer is sequential: once a write that began after the switch is done, no write to
        // sectors 8-15 is in flight, so those can only be in the overlay being reset.
        long switched = System.nanoTime();
        awaitWrites(writes, w -> w.start() > switched);
        assertTrue(storage.reset(A), "the client had an overlay");
        long resetEnd = System.nanoTime();
        awaitWrites(writes, awaitWrites(writes, 0) + 300);
        stop.set(true);
        writer.get(10, TimeUnit.SECONDS);

        List<Write> all;
        synchronized (writes) {
            all = List.copyOf(writes);
        }
        assertEquals(List.of(), all.stream().filter(w -> !w.ok()).toList(), "writes racing the reset still succeed");
        for (int sector = 0; sector < 8; sector++) {
            int s = sector;
            Write last = all.stream()
                    .filter(w -> w.sector() == s)
                    .reduce((x, y) -> y)
                    .orElseThrow();
            assertTrue(last.start() > resetEnd);
            assertArrayEquals(sector(last.value()), read(storage, A, sector, 1), "sector " + s);
        }
        assertArrayEquals(golden(8, 8), read(storage, A, 8, 8), "what the reset discarded stays discarded");
        assertEquals(List.of(A), clients(storage.overlays()), "writes after the reset made a fresh overlay");
        assertTrue(storage.overlays().getFirst().allocatedBytes() <= 16 * 512);

        assertTrue(storage.reset(A));
        assertFalse(Files.exists(overlayFile(E, A)), "deleted");
        try (TargetHarness h = new TargetHarness(target, 4)) {
            AtaMessage r = (AtaMessage) h.send(new AoeFrame(
                            AoeHeader.request(TARGET, A, 1, 0, AoeCommand.ATA, 1),
                            AtaMessage.of(0x40, 0, 2, READ_SECTORS_EXT, 0)))
                    .getFirst()
                    .message();
            byte[] data = new byte[1024];
            r.data().get(0, data);
            assertArrayEquals(golden(0, 2), data, "after the reset the client reads the golden image");
        }
        assertFalse(Files.exists(overlayFile(E, A)), "reads leave no overlay behind");
        assertEquals(List.of(), storage.overlays());
        assertFalse(storage.reset(A), "nothing left to reset");
    }

    private static void awaitWrites(List<Write> writes, java.util.function.Predicate<Write> one)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            synchronized (writes) {
                if (writes.stream().anyMatch(one)) {
                    return;
                }
            }
            Thread.sleep(1);
        }
        fail("the writer stalled");
    }

    private static int awaitWrites(List<Write> writes, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            synchronized (writes) {
                if (writes.size() >= count || System.nanoTime() > deadline) {
                    return writes.size();
                }
            }
            Thread.sleep(1);
        }
    }

    @Test
    void resetLetsARequestInFlightFinishAgainstTheOldOverlayThenDeletesIt() throws Exception {
        WatchedStore goldenStore = new WatchedStore(RawFileStore.open(goldenFile, true));
        OverlayStorage storage = storage(E, goldenStore);
        write(storage, A, 0, sector(1));
        goldenStore.holdReads();
        CompletableFuture<byte[]> inFlight = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return read(storage, A, 0, 2); // sector 0 from the overlay, sector 1 from the golden image
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                threads);
        assertTrue(goldenStore.awaitRead(5_000));
        CompletableFuture<Boolean> reset = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return storage.reset(A);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                threads);
        Thread.sleep(200);
        assertFalse(reset.isDone(), "the reset waits for the read in flight");
        assertTrue(Files.exists(overlayFile(E, A)));
        CompletableFuture<Void> firstWrite = CompletableFuture.runAsync(
                () -> {
                    try {
                        write(storage, A, 2, sector(2));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                threads);
        Thread.sleep(100);
        assertFalse(firstWrite.isDone(), "the first write after the reset began waits for the old file to go");

        goldenStore.releaseReads();
        byte[] old = inFlight.get(5, TimeUnit.SECONDS);
        assertArrayEquals(sector(1), Arrays.copyOf(old, 512), "the read in flight saw the old overlay");
        assertTrue(reset.get(5, TimeUnit.SECONDS));
        firstWrite.get(5, TimeUnit.SECONDS);
        assertArrayEquals(golden(0, 1), read(storage, A, 0, 1), "the fresh overlay does not bring back old data");
        assertArrayEquals(sector(2), read(storage, A, 2, 1), "the write went to the fresh overlay");
        assertEquals(512, storage.overlays().getFirst().allocatedBytes());
        assertTrue(storage.reset(A));
        assertFalse(Files.exists(overlayFile(E, A)));
        assertEquals(0, goldenStore.violations());
    }

    @Test
    void resetDeletesAnOverlayThisRunHasNotOpenedYet() throws Exception {
        try (OverlayStorage previousRun = new OverlayStorage(overlays, E, RawFileStore.open(goldenFile, true), "t")) {
            write(previousRun, A, 3, sector(3));
        }
        OverlayStorage storage = storage(E);
        assertTrue(Files.exists(overlayFile(E, A)));
        assertTrue(storage.reset(A));
        assertFalse(Files.exists(overlayFile(E, A)));
        assertArrayEquals(golden(3, 1), read(storage, A, 3, 1), "the client's first read sees the golden image");
        assertFalse(storage.reset(B), "a client that never wrote has nothing to reset");
    }

    // --- snapshot ---

    @Test
    void snapshotIsByteForByteWhatTheClientReads() throws Exception {
        OverlayStorage storage = storage(E);
        byte[] expected = golden.clone();
        for (long lba : new long[] {0, 2047, 2048, 2049, SECTORS - 1}) { // both sides of the 1 MiB chunk edge
            byte[] data = sector((int) lba + 100);
            write(storage, A, lba, data);
            System.arraycopy(data, 0, expected, (int) lba * 512, 512);
        }
        Path image = dir.resolve("a.img");
        OverlayStorage.Snapshot snap = storage.snapshot(A, image);
        assertEquals(image, snap.file());
        assertEquals((long) SECTORS * 512, snap.bytes());
        assertArrayEquals(expected, Files.readAllBytes(image));
        assertEquals(sha256(expected), snap.sha256());
        assertEquals(snap.sha256().toLowerCase(java.util.Locale.ROOT), snap.sha256());

        OverlayStorage.Snapshot plain = storage.snapshot(B, dir.resolve("b.img"));
        assertArrayEquals(golden, Files.readAllBytes(dir.resolve("b.img")), "no overlay: the golden image");
        assertEquals(sha256(golden), plain.sha256());
        assertEquals(List.of(A), clients(storage.overlays()), "a snapshot creates no overlay");

        Path taken = Files.writeString(dir.resolve("taken.img"), "keep me");
        assertThrows(FileAlreadyExistsException.class, () -> storage.snapshot(A, taken));
        assertEquals("keep me", Files.readString(taken));
    }

    @Test
    void snapshotThatRunsOutOfSpaceLeavesNoFile() throws Exception {
        Prerequisites.root();
        Path small = Files.createDirectory(dir.resolve("small"));
        int rc = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString());
        Prerequisites.satisfied(rc == 0, "cannot mount a tmpfs here (rc " + rc + ")");
        mounted = small;
        OverlayStorage storage = storage(E);
        write(storage, A, 5, sector(5));

        IOException full = assertThrows(IOException.class, () -> storage.snapshot(A, small.resolve("a.img")));
        assertTrue(full.getMessage().contains("No space left"), full.toString());
        try (var left = Files.list(small)) {
            assertEquals(List.of(), left.toList(), "the partial image is deleted");
        }
        assertArrayEquals(sector(5), read(storage, A, 5, 1), "the client is not affected");
    }

    @Test
    void interruptingASnapshotDeletesThePartialFileAndLeavesTheOverlayWorking() throws Exception {
        WatchedStore goldenStore = new WatchedStore(RawFileStore.open(goldenFile, true));
        OverlayStorage storage = storage(E, goldenStore);
        write(storage, A, 0, sector(1));
        goldenStore.holdReads();
        Path image = dir.resolve("a.img");
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread technician = Thread.ofPlatform().start(() -> {
            try {
                storage.snapshot(A, image);
            } catch (Throwable t) {
                outcome.set(t);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        assertTrue(goldenStore.awaitRead(5_000), "the copy is under way");
        technician.interrupt();
        Thread.sleep(100);
        goldenStore.releaseReads();
        technician.join(10_000);

        assertInstanceOf(InterruptedIOException.class, outcome.get());
        assertTrue(stillInterrupted.get(), "the interrupt status is kept");
        assertFalse(Files.exists(image), "the partial image is deleted");
        write(storage, A, 1, sector(2));
        storage.storeFor(A).flush();
        assertArrayEquals(sector(1), read(storage, A, 0, 1), "the overlay's file channel is still open");

        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedIOException.class, () -> storage.snapshot(A, image));
        } finally {
            assertTrue(Thread.interrupted());
        }
        assertFalse(Files.exists(image));
    }

    @Test
    void snapshotFailsIfTheClientIsResetMeanwhile() throws Exception {
        WatchedStore goldenStore = new WatchedStore(RawFileStore.open(goldenFile, true));
        OverlayStorage storage = storage(E, goldenStore);
        write(storage, A, 0, sector(1));
        write(storage, A, SECTORS - 1, sector(1));
        goldenStore.holdReads();
        Path image = dir.resolve("a.img");
        CompletableFuture<OverlayStorage.Snapshot> snap = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return storage.snapshot(A, image);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                threads);
        assertTrue(goldenStore.awaitRead(5_000));
        CompletableFuture<Boolean> reset = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return storage.reset(A);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                threads);
        Thread.sleep(100);
        goldenStore.releaseReads();
        assertTrue(reset.get(10, TimeUnit.SECONDS));
        Throwable failed = assertThrows(Exception.class, () -> snap.get(10, TimeUnit.SECONDS));
        assertTrue(failed.getCause().getMessage().contains("was reset during the snapshot"), failed.toString());
        assertFalse(Files.exists(image), "a mix of old overlay and golden image is not kept");
    }

    // --- listing ---

    @Test
    void overlaysListsThisExportsOverlaysWhileTheyAreOpen() throws Exception {
        Instant start = Instant.now().minusSeconds(2);
        OverlayStorage e = storage(E);
        OverlayStorage f = storage(F);
        for (int i = 0; i < 3; i++) {
            write(e, B, i, sector(i));
        }
        write(e, A, 9, sector(9));
        write(f, A, 0, new byte[2 * 512]);
        read(f, B, 0, 1); // a reader: no overlay

        List<OverlaySummary> onE = e.overlays();
        assertEquals(List.of(A, B), clients(onE));
        assertEquals(
                List.of(512L, 1536L),
                onE.stream().map(OverlaySummary::allocatedBytes).toList());
        for (OverlaySummary s : onE) {
            assertEquals(E, s.export());
            assertFalse(s.lastWrite().isBefore(start), s.toString());
            assertTrue(s.fileBytesOnDisk() != 0, s.toString());
        }
        assertEquals(List.of(A), clients(f.overlays()));
        assertEquals(1024L, f.overlays().getFirst().allocatedBytes());
        assertEquals(List.of(), overlays.list(new ExportAddress(9, 9)));
        write(e, B, 10, sector(10));
        assertEquals(2048L, e.overlays().get(1).allocatedBytes(), "counts of open overlays are live");
    }

    private static List<MacAddress> clients(List<OverlaySummary> list) {
        return list.stream().map(OverlaySummary::client).toList();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (rc != 0) {
            System.out.println(String.join(" ", command) + ": " + output.strip());
        }
        return rc;
    }
}
