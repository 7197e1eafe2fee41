package org.visorfleet.aoe.codec;

import java.nio.ByteBuffer;

/**
 * The ATA command argument (AoE r11 section 3.1), after the common header.
 *
 * <pre>
 * offset size field
 * 24     1    AFlags: 0x40 E (LBA48 extended), 0x10 D (device/head), 0x02 A (async write), 0x01 W (write)
 * 25     1    Err / Feature (ATA error register in responses, feature register in requests)
 * 26     1    Sector Count
 * 27     1    Cmd / Status (ATA command in requests, ATA status in responses)
 * 28     6    LBA0..LBA5, least significant byte first
 * 34     2    reserved, zero
 * 36          data: Sector Count * 512 bytes for writes and read responses
 * </pre>
 *
 * @param lba the six LBA bytes as sent (LBA28 commands keep only the low nibble of LBA3; see {@link AtaCommands})
 * @param data the data bytes, a read-only view into the frame (may include Ethernet padding)
 */
public record AtaMessage(int aflags, int errFeature, int sectorCount, int cmdStatus, long lba, ByteBuffer data)
        implements AoeMessage {
    public static final int ARG_SIZE = 12;
    public static final int DATA_OFFSET = AoeHeader.SIZE + ARG_SIZE;
    public static final int AFLAG_EXTENDED = 0x40;
    public static final int AFLAG_DEVICE = 0x10;
    public static final int AFLAG_ASYNC = 0x02;
    public static final int AFLAG_WRITE = 0x01;

    public AtaMessage {
        if ((aflags | errFeature | sectorCount | cmdStatus) >>> 8 != 0) {
            throw new IllegalArgumentException("ATA register wider than 8 bits");
        }
        if (lba >>> 48 != 0) {
            throw new IllegalArgumentException("LBA wider than 48 bits: " + lba);
        }
        data = data.isReadOnly() ? data : data.asReadOnlyBuffer();
    }

    public static AtaMessage of(int aflags, int feature, int count, int command, long lba) {
        return new AtaMessage(aflags, feature, count, command, lba, ByteBuffer.allocate(0));
    }
}
