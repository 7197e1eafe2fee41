package org.visorfleet.aoe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawFileStoreTest {
    @TempDir
    Path dir;

    @Test
    void writeThenReadRoundTripsAndReachesTheFile() throws IOException {
        Path image = dir.resolve("disk.img");
        Files.write(image, new byte[8 * 512]);
        byte[] data = TestDisks.pattern(3, 2 * 512);
        try (RawFileStore store = RawFileStore.open(image, false)) {
            ByteBuffer src = ByteBuffer.wrap(data);
            store.write(3, src);
            assertFalse(src.hasRemaining(), "write consumes the buffer");
            ByteBuffer dst = ByteBuffer.allocate(2 * 512);
            store.read(3, dst);
            assertFalse(dst.hasRemaining(), "read fills the buffer");
            assertArrayEquals(data, dst.array());
            store.flush();
        }
        assertArrayEquals(data, Arrays.copyOfRange(Files.readAllBytes(image), 3 * 512, 5 * 512));
    }

    @Test
    void readsIntoTheRemainingPartOfADirectBuffer() throws IOException {
        Path image = TestDisks.golden(dir.resolve("g.img"), 4, 7);
        try (RawFileStore store = RawFileStore.open(image, true)) {
            ByteBuffer dst = ByteBuffer.allocateDirect(3 * 512).position(512);
            store.read(1, dst);
            assertEquals(3 * 512, dst.position());
            byte[] got = new byte[1024];
            dst.get(512, got);
            assertArrayEquals(Arrays.copyOfRange(Files.readAllBytes(image), 512, 1536), got);
        }
    }

    @Test
    void readOnlyStoreRefusesWritesAndLeavesTheFileAlone() throws IOException {
        Path image = TestDisks.golden(dir.resolve("g.img"), 4, 7);
        String before = TestDisks.sha256(image);
        try (RawFileStore store = RawFileStore.open(image, true)) {
            assertTrue(store.isReadOnly());
            assertThrows(ReadOnlyStoreException.class, () -> store.write(0, ByteBuffer.allocate(512)));
            store.flush();
        }
        assertEquals(before, TestDisks.sha256(image));
    }

    @Test
    void readOnlyOpenReallyOpensReadOnly() throws IOException {
        Path image = TestDisks.golden(dir.resolve("g.img"), 4, 7);
        Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("r--r--r--"));
        try (RawFileStore store = RawFileStore.open(image, true)) {
            store.read(0, ByteBuffer.allocate(512));
        }
        if (!"root".equals(System.getProperty("user.name"))) { // root ignores file permissions
            assertThrows(IOException.class, () -> RawFileStore.open(image, false));
        }
    }

    @Test
    void sizeIsTheFileSizeRoundedDownToWholeSectors() throws IOException {
        Path image = dir.resolve("odd.img");
        Files.write(image, new byte[3 * 512 + 100]);
        try (RawFileStore store = RawFileStore.open(image, false)) {
            assertEquals(3, store.sectorCount());
            assertThrows(IllegalArgumentException.class, () -> store.read(3, ByteBuffer.allocate(512)));
            store.write(2, ByteBuffer.allocate(512));
        }
        assertEquals(3 * 512 + 100, Files.size(image), "the trailing partial sector is never touched");
    }

    @Test
    void rejectsFilesSmallerThanOneSector() throws IOException {
        for (int size : new int[] {0, 1, 511}) {
            Path image = dir.resolve("tiny" + size + ".img");
            Files.write(image, new byte[size]);
            IOException e = assertThrows(IOException.class, () -> RawFileStore.open(image, true));
            assertTrue(e.getMessage().contains("smaller than one 512-byte sector"), e.getMessage());
            assertTrue(e.getMessage().contains(image.toString()), e.getMessage());
        }
        assertThrows(IOException.class, () -> RawFileStore.open(dir, true));
        assertThrows(IOException.class, () -> RawFileStore.open(dir.resolve("missing.img"), true));
    }

    @Test
    void rejectsOutOfRangeAndMisalignedRequests() throws IOException {
        Path image = TestDisks.golden(dir.resolve("g.img"), 8, 7);
        try (RawFileStore store = RawFileStore.open(image, false)) {
            assertThrows(IllegalArgumentException.class, () -> store.read(-1, ByteBuffer.allocate(512)));
            assertThrows(IllegalArgumentException.class, () -> store.read(8, ByteBuffer.allocate(512)));
            assertThrows(IllegalArgumentException.class, () -> store.read(7, ByteBuffer.allocate(1024)));
            assertThrows(IllegalArgumentException.class, () -> store.write(0, ByteBuffer.allocate(100)));
            assertThrows(IllegalArgumentException.class, () -> store.write(Long.MAX_VALUE, ByteBuffer.allocate(512)));
            store.read(7, ByteBuffer.allocate(512));
            store.read(0, ByteBuffer.allocate(8 * 512));
        }
    }
}
