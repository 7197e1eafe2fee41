package org.visorfleet.aoe.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bytes ⇄ {@link AoeFrame}s for AoE r11. Pure: no sockets, no state, safe from any thread.
 *
 * <p>Decoding validates in a fixed order: frame length, EtherType, version, command argument length.
 * Lengths are checked as "at least", never "exactly": Ethernet pads frames to 60 bytes, so a short
 * request arrives with trailing zeros that belong to no field. Decoding never throws on peer input;
 * it returns {@link DecodeResult.Malformed} with the offending offset.
 *
 * <p>Encoding writes a frame at position 0 of the destination buffer, pads it with zeros to
 * {@link #MIN_FRAME} bytes, and returns its length. It throws IllegalArgumentException when the frame
 * does not fit (a caller bug: the target sizes replies from the MTU first).
 */
public final class AoeCodec {
    /** Smallest Ethernet frame without FCS; shorter frames are padded to it. */
    public static final int MIN_FRAME = 60;

    public static final int ETHERTYPE = 0x88A2;

    private AoeCodec() {}

    public static DecodeResult decode(ByteBuffer frame) {
        // Read-only and big-endian, so every view handed out (ATA data) is read-only without another
        // copy; a transport's read-only big-endian frame is used as it is.
        ByteBuffer buf = frame.isReadOnly() && frame.order() == ByteOrder.BIG_ENDIAN
                ? frame
                : frame.asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN);
        int start = buf.position();
        int length = buf.remaining();
        if (length < AoeHeader.SIZE) {
            return malformed(null, "frame of " + length + " bytes is shorter than the 24-byte AoE header", length);
        }
        if ((buf.getShort(start + 12) & 0xFFFF) != ETHERTYPE) {
            return malformed(null, "EtherType is not 0x88A2", 12);
        }
        int verFlags = buf.get(start + 14) & 0xFF;
        AoeHeader header = new AoeHeader(
                MacAddress.read(buf, start),
                MacAddress.read(buf, start + 6),
                verFlags >>> 4,
                verFlags & 0xF,
                buf.get(start + 15) & 0xFF,
                buf.getShort(start + 16) & 0xFFFF,
                buf.get(start + 18) & 0xFF,
                buf.get(start + 19) & 0xFF,
                buf.getInt(start + 20));
        if (header.version() != AoeHeader.VERSION) {
            return malformed(header, "unsupported AoE version " + header.version(), 14);
        }
        if (header.command() == AoeCommand.ATA.code()) {
            return decodeAta(header, buf, start + AoeHeader.SIZE, length - AoeHeader.SIZE); // the hot path: no slice
        }
        ByteBuffer arg = buf.slice(start + AoeHeader.SIZE, length - AoeHeader.SIZE);
        return switch (AoeCommand.fromCode(header.command()).orElse(null)) {
            case ATA -> throw new AssertionError("handled above");
            case QUERY_CONFIG -> decodeQueryConfig(header, arg);
            case MAC_MASK -> decodeMacMask(header, arg);
            case RESERVE_RELEASE -> decodeReserveRelease(header, arg);
            case null -> new DecodeResult.Decoded(new AoeFrame(header, new UnknownMessage(arg)));
        };
    }

    private static DecodeResult decodeAta(AoeHeader header, ByteBuffer buf, int at, int length) {
        if (length < AtaMessage.ARG_SIZE) {
            return malformed(header, "ATA argument shorter than 12 bytes", AoeHeader.SIZE + length);
        }
        long lba = 0;
        for (int i = 5; i >= 0; i--) {
            lba = (lba << 8) | (buf.get(at + 4 + i) & 0xFF);
        }
        ByteBuffer data = buf.slice(at + AtaMessage.ARG_SIZE, length - AtaMessage.ARG_SIZE);
        return decoded(
                header,
                new AtaMessage(
                        buf.get(at) & 0xFF,
                        buf.get(at + 1) & 0xFF,
                        buf.get(at + 2) & 0xFF,
                        buf.get(at + 3) & 0xFF,
                        lba,
                        data));
    }

    private static DecodeResult decodeQueryConfig(AoeHeader header, ByteBuffer arg) {
        if (arg.remaining() < QueryConfigMessage.ARG_SIZE) {
            return malformed(header, "Query Config argument shorter than 8 bytes", AoeHeader.SIZE + arg.remaining());
        }
        int configLength = arg.getShort(6) & 0xFFFF;
        if (configLength > QueryConfigMessage.MAX_CONFIG) {
            return malformed(header, "config string length " + configLength + " exceeds 1024", AoeHeader.SIZE + 6);
        }
        if (configLength > arg.remaining() - QueryConfigMessage.ARG_SIZE) {
            return malformed(
                    header, "config string length " + configLength + " runs past the frame", AoeHeader.SIZE + 6);
        }
        byte[] config = new byte[configLength];
        arg.get(QueryConfigMessage.ARG_SIZE, config);
        int verCmd = arg.get(5) & 0xFF;
        return decoded(
                header,
                new QueryConfigMessage(
                        arg.getShort(0) & 0xFFFF,
                        arg.getShort(2) & 0xFFFF,
                        arg.get(4) & 0xFF,
                        verCmd >>> 4,
                        verCmd & 0xF,
                        new String(config, StandardCharsets.ISO_8859_1)));
    }

    private static DecodeResult decodeMacMask(AoeHeader header, ByteBuffer arg) {
        if (arg.remaining() < MacMaskMessage.ARG_SIZE) {
            return malformed(header, "MAC Mask argument shorter than 4 bytes", AoeHeader.SIZE + arg.remaining());
        }
        int count = arg.get(3) & 0xFF;
        if (count * MacMaskMessage.DIRECTIVE_SIZE > arg.remaining() - MacMaskMessage.ARG_SIZE) {
            return malformed(header, count + " MAC mask directives run past the frame", AoeHeader.SIZE + 3);
        }
        List<MacMaskMessage.Directive> directives = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = MacMaskMessage.ARG_SIZE + i * MacMaskMessage.DIRECTIVE_SIZE;
            directives.add(new MacMaskMessage.Directive(arg.get(at + 1) & 0xFF, MacAddress.read(arg, at + 2)));
        }
        return decoded(header, new MacMaskMessage(arg.get(1) & 0xFF, arg.get(2) & 0xFF, directives));
    }

    private static DecodeResult decodeReserveRelease(AoeHeader header, ByteBuffer arg) {
        if (arg.remaining() < ReserveReleaseMessage.ARG_SIZE) {
            return malformed(header, "Reserve/Release argument shorter than 2 bytes", AoeHeader.SIZE + arg.remaining());
        }
        int count = arg.get(1) & 0xFF;
        if (count * 6 > arg.remaining() - ReserveReleaseMessage.ARG_SIZE) {
            return malformed(header, count + " reserve list MACs run past the frame", AoeHeader.SIZE + 1);
        }
        List<MacAddress> macs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            macs.add(MacAddress.read(arg, ReserveReleaseMessage.ARG_SIZE + 6 * i));
        }
        return decoded(header, new ReserveReleaseMessage(arg.get(0) & 0xFF, macs));
    }

    /** Encodes {@code frame} at position 0 of {@code out}; returns the (padded) frame length. */
    public static int encode(AoeFrame frame, ByteBuffer out) {
        int length = AoeHeader.SIZE + argumentSize(frame.message());
        int padded = Math.max(length, MIN_FRAME);
        if (padded > out.capacity()) {
            throw new IllegalArgumentException("frame of " + padded + " bytes exceeds buffer of " + out.capacity());
        }
        writeHeader(frame.header(), out);
        switch (frame.message()) {
            case AtaMessage m -> {
                writeAtaArgument(m.aflags(), m.errFeature(), m.sectorCount(), m.cmdStatus(), m.lba(), out);
                out.put(
                        AtaMessage.DATA_OFFSET,
                        m.data(),
                        m.data().position(),
                        m.data().remaining());
            }
            case QueryConfigMessage m -> {
                out.putShort(24, (short) m.bufferCount());
                out.putShort(26, (short) m.firmwareVersion());
                out.put(28, (byte) m.sectorCount());
                out.put(29, (byte) (m.aoeVersion() << 4 | m.ccmd()));
                byte[] config = m.config().getBytes(StandardCharsets.ISO_8859_1);
                out.putShort(30, (short) config.length);
                out.put(32, config);
            }
            case MacMaskMessage m -> {
                out.put(24, (byte) 0);
                out.put(25, (byte) m.mcmd());
                out.put(26, (byte) m.merror());
                out.put(27, (byte) m.directives().size());
                for (int i = 0; i < m.directives().size(); i++) {
                    int at = 28 + i * MacMaskMessage.DIRECTIVE_SIZE;
                    out.put(at, (byte) 0);
                    out.put(at + 1, (byte) m.directives().get(i).dcmd());
                    m.directives().get(i).mac().write(out, at + 2);
                }
            }
            case ReserveReleaseMessage m -> {
                out.put(24, (byte) m.rcmd());
                out.put(25, (byte) m.macs().size());
                for (int i = 0; i < m.macs().size(); i++) {
                    m.macs().get(i).write(out, 26 + 6 * i);
                }
            }
            case UnknownMessage m ->
                out.put(
                        AoeHeader.SIZE,
                        m.argument(),
                        m.argument().position(),
                        m.argument().remaining());
        }
        pad(out, length, padded);
        return padded;
    }

    /** Writes the 24-byte common header at offset 0 of {@code out}. */
    public static void writeHeader(AoeHeader h, ByteBuffer out) {
        h.destination().write(out, 0);
        h.source().write(out, 6);
        out.putShort(12, (short) ETHERTYPE);
        out.put(14, (byte) (h.version() << 4 | h.flags()));
        out.put(15, (byte) h.error());
        out.putShort(16, (short) h.major());
        out.put(18, (byte) h.minor());
        out.put(19, (byte) h.command());
        out.putInt(20, h.tag());
    }

    /** Writes the 12-byte ATA argument at offset 24 of {@code out} (LBA least significant byte first). */
    public static void writeAtaArgument(
            int aflags, int errFeature, int count, int cmdStatus, long lba, ByteBuffer out) {
        out.put(24, (byte) aflags);
        out.put(25, (byte) errFeature);
        out.put(26, (byte) count);
        out.put(27, (byte) cmdStatus);
        for (int i = 0; i < 6; i++) {
            out.put(28 + i, (byte) (lba >>> (8 * i)));
        }
        out.putShort(34, (short) 0);
    }

    /** Zero-fills {@code [length, padded)} of {@code out}. */
    public static void pad(ByteBuffer out, int length, int padded) {
        for (int i = length; i < padded; i++) {
            out.put(i, (byte) 0);
        }
    }

    private static int argumentSize(AoeMessage message) {
        return switch (message) {
            case AtaMessage m -> AtaMessage.ARG_SIZE + m.data().remaining();
            case QueryConfigMessage m ->
                QueryConfigMessage.ARG_SIZE + m.config().length();
            case MacMaskMessage m ->
                MacMaskMessage.ARG_SIZE
                        + MacMaskMessage.DIRECTIVE_SIZE * m.directives().size();
            case ReserveReleaseMessage m ->
                ReserveReleaseMessage.ARG_SIZE + 6 * m.macs().size();
            case UnknownMessage m -> m.argument().remaining();
        };
    }

    private static DecodeResult decoded(AoeHeader header, AoeMessage message) {
        return new DecodeResult.Decoded(new AoeFrame(header, message));
    }

    private static DecodeResult malformed(AoeHeader header, String reason, int offset) {
        return new DecodeResult.Malformed(Optional.ofNullable(header), reason, offset);
    }
}
