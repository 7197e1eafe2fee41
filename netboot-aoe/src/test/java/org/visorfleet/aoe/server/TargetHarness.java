package org.visorfleet.aoe.server;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.aoe.codec.AoeCodec;
import org.visorfleet.aoe.codec.AoeFrame;
import org.visorfleet.aoe.codec.DecodeResult;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.transport.FrameBatch;

/** Drives an {@link AoeTarget} frame by frame, as a transport would, and decodes what it answers. */
final class TargetHarness implements AutoCloseable {
    final AoeTarget target;
    final List<String> seen = new ArrayList<>();
    private final Arena arena = Arena.ofConfined();
    private final FrameBatch out;

    TargetHarness(MacAddress self, int mtu, List<TargetExport> exports) {
        this.target = new AoeTarget(TargetConfig.of(self, mtu), exports, (e, c) -> seen.add(e + "/" + c));
        this.out = new FrameBatch(8 + exports.size(), mtu + 14, arena);
    }

    /** Drives an existing target (its listener is its own; {@link #seen} stays empty) with room for {@code replies}. */
    TargetHarness(AoeTarget target, int replies) {
        this.target = target;
        this.out = new FrameBatch(replies, target.config().maxFrame(), arena);
    }

    List<AoeFrame> send(AoeFrame request) {
        ByteBuffer wire = ByteBuffer.allocate(9014);
        int n = AoeCodec.encode(request, wire);
        return sendRaw(wire.limit(n));
    }

    /** Feeds raw bytes; every reply must be a well-formed AoE frame of at least 60 bytes. */
    List<AoeFrame> sendRaw(ByteBuffer wire) {
        out.clear();
        target.handle(wire, null, out);
        List<AoeFrame> replies = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            ByteBuffer f = out.frame(i);
            if (f.remaining() < AoeCodec.MIN_FRAME) {
                throw new AssertionError("reply of " + f.remaining() + " bytes is not padded to 60");
            }
            ByteBuffer copy = ByteBuffer.allocate(f.remaining()).put(f).flip();
            switch (AoeCodec.decode(copy)) {
                case DecodeResult.Decoded(AoeFrame frame) -> replies.add(frame);
                case DecodeResult.Malformed m -> throw new AssertionError("target sent a malformed frame: " + m);
            }
        }
        return replies;
    }

    @Override
    public void close() {
        arena.close();
    }
}
