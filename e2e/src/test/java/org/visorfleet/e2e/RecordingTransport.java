package org.visorfleet.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.transport.FrameBatch;
import org.visorfleet.aoe.transport.FrameTransport;

/**
 * A {@link FrameTransport} that passes everything to another and keeps a copy of the frames that
 * crossed it: the first {@code limit} received and the first {@code limit} sent, in order. It also
 * counts received requests whose (source MAC, command, tag) was seen before: an initiator that
 * repeats a request with the same tag is retransmitting because a reply was late or lost (iPXE reuses
 * the tag when its retry timer fires).
 *
 * <p>Thread-safe like the transport it wraps: several workers may receive and send at once.
 */
final class RecordingTransport implements FrameTransport {
    /** Ethernet header (14) + AoE ver/flags, error, major (2), minor, command, tag (4). */
    private static final int HEADER = 24;

    private static final int FLAG_RESPONSE = 0x08;
    private static final HexFormat HEX = HexFormat.of();

    private final FrameTransport delegate;
    private final int limit;
    private final long startNanos = System.nanoTime();
    private final List<Frame> received = new ArrayList<>();
    private final List<Frame> sent = new ArrayList<>();
    private final Set<String> requestKeys = new HashSet<>();
    private long receivedCount;
    private long repeatedRequests;

    /** One frame as it crossed the transport, {@code at} after the recording started. */
    record Frame(Duration at, byte[] bytes) {
        String hex() {
            return HEX.formatHex(bytes);
        }
    }

    RecordingTransport(FrameTransport delegate, int limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public int receive(FrameBatch batch) throws IOException {
        int n = delegate.receive(batch);
        synchronized (this) {
            for (int i = 0; i < n; i++) {
                byte[] frame = copy(batch.frame(i));
                receivedCount++;
                if (received.size() < limit) {
                    received.add(new Frame(since(), frame));
                }
                if (frame.length >= HEADER
                        && (frame[14] & FLAG_RESPONSE) == 0
                        && !requestKeys.add(HEX.formatHex(frame, 6, 12) + HEX.formatHex(frame, 19, HEADER))) {
                    repeatedRequests++;
                }
            }
        }
        return n;
    }

    @Override
    public void send(FrameBatch batch) throws IOException {
        synchronized (this) {
            for (int i = 0; i < batch.size() && sent.size() < limit; i++) {
                sent.add(new Frame(since(), copy(batch.frame(i))));
            }
        }
        delegate.send(batch);
    }

    private Duration since() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static byte[] copy(ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.get(frame.position(), bytes);
        return bytes;
    }

    /** The first received frames (at most {@code limit}), oldest first. */
    synchronized List<Frame> received() {
        return List.copyOf(received);
    }

    /** The first sent frames (at most {@code limit}), oldest first. */
    synchronized List<Frame> sent() {
        return List.copyOf(sent);
    }

    synchronized long receivedCount() {
        return receivedCount;
    }

    /** Requests received again with the same source, command and tag: the initiator's retransmissions. */
    synchronized long repeatedRequests() {
        return repeatedRequests;
    }

    @Override
    public MacAddress localMac() {
        return delegate.localMac();
    }

    @Override
    public int mtu() {
        return delegate.mtu();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
