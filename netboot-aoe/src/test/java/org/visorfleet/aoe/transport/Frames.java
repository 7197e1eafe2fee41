package org.visorfleet.aoe.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.aoe.codec.MacAddress;

/** Builds recognisable test frames and collects received ones. */
final class Frames {
    private Frames() {}

    /** {@code length} bytes: dst, src, EtherType, then a pattern seeded by {@code seed}. */
    static byte[] frame(MacAddress dst, MacAddress src, int etherType, int length, int seed) {
        ByteBuffer b = ByteBuffer.allocate(length);
        dst.write(b, 0);
        src.write(b, 6);
        b.putShort(12, (short) etherType);
        for (int i = 14; i < length; i++) {
            b.put(i, (byte) (seed * 31 + i * 7));
        }
        return b.array();
    }

    static void add(FrameBatch batch, byte[] frame, SocketAddress peer) {
        batch.claim(peer).put(frame);
        batch.commit(frame.length);
    }

    static byte[] bytes(FrameBatch batch, int i) {
        ByteBuffer f = batch.frame(i);
        byte[] out = new byte[f.remaining()];
        f.get(out);
        return out;
    }

    /** Receives until {@code count} frames arrived (possibly over several calls) or 5 s passed. */
    static List<byte[]> receive(FrameTransport transport, FrameBatch batch, int count) throws IOException {
        List<byte[]> got = new ArrayList<>();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (got.size() < count && System.nanoTime() < deadline) {
            int n = transport.receive(batch);
            assertTrue(n == batch.size() && n <= batch.capacity(), "returned " + n + ", holds " + batch.size());
            for (int i = 0; i < n; i++) {
                got.add(bytes(batch, i));
            }
        }
        return got;
    }
}
