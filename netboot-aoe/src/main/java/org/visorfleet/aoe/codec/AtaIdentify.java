package org.visorfleet.aoe.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 512-byte IDENTIFY DEVICE data block (ATA/ATAPI-7 section 6.16): 256 little-endian words.
 * ASCII strings are stored two characters per word, the first character in the high byte.
 *
 * <pre>
 * word    field
 * 0       general configuration (0x0040: fixed, non-removable)
 * 1,3,6   legacy cylinders / heads / sectors per track
 * 10-19   serial number (20 chars)
 * 23-26   firmware revision (8 chars)
 * 27-46   model number (40 chars)
 * 47      0x8000 | max sectors per READ/WRITE MULTIPLE (1)
 * 49      capabilities: bit 9 LBA supported
 * 53      bit 1: words 64-70 valid, bit 2: word 88 valid
 * 60-61   user addressable sectors for 28-bit commands (capped at 0x0FFFFFFF)
 * 80      major version: ATA-4..ATA-7 (0x00F0)
 * 82-84   command sets supported (83 bit 10: 48-bit addressing, 12/13: FLUSH CACHE [EXT]; 14 set)
 * 85-87   command sets enabled (86 bit 10: 48-bit addressing, 12/13: FLUSH CACHE [EXT])
 * 100-103 user addressable sectors for 48-bit commands
 * </pre>
 */
public final class AtaIdentify {
    public static final int SIZE = 512;
    private static final long LBA28_MAX = 0x0FFF_FFFFL;

    private AtaIdentify() {}

    /** What an initiator learns from an IDENTIFY block. */
    public record Identity(String model, String serial, String firmware, boolean lba48, long sectors) {}

    public static byte[] build(long sectors, String model, String serial, String firmware) {
        ByteBuffer w = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        word(w, 0, 0x0040);
        long cylinders = Math.min(16383, sectors / (16 * 63));
        word(w, 1, (int) cylinders);
        word(w, 3, 16);
        word(w, 6, 63);
        string(w, 10, 20, serial);
        string(w, 23, 8, firmware);
        string(w, 27, 40, model);
        word(w, 47, 0x8001);
        word(w, 49, 0x0200);
        word(w, 53, 0x0006);
        long lba28 = Math.min(sectors, LBA28_MAX);
        word(w, 60, (int) (lba28 & 0xFFFF));
        word(w, 61, (int) (lba28 >>> 16));
        word(w, 80, 0x00F0);
        word(w, 82, 0x4000);
        word(w, 83, 0x4000 | 0x2000 | 0x1000 | 0x0400);
        word(w, 84, 0x4000);
        word(w, 85, 0x4000);
        word(w, 86, 0x2000 | 0x1000 | 0x0400);
        word(w, 87, 0x4000);
        for (int i = 0; i < 4; i++) {
            word(w, 100 + i, (int) ((sectors >>> (16 * i)) & 0xFFFF));
        }
        return w.array();
    }

    /** Reads an IDENTIFY block; needs at least 512 bytes from the buffer's position. */
    public static Identity parse(ByteBuffer data) {
        if (data.remaining() < SIZE) {
            throw new IllegalArgumentException("IDENTIFY data is " + data.remaining() + " bytes, needs 512");
        }
        ByteBuffer w = data.slice(data.position(), SIZE).order(ByteOrder.LITTLE_ENDIAN);
        boolean lba48 = (word(w, 83) & 0x0400) != 0;
        long sectors;
        if (lba48) {
            sectors = 0;
            for (int i = 3; i >= 0; i--) {
                sectors = (sectors << 16) | word(w, 100 + i);
            }
        } else {
            sectors = ((long) word(w, 61) << 16) | word(w, 60);
        }
        return new Identity(string(w, 27, 40), string(w, 10, 20), string(w, 23, 8), lba48, sectors);
    }

    private static void word(ByteBuffer w, int index, int value) {
        w.putShort(index * 2, (short) value);
    }

    private static int word(ByteBuffer w, int index) {
        return w.getShort(index * 2) & 0xFFFF;
    }

    private static void string(ByteBuffer w, int firstWord, int chars, String text) {
        byte[] padded =
                String.format("%-" + chars + "s", text).substring(0, chars).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < chars; i += 2) {
            word(w, firstWord + i / 2, (padded[i] & 0xFF) << 8 | (padded[i + 1] & 0xFF));
        }
    }

    private static String string(ByteBuffer w, int firstWord, int chars) {
        byte[] out = new byte[chars];
        for (int i = 0; i < chars; i += 2) {
            int word = word(w, firstWord + i / 2);
            out[i] = (byte) (word >>> 8);
            out[i + 1] = (byte) word;
        }
        return new String(out, StandardCharsets.US_ASCII).trim();
    }
}
