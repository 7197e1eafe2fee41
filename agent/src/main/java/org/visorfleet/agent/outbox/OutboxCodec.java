package org.visorfleet.agent.outbox;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.visorfleet.common.wire.AgentMessage;

/**
 * Bytes ⇄ records of the outbox files; pure (no files, no threads). The layouts are drawn in
 * {@code FORMAT.md} beside this class; all integers are big-endian.
 */
final class OutboxCodec {
    static final int LOG_MAGIC = 0x56464F4C; // "VFOL"
    static final int STATE_MAGIC = 0x56464F53; // "VFOS"
    static final short VERSION = 1;

    static final int HEADER_BYTES = 20;
    static final int STATE_BYTES = 36;
    /** Length field, seq, time, two string lengths, CRC: a record with empty strings. */
    static final int MIN_RECORD_BYTES = 4 + 8 + 8 + 2 + 2 + 4;

    static final int MAX_NAME_CHARS = 128;
    static final int MAX_DETAIL_CHARS = 4096;
    /** UTF-8 takes at most 3 bytes per UTF-16 char. */
    static final int MAX_BODY_BYTES = 8 + 8 + 2 + 3 * MAX_NAME_CHARS + 2 + 3 * MAX_DETAIL_CHARS;

    static final int MAX_RECORD_BYTES = 4 + MAX_BODY_BYTES + 4;

    private OutboxCodec() {}

    /** The mutable part of the outbox kept beside the log; see FORMAT.md. */
    record State(long acknowledged, long droppedThrough, long droppedUnreported) {
        static final State EMPTY = new State(0, 0, 0);

        /** Highest seq that is no longer pending: acknowledged by the server or dropped. */
        long settled() {
            return Math.max(acknowledged, droppedThrough);
        }
    }

    /** Result of decoding one record at the current position. */
    sealed interface Decoded {
        record Ok(AgentMessage.Event event, int size) implements Decoded {}

        /** Fewer bytes than the record needs: a write that never finished (never acknowledged). */
        record Incomplete(String reason) implements Decoded {}

        /** All bytes present but wrong: a bit flip or an overwritten region. */
        record Corrupt(String reason) implements Decoded {}
    }

    static ByteBuffer encodeHeader(long baseSeq) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.putInt(LOG_MAGIC).putShort(VERSION).putShort((short) 0).putLong(baseSeq);
        b.putInt(crc(b.array(), 0, 16));
        return b.flip();
    }

    /** The base seq of a log header, or empty with the header unusable. */
    static Optional<Long> decodeHeader(ByteBuffer b) {
        if (b.remaining() < HEADER_BYTES) {
            return Optional.empty();
        }
        byte[] h = new byte[HEADER_BYTES];
        b.get(h);
        ByteBuffer w = ByteBuffer.wrap(h);
        if (w.getInt(0) != LOG_MAGIC || w.getShort(4) != VERSION || w.getInt(16) != crc(h, 0, 16)) {
            return Optional.empty();
        }
        long base = w.getLong(8);
        return base < 0 ? Optional.empty() : Optional.of(base);
    }

    static byte[] encodeRecord(AgentMessage.Event e) {
        byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
        byte[] detail = e.detail().getBytes(StandardCharsets.UTF_8);
        int body = 8 + 8 + 2 + name.length + 2 + detail.length;
        if (body > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("event too long: " + body + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(4 + body + 4);
        b.putInt(body).putLong(e.seq()).putLong(e.timeMillis());
        b.putShort((short) name.length)
                .put(name)
                .putShort((short) detail.length)
                .put(detail);
        b.putInt(crc(b.array(), 0, 4 + body));
        return b.array();
    }

    /** Body length from a record's first four bytes, or -1 if no valid record can be that long. */
    static int bodyLength(int lengthField) {
        int minBody = MIN_RECORD_BYTES - 8;
        return lengthField < minBody || lengthField > MAX_BODY_BYTES ? -1 : lengthField;
    }

    /**
     * Decodes one whole record (length field, body, CRC), checked in order: CRC, string lengths,
     * UTF-8, seq strictly above {@code previousSeq}.
     */
    static Decoded decodeRecord(byte[] record, long previousSeq) {
        ByteBuffer b = ByteBuffer.wrap(record);
        int body = b.getInt(0);
        if (record.length != 4 + body + 4) {
            return new Decoded.Corrupt("record length " + record.length + " does not match body " + body);
        }
        if (b.getInt(4 + body) != crc(record, 0, 4 + body)) {
            return new Decoded.Corrupt("CRC32C mismatch");
        }
        long seq = b.getLong(4);
        long time = b.getLong(12);
        int nameLength = Short.toUnsignedInt(b.getShort(20));
        if (22 + nameLength + 2 > 4 + body) {
            return new Decoded.Corrupt("name length " + nameLength + " overruns the record");
        }
        int detailLength = Short.toUnsignedInt(b.getShort(22 + nameLength));
        if (24 + nameLength + detailLength != 4 + body) {
            return new Decoded.Corrupt("string lengths do not add up to the record length");
        }
        if (seq <= previousSeq) {
            return new Decoded.Corrupt("seq " + seq + " not above " + previousSeq);
        }
        Optional<String> name = utf8(record, 22, nameLength);
        Optional<String> detail = utf8(record, 24 + nameLength, detailLength);
        if (name.isEmpty() || detail.isEmpty() || name.get().isBlank()) {
            return new Decoded.Corrupt("name or detail is not valid UTF-8 or the name is blank");
        }
        return new Decoded.Ok(new AgentMessage.Event(seq, time, name.get(), detail.get()), record.length);
    }

    static byte[] encodeState(State s) {
        ByteBuffer b = ByteBuffer.allocate(STATE_BYTES);
        b.putInt(STATE_MAGIC).putShort(VERSION).putShort((short) 0);
        b.putLong(s.acknowledged()).putLong(s.droppedThrough()).putLong(s.droppedUnreported());
        b.putInt(crc(b.array(), 0, 32));
        return b.array();
    }

    static Optional<State> decodeState(byte[] bytes) {
        if (bytes.length != STATE_BYTES) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt(0) != STATE_MAGIC || b.getShort(4) != VERSION || b.getInt(32) != crc(bytes, 0, 32)) {
            return Optional.empty();
        }
        State s = new State(b.getLong(8), b.getLong(16), b.getLong(24));
        if (s.acknowledged() < 0 || s.droppedThrough() < 0 || s.droppedUnreported() < 0) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, offset, length);
        return (int) c.getValue();
    }

    private static Optional<String> utf8(byte[] bytes, int offset, int length) {
        try {
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty(); // Reported by the caller as a corrupt record.
        }
    }
}
