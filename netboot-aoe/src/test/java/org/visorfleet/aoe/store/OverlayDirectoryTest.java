package org.visorfleet.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.codec.MacAddress;

class OverlayDirectoryTest {
    private static final String TAG = "golden-v1";
    private static final ExportAddress E10 = ExportAddress.of("1.0");
    private static final ExportAddress E21 = ExportAddress.of("2.1");
    private static final MacAddress A = MacAddress.of("52:54:00:12:34:56");
    private static final MacAddress B = MacAddress.of("52:54:00:00:00:01");

    @TempDir
    Path tmp;

    private Path goldenFile;
    private RawFileStore golden;
    private OverlayDirectory overlays;

    @BeforeEach
    void setUp() throws IOException {
        goldenFile = TestDisks.golden(tmp.resolve("golden.img"), 64, 42);
        golden = RawFileStore.open(goldenFile, true);
        overlays = new OverlayDirectory(tmp.resolve("overlays"));
    }

    @AfterEach
    void tearDown() throws IOException {
        golden.close();
    }

    @Test
    void opensPerExportPerClientFilesAndListsThemSorted() throws IOException {
        Instant start = Instant.now().minusSeconds(2);
        try (CowOverlayStore a = overlays.open(E21, A, golden, TAG);
                CowOverlayStore b = overlays.open(E10, B, golden, TAG);
                CowOverlayStore c = overlays.open(E10, A, golden, TAG)) {
            TestDisks.write(a, 0, new byte[3 * 512]);
            TestDisks.write(c, 5, new byte[512]);
            assertEquals(0, b.allocatedSectors());
            assertEquals(overlays.root().resolve("e2.1/52-54-00-12-34-56.overlay"), a.path());
            // Listed while open in this JVM: counts come from the open stores.
            assertEquals(
                    List.of(E10 + " " + B + " 0", E10 + " " + A + " 512", E21 + " " + A + " 1536"),
                    brief(overlays.list()));
        }
        List<OverlaySummary> closed = overlays.list();
        assertEquals(List.of(E10 + " " + B + " 0", E10 + " " + A + " 512", E21 + " " + A + " 1536"), brief(closed));
        for (OverlaySummary s : closed) {
            assertTrue(s.fileBytesOnDisk() > 0 && s.fileBytesOnDisk() < 64 * 1024, "sparse: " + s);
            assertTrue(s.lastWrite().isAfter(start), s.toString());
        }
    }

    private static List<String> brief(List<OverlaySummary> list) {
        return list.stream()
                .map(s -> s.export() + " " + s.client() + " " + s.allocatedBytes())
                .toList();
    }

    @Test
    void resetDiscardsTheClientsWritesAndReportsWhetherAnythingExisted() throws IOException {
        try (CowOverlayStore a = overlays.open(E10, A, golden, TAG)) {
            TestDisks.write(a, 0, TestDisks.pattern(1, 512));
        }
        assertTrue(overlays.reset(E10, A));
        assertFalse(overlays.reset(E10, A));
        assertFalse(overlays.reset(E21, B), "export never used");
        assertEquals(List.of(), overlays.list());
        try (CowOverlayStore a = overlays.open(E10, A, golden, TAG)) {
            assertEquals(0, a.allocatedSectors());
            assertTrue(
                    java.util.Arrays.equals(TestDisks.read(golden, 0, 1), TestDisks.read(a, 0, 1)),
                    "sees the golden image again");
        }
    }

    @Test
    void resetIsRefusedWhileOpenInThisProcess() throws IOException {
        try (CowOverlayStore a = overlays.open(E10, A, golden, TAG)) {
            OverlayInUseException e = assertThrows(OverlayInUseException.class, () -> overlays.reset(E10, A));
            assertTrue(e.getMessage().contains("overlay in use by a running target"), e.getMessage());
            TestDisks.write(a, 0, new byte[512]);
        }
        assertTrue(overlays.reset(E10, A));
    }

    @Test
    void resetIsRefusedWhileAnotherProcessHoldsTheOverlay() throws Exception {
        try (CowOverlayStore a = overlays.open(E10, A, golden, TAG)) {
            TestDisks.write(a, 0, new byte[2 * 512]);
        }
        try (ChildJvm holder = ChildJvm.start(
                tmp.resolve("holder.err"),
                OverlayHolderChild.class,
                "hold",
                overlays.root().toString(),
                E10.toString(),
                A.toString(),
                goldenFile.toString(),
                TAG)) {
            assertEquals("OPEN 2", holder.next(Duration.ofSeconds(20)));
            OverlayInUseException e = assertThrows(OverlayInUseException.class, () -> overlays.reset(E10, A));
            assertTrue(e.getMessage().contains("overlay in use by a running target"), e.getMessage());
            assertThrows(OverlayInUseException.class, () -> overlays.open(E10, A, golden, TAG));
            assertEquals(List.of(E10 + " " + A + " 1024"), brief(overlays.list()), "listing works meanwhile");
            assertEquals(0, holder.finish());
        }
        assertTrue(overlays.reset(E10, A));
    }

    /**
     * POSIX locks belong to the process, and closing any descriptor of the file drops them. Listing
     * (or a refused reset) in the target's own JVM must therefore not open the file and close it.
     */
    @Test
    void listingAndRefusedResetsInTheTargetsProcessKeepItsLock() throws Exception {
        try (CowOverlayStore a = overlays.open(E10, A, golden, TAG)) {
            overlays.list();
            assertThrows(OverlayInUseException.class, () -> overlays.reset(E10, A));
            assertThrows(OverlayInUseException.class, () -> CowOverlayStore.open(a.path(), golden, TAG));
            try (ChildJvm resetter = ChildJvm.start(
                    tmp.resolve("resetter.err"),
                    OverlayHolderChild.class,
                    "reset",
                    overlays.root().toString(),
                    E10.toString(),
                    A.toString())) {
                String line = resetter.next(Duration.ofSeconds(20));
                assertTrue(line.startsWith("REFUSED ") && line.contains("overlay in use by a running target"), line);
                assertEquals(0, resetter.finish());
            }
            assertTrue(Files.exists(a.path()));
        }
    }

    @Test
    void listSkipsEntriesThatAreNotOverlays() throws IOException {
        try (CowOverlayStore a = overlays.open(E10, A, golden, TAG)) {
            TestDisks.write(a, 0, new byte[512]);
        }
        Path root = overlays.root();
        Files.writeString(root.resolve("README"), "not an export");
        Files.createDirectories(root.resolve("e1.00"));
        Files.createDirectories(root.resolve("x1.0"));
        Path e10 = root.resolve("e1.0");
        Files.writeString(e10.resolve("notes.txt"), "junk");
        Files.writeString(e10.resolve("52-54-00-12-34-5G.overlay"), "bad mac");
        Files.writeString(e10.resolve("52:54:00:12:34:57.overlay"), "non-canonical name");
        Files.writeString(e10.resolve("52-54-00-12-34-58.overlay"), "corrupt");
        Files.createDirectories(e10.resolve("52-54-00-12-34-59.overlay"));
        assertEquals(List.of(E10 + " " + A + " 512"), brief(overlays.list()));
    }

    @Test
    void listsOneExportAtATime() throws IOException {
        try (CowOverlayStore a = overlays.open(E21, A, golden, TAG);
                CowOverlayStore b = overlays.open(E10, B, golden, TAG)) {
            TestDisks.write(a, 0, new byte[2 * 512]);
            TestDisks.write(b, 0, new byte[512]);
            assertEquals(List.of(E21 + " " + A + " 1024"), brief(overlays.list(E21)), "open here: live counts");
            assertEquals(List.of(E10 + " " + B + " 512"), brief(overlays.list(E10)));
        }
        assertEquals(List.of(E21 + " " + A + " 1024"), brief(overlays.list(E21)));
        assertEquals(List.of(), overlays.list(ExportAddress.of("3.3")), "an export that never had overlays");
    }

    @Test
    void discardAllDeletesAnExportsOverlaysAndItsDirectory() throws IOException {
        try (CowOverlayStore a = overlays.open(E10, A, golden, TAG);
                CowOverlayStore b = overlays.open(E10, B, golden, TAG);
                CowOverlayStore other = overlays.open(E21, A, golden, TAG)) {
            TestDisks.write(a, 0, new byte[512]);
            TestDisks.write(other, 0, new byte[512]);
            OverlayInUseException e = assertThrows(OverlayInUseException.class, () -> overlays.discardAll(E10));
            assertTrue(e.getMessage().contains("remove the export first"), e.getMessage());
            assertEquals(2, overlays.list(E10).size(), "refused before deleting anything");
        }
        assertEquals(List.of(B, A), overlays.discardAll(E10), "sorted by MAC");
        assertFalse(Files.exists(overlays.root().resolve("e1.0")), "the export's directory goes too");
        assertEquals(List.of(E21 + " " + A + " 512"), brief(overlays.list()), "other exports keep theirs");
        assertEquals(List.of(), overlays.discardAll(E10), "nothing left");

        overlays.open(E21, B, golden, TAG).close();
        Path notes = Files.writeString(overlays.root().resolve("e2.1/notes.txt"), "someone's notes");
        assertEquals(List.of(B, A), overlays.discardAll(E21));
        assertEquals(List.of(), overlays.list());
        assertTrue(Files.exists(notes), "files that are not overlays are left alone, with their directory");
    }

    @Test
    void discardAllIsRefusedWhileAnotherProcessHoldsAnOverlay() throws Exception {
        try (CowOverlayStore a = overlays.open(E10, A, golden, TAG)) {
            TestDisks.write(a, 0, new byte[512]);
        }
        try (ChildJvm holder = ChildJvm.start(
                tmp.resolve("holder.err"),
                OverlayHolderChild.class,
                "hold",
                overlays.root().toString(),
                E10.toString(),
                A.toString(),
                goldenFile.toString(),
                TAG)) {
            assertEquals("OPEN 1", holder.next(Duration.ofSeconds(20)));
            assertThrows(OverlayInUseException.class, () -> overlays.discardAll(E10));
            assertEquals(0, holder.finish());
        }
        assertEquals(List.of(A), overlays.discardAll(E10));
    }

    @Test
    void reopeningWithAnotherGoldenTagIsRefused() throws IOException {
        overlays.open(E10, A, golden, TAG).close();
        OverlayFormatException e =
                assertThrows(OverlayFormatException.class, () -> overlays.open(E10, A, golden, "golden-v2"));
        assertTrue(e.getMessage().contains("e1.0/52-54-00-12-34-56.overlay"), e.getMessage());
        assertTrue(overlays.reset(E10, A));
        overlays.open(E10, A, golden, "golden-v2").close();
    }
}
