package org.visorfleet.aoe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged overlay files are refused with a reason naming the file, and never modified. */
class OverlayCorruptionTest {
    private static final String TAG = "golden-v1";

    @TempDir
    Path dir;

    private RawFileStore golden;
    private Path file;
    private byte[] good;

    @BeforeEach
    void overlayWithData() throws IOException {
        golden = RawFileStore.open(TestDisks.golden(dir.resolve("golden.img"), 128, 42), true);
        file = dir.resolve("a.overlay").toAbsolutePath();
        try (CowOverlayStore overlay = CowOverlayStore.open(file, golden, TAG)) {
            TestDisks.write(overlay, 7, TestDisks.pattern(1, 3 * 512));
        }
        good = Files.readAllBytes(file);
    }

    @AfterEach
    void closeGolden() throws IOException {
        golden.close();
    }

    private OverlayFormatException refused() {
        return refused(file);
    }

    private OverlayFormatException refused(Path overlay) {
        OverlayFormatException e =
                assertThrows(OverlayFormatException.class, () -> CowOverlayStore.open(overlay, golden, TAG));
        assertTrue(e.getMessage().startsWith(overlay + ": "), "names the file: " + e.getMessage());
        return e;
    }

    /**
     * Writes {@code bytes} to a new file. Rewriting one file in place would be slow: ext4
     * (auto_da_alloc) starts writeback when a truncated file is closed.
     */
    private Path damaged(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes, StandardOpenOption.CREATE_NEW);
    }

    @Test
    void truncationAtEveryHeaderByteIsRefused() throws IOException {
        // Shrink one file step by step: cheaper than writing 4096 files.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (int n = OverlayHeader.LENGTH - 1; n >= 0; n--) {
                ch.truncate(n);
                String message = refused().getMessage();
                assertTrue(message.contains("truncated header: " + n + " of 4096 bytes"), message);
                assertEquals(n, Files.size(file), "not modified");
            }
        }
    }

    @Test
    void truncationInsideTheBitmapIsRefused() throws IOException {
        long dataOffset = 4096 + 4096;
        for (int n = OverlayHeader.LENGTH; n < dataOffset; n += 511) {
            String message = refused(damaged("t" + n + ".overlay", Arrays.copyOf(good, n)))
                    .getMessage();
            assertTrue(
                    message.contains("truncated: file is " + n + " bytes, header and bitmap need " + dataOffset),
                    message);
        }
    }

    /**
     * Every bit of the fixed fields (bytes 0..63) and of the checksum, and one bit of every other
     * byte (tag and reserved area). OverlayHeaderCodecTest flips
     * all 32768 bits through the codec; this proves the open path refuses them.
     */
    @Test
    void bitFlipsInTheHeaderAreRefusedAndUndone() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (int bit = 0; bit < OverlayHeader.LENGTH * 8; bit++) {
                int offset = bit / 8;
                boolean populated = offset < 64 || offset >= OverlayHeaderCodec.CHECKSUM_OFFSET;
                if (populated || bit % 8 == offset % 8) {
                    flip(ch, bit);
                    refused();
                    flip(ch, bit);
                }
            }
        }
        assertArrayEquals(good, Files.readAllBytes(file), "refusals modified nothing");
        CowOverlayStore.open(file, golden, TAG).close();
    }

    private void flip(FileChannel ch, int bit) throws IOException {
        byte b = (byte) (good[bit / 8] ^ (1 << (bit % 8)));
        good[bit / 8] = b;
        ch.write(ByteBuffer.wrap(new byte[] {b}), bit / 8);
    }

    @Test
    void reasonsAreSpecific() throws IOException {
        patch(0, (byte) 'X');
        assertTrue(refused().getMessage().contains("bad magic (not a visorfleet overlay) (header byte 0)"));
        patch(0, good[0]);
        patch(11, (byte) 9);
        assertTrue(refused().getMessage().contains("unsupported format version 9"));
        patch(11, good[11]);
        patch(200, (byte) 1);
        assertTrue(refused().getMessage().contains("header checksum mismatch"));
    }

    @Test
    void bitmapBitsBeyondTheDiskAreRefused() throws IOException {
        patch(4096 + 128 / 8, (byte) 1); // bit of sector 128 on a 128-sector disk
        assertTrue(refused().getMessage().contains("bitmap marks sectors beyond the golden image's 128 sectors"));
    }

    @Test
    void seededRandomHeaderDamageIsRefused() throws IOException {
        long seed = TestDisks.seed("seededRandomHeaderDamageIsRefused");
        Random random = new Random(seed);
        for (int i = 0; i < 300; i++) {
            byte[] bytes = good.clone();
            int changes = 1 + random.nextInt(16);
            for (int c = 0; c < changes; c++) {
                bytes[random.nextInt(OverlayHeader.LENGTH)] ^= (byte) (1 + random.nextInt(255));
            }
            Path overlay = damaged("r" + i + ".overlay", bytes);
            OverlayFormatException e = assertThrows(
                    OverlayFormatException.class,
                    () -> CowOverlayStore.open(overlay, golden, TAG),
                    "seed " + seed + " iteration " + i);
            assertTrue(e.getMessage().startsWith(overlay.toString()));
            assertArrayEquals(bytes, Files.readAllBytes(overlay), "seed " + seed + ": not modified");
            Files.delete(overlay);
        }
    }

    private void patch(long offset, byte value) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {value}), offset);
        }
    }
}
