package org.visorfleet.aoe.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OverlayHeaderCodecTest {
    private static final OverlayHeader VECTOR_HEADER =
            new OverlayHeader(131072, "win11-2025.10", Instant.parse("2025-10-01T12:00:00.5Z"));

    @Test
    void roundTrips() {
        for (OverlayHeader h : new OverlayHeader[] {
            VECTOR_HEADER,
            new OverlayHeader(1, "", Instant.EPOCH),
            new OverlayHeader(
                    OverlayHeader.MAX_SECTORS, "x".repeat(256), Instant.parse("2100-01-01T00:00:00.999999999Z")),
            new OverlayHeader(12345, "Ünïcødé ✓ 𝄞", Instant.parse("1969-12-31T23:59:59Z")),
        }) {
            byte[] bytes = OverlayHeaderCodec.encode(h);
            assertEquals(OverlayHeader.LENGTH, bytes.length);
            assertEquals(new OverlayHeaderCodec.Decoded(h), OverlayHeaderCodec.decode(bytes, bytes.length));
        }
    }

    @Test
    void matchesTheKnownGoodVector() throws IOException {
        byte[] vector = vector();
        assertArrayEquals(vector, OverlayHeaderCodec.encode(VECTOR_HEADER));
        assertEquals(new OverlayHeaderCodec.Decoded(VECTOR_HEADER), OverlayHeaderCodec.decode(vector, vector.length));
        // Spot checks against FORMAT.md, independent of the codec.
        ByteBuffer b = ByteBuffer.wrap(vector);
        assertEquals("VFCOWOVL", new String(vector, 0, 8, StandardCharsets.US_ASCII));
        assertEquals("00000001", HexFormat.of().formatHex(vector, 8, 12), "version, big-endian");
        assertEquals(131072, b.getLong(16));
        assertEquals(4096 + 16384, b.getLong(40), "data offset");
        assertEquals(13, b.getShort(60));
        assertEquals(crc32cBitwise(vector, 4092), b.getInt(4092), "CRC32C (Castagnoli) of bytes 0..4091");
    }

    @Test
    void checksumIsCastagnoli() {
        // The standard check value of CRC-32C for "123456789".
        assertEquals(0xE3069283, crc32cBitwise("123456789".getBytes(StandardCharsets.US_ASCII), 9));
    }

    @Test
    void derivesRegionsFromTheSectorCount() {
        assertEquals(4096, new OverlayHeader(1, "", Instant.EPOCH).bitmapLength());
        assertEquals(4096, new OverlayHeader(32768, "", Instant.EPOCH).bitmapLength());
        assertEquals(8192, new OverlayHeader(32769, "", Instant.EPOCH).bitmapLength());
        OverlayHeader h = new OverlayHeader(32769, "", Instant.EPOCH);
        assertEquals(4096 + 8192, h.dataOffset());
        assertEquals(4096 + 8192 + 512 * 7, h.dataPosition(7));
    }

    @Test
    void rejectsUnencodableHeaders() {
        assertThrows(IllegalArgumentException.class, () -> new OverlayHeader(0, "", Instant.EPOCH));
        assertThrows(
                IllegalArgumentException.class,
                () -> new OverlayHeader(OverlayHeader.MAX_SECTORS + 1, "", Instant.EPOCH));
        assertThrows(IllegalArgumentException.class, () -> new OverlayHeader(1, "x".repeat(257), Instant.EPOCH));
        assertThrows(IllegalArgumentException.class, () -> new OverlayHeader(1, "é".repeat(129), Instant.EPOCH));
        assertThrows(IllegalArgumentException.class, () -> new OverlayHeader(1, "\uD800", Instant.EPOCH));
    }

    @Test
    void truncationAtEveryByteIsReported() throws IOException {
        byte[] vector = vector();
        for (int n = 0; n < OverlayHeader.LENGTH; n++) {
            var m = assertInstanceOf(OverlayHeaderCodec.Malformed.class, OverlayHeaderCodec.decode(vector, n));
            assertTrue(m.reason().startsWith("truncated header: " + n + " of 4096"), m.reason());
        }
    }

    @Test
    void everySingleBitFlipIsRejected() throws IOException {
        byte[] vector = vector();
        for (int bit = 0; bit < OverlayHeader.LENGTH * 8; bit++) {
            vector[bit / 8] ^= (byte) (1 << (bit % 8));
            assertInstanceOf(
                    OverlayHeaderCodec.Malformed.class, OverlayHeaderCodec.decode(vector, vector.length), "bit " + bit);
            vector[bit / 8] ^= (byte) (1 << (bit % 8));
        }
    }

    @Test
    void randomMutationsAreRejected() throws IOException {
        long seed = TestDisks.seed("randomMutationsAreRejected");
        Random random = new Random(seed);
        byte[] vector = vector();
        for (int i = 0; i < 3000; i++) {
            byte[] mutated = vector.clone();
            int changes = 1 + random.nextInt(8);
            for (int c = 0; c < changes; c++) {
                // Half the time hit the populated first 400 bytes, where fields live.
                int at = random.nextBoolean() ? random.nextInt(400) : random.nextInt(mutated.length);
                mutated[at] ^= (byte) (1 + random.nextInt(255));
            }
            if (java.util.Arrays.equals(mutated, vector)) {
                continue;
            }
            assertInstanceOf(
                    OverlayHeaderCodec.Malformed.class,
                    OverlayHeaderCodec.decode(mutated, mutated.length),
                    "seed " + seed + " iteration " + i);
        }
    }

    @Test
    void reasonsNameTheProblem() throws IOException {
        assertReason("bad magic", b -> b.put(0, (byte) 'X'), false);
        assertReason("unsupported format version 2", b -> b.putInt(8, 2), true);
        assertReason("header checksum mismatch", b -> b.put(100, (byte) 1), false);
    }

    /** One-field patches with a recomputed checksum: what a buggy writer would produce. */
    @Test
    void fieldsAreCheckedEvenWithAValidChecksum() throws IOException {
        assertReason("sector size 4096", b -> b.putInt(12, 4096), true);
        assertReason("sector count 0 outside", b -> b.putLong(16, 0), true);
        assertReason("sector count " + ((1L << 34) + 1), b -> b.putLong(16, (1L << 34) + 1), true);
        assertReason("sector count 18446744073709551615", b -> b.putLong(16, -1), true);
        assertReason("region field at offset 24", b -> b.putLong(24, 0), true);
        assertReason("region field at offset 32", b -> b.putLong(32, 4096), true);
        assertReason("region field at offset 40", b -> b.putLong(40, 4096), true);
        assertReason("creation nanoseconds 1000000000", b -> b.putInt(56, 1_000_000_000), true);
        assertReason("tag length 257", b -> b.putShort(60, (short) 257), true);
        assertReason("not valid UTF-8", b -> b.put(64, (byte) 0xFF), true);
        assertReason("reserved byte at offset 62", b -> b.put(62, (byte) 1), true);
        assertReason("reserved byte at offset 77", b -> b.put(64 + 13, (byte) 1), true);
        assertReason("reserved byte at offset 320", b -> b.put(320, (byte) 1), true);
        assertReason("reserved byte at offset 4091", b -> b.put(4091, (byte) 1), true);
    }

    private static void assertReason(String expected, Consumer<ByteBuffer> patch, boolean fixChecksum)
            throws IOException {
        byte[] bytes = vector();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        patch.accept(b);
        if (fixChecksum) {
            b.putInt(OverlayHeaderCodec.CHECKSUM_OFFSET, OverlayHeaderCodec.checksum(bytes));
        }
        var m = assertInstanceOf(OverlayHeaderCodec.Malformed.class, OverlayHeaderCodec.decode(bytes, bytes.length));
        assertTrue(m.reason().contains(expected), "expected '" + expected + "' in: " + m.reason());
    }

    static byte[] vector() throws IOException {
        try (InputStream in = OverlayHeaderCodecTest.class.getResourceAsStream("overlay-header-v1.hex")) {
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("(?m)#.*$|\\s", "");
            return HexFormat.of().parseHex(hex);
        }
    }

    /** CRC-32C written out bit by bit (reflected polynomial 0x82F63B78), independent of the JDK's. */
    private static int crc32cBitwise(byte[] data, int length) {
        int crc = 0xFFFFFFFF;
        for (int i = 0; i < length; i++) {
            crc ^= data[i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
            }
        }
        return ~crc;
    }
}
