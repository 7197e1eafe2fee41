package org.visorfleet.aoe.codec;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A 48-bit Ethernet MAC address, held in the low 48 bits of a long (first octet most significant).
 *
 * <p>Text form is lowercase, colon separated ({@code 52:54:00:12:34:56}); {@link #parse} also
 * accepts {@code -} separators and upper case. {@link #fileName()} gives a form safe in paths.
 */
public record MacAddress(long bits) implements Comparable<MacAddress> {
    public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);
    public static final MacAddress ZERO = new MacAddress(0);

    public MacAddress {
        if ((bits & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("MAC address wider than 48 bits: " + Long.toHexString(bits));
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} or {@code aa-bb-cc-dd-ee-ff} (any case). */
    public static Optional<MacAddress> parse(String text) {
        if (text == null || text.length() != 17) {
            return Optional.empty();
        }
        long bits = 0;
        for (int i = 0; i < 6; i++) {
            int at = i * 3;
            if (i > 0) {
                char sep = text.charAt(at - 1);
                if (sep != ':' && sep != '-') {
                    return Optional.empty();
                }
            }
            int hi = Character.digit(text.charAt(at), 16);
            int lo = Character.digit(text.charAt(at + 1), 16);
            if (hi < 0 || lo < 0) {
                return Optional.empty();
            }
            bits = (bits << 8) | (hi << 4) | lo;
        }
        return Optional.of(new MacAddress(bits));
    }

    /** Like {@link #parse} but throws IllegalArgumentException with the offending text. */
    public static MacAddress of(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("not a MAC address: '" + text + "'"));
    }

    /** Reads six octets at the buffer's absolute {@code offset}. */
    public static MacAddress read(ByteBuffer buf, int offset) {
        long bits = ((long) (buf.getShort(offset) & 0xFFFF) << 32) | (buf.getInt(offset + 2) & 0xFFFF_FFFFL);
        return new MacAddress(bits);
    }

    /** Writes six octets at the buffer's absolute {@code offset}. */
    public void write(ByteBuffer buf, int offset) {
        buf.putShort(offset, (short) (bits >>> 32));
        buf.putInt(offset + 2, (int) bits);
    }

    public byte[] toBytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (bits >>> (40 - 8 * i));
        }
        return b;
    }

    public static MacAddress fromBytes(byte[] b) {
        if (b.length != 6) {
            throw new IllegalArgumentException("MAC address needs 6 bytes, got " + b.length);
        }
        long bits = 0;
        for (byte x : b) {
            bits = (bits << 8) | (x & 0xFF);
        }
        return new MacAddress(bits);
    }

    public boolean isBroadcast() {
        return bits == BROADCAST.bits;
    }

    /** Group bit: the least significant bit of the first octet. */
    public boolean isMulticast() {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    /** {@code 52-54-00-12-34-56}: usable as a file name on every platform. */
    public String fileName() {
        return toString().replace(':', '-');
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(toBytes());
    }

    @Override
    public int compareTo(MacAddress o) {
        return Long.compare(bits, o.bits);
    }
}
