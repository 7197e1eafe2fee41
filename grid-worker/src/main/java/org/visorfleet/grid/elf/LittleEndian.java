package org.visorfleet.grid.elf;

/** Little-endian reads from a byte array; callers have checked the bounds. */
final class LittleEndian {
    private LittleEndian() {}

    static int u8(byte[] b, long off) {
        return b[(int) off] & 0xff;
    }

    static int u16(byte[] b, long off) {
        return u8(b, off) | u8(b, off + 1) << 8;
    }

    /** Unsigned 32-bit value as a non-negative long. */
    static long u32(byte[] b, long off) {
        return (u16(b, off) | (long) u16(b, off + 2) << 16) & 0xffff_ffffL;
    }

    /** Raw 64 bits; values ≥ 2^63 come back negative and callers reject them as too large. */
    static long u64(byte[] b, long off) {
        return u32(b, off) | u32(b, off + 4) << 32;
    }

    static void putU64(byte[] b, int off, long value) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (value >>> (8 * i));
        }
    }
}
