package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootDiskTest {
    @TempDir
    Path dir;

    @Test
    void fnv1a32MatchesPublishedVectors() {
        assertEquals(0x811C9DC5, fnv(""));
        assertEquals(0xE40C292C, fnv("a"));
        assertEquals(0xBF9CF968, fnv("foobar"));
    }

    private static int fnv(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return BootDisk.fnv1a32(b, 0, b.length);
    }

    @Test
    void layoutRejectsRangesTheProbeCannotHandle() {
        long size = 8L << 20;
        assertThrows(IllegalArgumentException.class, () -> new BootDisk.Layout(size, 0, 2048, 64, 4100), "boot sector");
        assertThrows(
                IllegalArgumentException.class, () -> new BootDisk.Layout(size, 1, 2048, 128, 4100), "chunk > 127");
        assertThrows(
                IllegalArgumentException.class, () -> new BootDisk.Layout(size, 1, 2000, 64, 4100), "partial chunk");
        assertThrows(
                IllegalArgumentException.class, () -> new BootDisk.Layout(size, 1, 2048, 64, 2048), "write inside sum");
        assertThrows(
                IllegalArgumentException.class, () -> new BootDisk.Layout(size, 1, 2048, 64, 16384), "write past end");
        assertThrows(
                IllegalArgumentException.class, () -> new BootDisk.Layout(size + 1, 1, 2048, 64, 4100), "odd size");
    }

    @Test
    void imageHoldsTheAssembledProbeAndSeededData() throws Exception {
        BootDisk disk = BootDisk.create(dir, BootDisk.Layout.DEFAULT, 42);
        byte[] image = Files.readAllBytes(disk.image());

        assertEquals(8 << 20, image.length);
        assertEquals(0x55, image[510] & 0xFF);
        assertEquals(0xAA, image[511] & 0xFF);
        assertEquals(BootDisk.fnv1a32(image, 512, 2048 * 512), disk.expectedChecksum());
        assertEquals(List.of(), disk.changedSectors());
        Path again = Files.createDirectory(dir.resolve("again"));
        assertEquals(
                disk.expectedChecksum(),
                BootDisk.create(again, BootDisk.Layout.DEFAULT, 42).expectedChecksum(),
                "same seed, same content");
    }

    @Test
    void writePatternIsTheTagRepeatedOverOneSector() {
        byte[] pattern = BootDisk.writePattern();
        assertEquals(512, pattern.length);
        for (int i = 0; i < 512; i += 16) {
            assertArrayEquals(
                    "VISORFLEET-WRITE".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(pattern, i, i + 16));
        }
    }
}
