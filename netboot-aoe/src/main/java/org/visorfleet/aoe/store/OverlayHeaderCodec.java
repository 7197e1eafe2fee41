package org.visorfleet.aoe.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes the 4096-byte overlay header. Pure: bytes in, values out, no files.
 *
 * <p>All integers are big-endian. Offsets are from the start of the file.
 * <pre>
 * offset  size  field
 *      0     8  magic            ASCII "VFCOWOVL"
 *      8     4  version          u32, 1
 *     12     4  sector size      u32, 512 (bytes)
 *     16     8  sector count     u64, golden size in sectors, 1..2^34
 *     24     8  bitmap offset    u64, 4096
 *     32     8  bitmap length    u64, ceil(sector count / 8) rounded up to a multiple of 4096 (bytes)
 *     40     8  data offset      u64, bitmap offset + bitmap length
 *     48     8  created seconds  i64, seconds since 1970-01-01T00:00Z
 *     56     4  created nanos    u32, 0..999999999
 *     60     2  tag length       u16, 0..256 (bytes)
 *     62     2  reserved         0
 *     64   256  golden tag       UTF-8, tag length bytes then zeros
 *    320  3772  reserved         0
 *   4092     4  checksum         u32, CRC32C (Castagnoli) of bytes 0..4091
 * </pre>
 * Decoding checks, in order: length, magic, version, checksum, then each field. The checksum is
 * checked before the fields so that any corruption is reported as such; the field checks catch
 * writers that computed a checksum over nonsense.
 */
final class OverlayHeaderCodec {
    static final byte[] MAGIC = "VFCOWOVL".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int CHECKSUM_OFFSET = OverlayHeader.LENGTH - 4;
    private static final int TAG_OFFSET = 64;

    private OverlayHeaderCodec() {}

    /** Outcome of {@link #decode}: a header, or the first reason it is not one. */
    sealed interface Result permits Decoded, Malformed {}

    record Decoded(OverlayHeader header) implements Result {}

    /** @param offset byte offset of the offending field */
    record Malformed(String reason, int offset) implements Result {}

    static byte[] encode(OverlayHeader h) {
        byte[] tag = OverlayHeader.checkTag(h.goldenTag());
        ByteBuffer b = ByteBuffer.allocate(OverlayHeader.LENGTH).order(ByteOrder.BIG_ENDIAN);
        b.put(0, MAGIC);
        b.putInt(8, VERSION);
        b.putInt(12, BlockStore.SECTOR_SIZE);
        b.putLong(16, h.sectorCount());
        b.putLong(24, h.bitmapOffset());
        b.putLong(32, h.bitmapLength());
        b.putLong(40, h.dataOffset());
        b.putLong(48, h.created().getEpochSecond());
        b.putInt(56, h.created().getNano());
        b.putShort(60, (short) tag.length);
        b.put(TAG_OFFSET, tag);
        b.putInt(CHECKSUM_OFFSET, checksum(b.array()));
        return b.array();
    }

    /** Decodes the first {@code length} bytes of {@code bytes}; never throws on bad content. */
    static Result decode(byte[] bytes, int length) {
        if (length < OverlayHeader.LENGTH) {
            return new Malformed("truncated header: " + length + " of " + OverlayHeader.LENGTH + " bytes", length);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, OverlayHeader.LENGTH).order(ByteOrder.BIG_ENDIAN);
        if (!b.slice(0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            return new Malformed("bad magic (not a visorfleet overlay)", 0);
        }
        int version = b.getInt(8);
        if (version != VERSION) {
            return new Malformed(
                    "unsupported format version " + Integer.toUnsignedString(version) + " (this build reads " + VERSION
                            + ")",
                    8);
        }
        int stored = b.getInt(CHECKSUM_OFFSET);
        int actual = checksum(bytes);
        if (stored != actual) {
            return new Malformed(
                    String.format("header checksum mismatch: stored %08x, computed %08x", stored, actual),
                    CHECKSUM_OFFSET);
        }
        return decodeFields(b);
    }

    private static Result decodeFields(ByteBuffer b) {
        if (b.getInt(12) != BlockStore.SECTOR_SIZE) {
            return new Malformed("sector size " + Integer.toUnsignedString(b.getInt(12)) + ", expected 512", 12);
        }
        long sectors = b.getLong(16);
        if (sectors < 1 || sectors > OverlayHeader.MAX_SECTORS) {
            return new Malformed(
                    "sector count " + Long.toUnsignedString(sectors) + " outside 1.." + OverlayHeader.MAX_SECTORS, 16);
        }
        int nanos = b.getInt(56);
        if (nanos < 0 || nanos > 999_999_999) {
            return new Malformed("creation nanoseconds " + Integer.toUnsignedString(nanos) + " out of range", 56);
        }
        int tagLength = b.getShort(60) & 0xFFFF;
        if (tagLength > OverlayHeader.MAX_TAG_BYTES) {
            return new Malformed("tag length " + tagLength + " exceeds " + OverlayHeader.MAX_TAG_BYTES, 60);
        }
        String tag;
        try {
            tag = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(b.slice(TAG_OFFSET, tagLength))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Malformed("golden tag is not valid UTF-8", TAG_OFFSET);
        }
        OverlayHeader h = new OverlayHeader(sectors, tag, Instant.ofEpochSecond(b.getLong(48), nanos));
        long[][] derived = {{24, h.bitmapOffset()}, {32, h.bitmapLength()}, {40, h.dataOffset()}};
        for (long[] field : derived) {
            if (b.getLong((int) field[0]) != field[1]) {
                return new Malformed(
                        "region field at offset " + field[0] + " is " + b.getLong((int) field[0]) + ", expected "
                                + field[1] + " for " + sectors + " sectors",
                        (int) field[0]);
            }
        }
        int nonZero = firstNonZero(b, 62, 64);
        if (nonZero < 0) {
            nonZero = firstNonZero(b, TAG_OFFSET + tagLength, CHECKSUM_OFFSET);
        }
        if (nonZero >= 0) {
            return new Malformed("reserved byte at offset " + nonZero + " is not zero", nonZero);
        }
        return new Decoded(h);
    }

    private static int firstNonZero(ByteBuffer b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b.get(i) != 0) {
                return i;
            }
        }
        return -1;
    }

    static int checksum(byte[] header) {
        CRC32C crc = new CRC32C();
        crc.update(header, 0, CHECKSUM_OFFSET);
        return (int) crc.getValue();
    }
}
