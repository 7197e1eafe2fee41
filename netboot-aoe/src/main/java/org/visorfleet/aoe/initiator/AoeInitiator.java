package org.visorfleet.aoe.initiator;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.visorfleet.aoe.codec.AoeCodec;
import org.visorfleet.aoe.codec.AoeCommand;
import org.visorfleet.aoe.codec.AoeFrame;
import org.visorfleet.aoe.codec.AoeHeader;
import org.visorfleet.aoe.codec.DecodeResult;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.codec.QueryConfigMessage;
import org.visorfleet.aoe.codec.QueryConfigMessage.ConfigCommand;
import org.visorfleet.aoe.transport.FrameBatch;
import org.visorfleet.aoe.transport.FrameTransport;

/**
 * An AoE initiator (client) on one transport: discovery, and request/response exchanges matched by
 * tag with timeouts. {@link AoeDisk} builds windowed reads and writes with retransmission on top.
 *
 * <p>Threading: one receiver thread owns the receive batch and completes waiting exchanges; any
 * number of threads may call {@link #exchange}/{@link #discover}. Replies are copied out of the
 * receive batch before they are handed over, so callers own what they get.
 */
public final class AoeInitiator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AoeInitiator.class.getName());

    private final FrameTransport transport;
    private final SocketAddress peer;
    private final Map<Integer, LinkedBlockingQueue<AoeFrame>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger nextTag = new AtomicInteger((int) System.nanoTime() & 0x7FFF_FFFF);
    private final LongAdder retransmits = new LongAdder();
    private final Thread receiver;
    private final Arena arena = Arena.ofShared();
    private final FrameBatch sendBatch;
    private volatile boolean running = true;

    /**
     * @param peer where frames go on a UDP transport (the target's address); null on raw Ethernet
     */
    public AoeInitiator(FrameTransport transport, SocketAddress peer) {
        this.transport = transport;
        this.peer = peer;
        this.sendBatch = new FrameBatch(1, transport.mtu() + 14, arena);
        this.receiver = Thread.ofPlatform()
                .daemon()
                .name("aoe-initiator-" + transport.describe())
                .start(this::receive);
    }

    public FrameTransport transport() {
        return transport;
    }

    public MacAddress localMac() {
        return transport.localMac();
    }

    /** Requests re-sent after a timeout, over the life of this initiator. */
    public long retransmits() {
        return retransmits.sum();
    }

    int newTag() {
        return nextTag.getAndIncrement() & 0x7FFF_FFFF;
    }

    void countRetransmit() {
        retransmits.increment();
    }

    /** A target that answered discovery. */
    public record Discovered(MacAddress mac, int shelf, int slot, QueryConfigMessage config) {
        public String address() {
            return "e" + shelf + "." + slot;
        }
    }

    /** Broadcasts Query Config (read) to {@code major.minor} (0xFFFF/0xFF are wildcards) and collects replies. */
    public List<Discovered> discover(int major, int minor, Duration wait) throws IOException {
        int tag = newTag();
        LinkedBlockingQueue<AoeFrame> replies = register(tag);
        try {
            AoeHeader h =
                    AoeHeader.request(MacAddress.BROADCAST, localMac(), major, minor, AoeCommand.QUERY_CONFIG, tag);
            send(new AoeFrame(h, QueryConfigMessage.request(ConfigCommand.READ, "")));
            List<Discovered> found = new ArrayList<>();
            long deadline = System.nanoTime() + wait.toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                AoeFrame f = replies.poll(left, TimeUnit.NANOSECONDS);
                if (f != null && !f.header().isError() && f.message() instanceof QueryConfigMessage qc) {
                    found.add(new Discovered(
                            f.header().source(), f.header().major(), f.header().minor(), qc));
                }
            }
            return found;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during discovery", e);
        } finally {
            waiting.remove(tag);
        }
    }

    /**
     * Sends {@code request} (its tag is used to match) and waits for the first reply with that tag,
     * re-sending every {@code timeout} up to {@code attempts} times. Throws IOException when no reply
     * arrives.
     */
    public AoeFrame exchange(AoeFrame request, Duration timeout, int attempts) throws IOException {
        int tag = request.header().tag();
        LinkedBlockingQueue<AoeFrame> replies = register(tag);
        try {
            for (int attempt = 0; attempt < attempts; attempt++) {
                if (attempt > 0) {
                    retransmits.increment();
                }
                send(request);
                AoeFrame reply = replies.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
                if (reply != null) {
                    return reply;
                }
            }
            throw new IOException("no reply from e" + request.header().major() + "."
                    + request.header().minor() + " after " + attempts + " attempts of " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for AoE reply", e);
        } finally {
            waiting.remove(tag);
        }
    }

    /** Opens a disk found by discovery: reads IDENTIFY for its size. */
    public AoeDisk open(Discovered target) throws IOException {
        return AoeDisk.open(this, target);
    }

    LinkedBlockingQueue<AoeFrame> register(int tag) {
        return register(tag, new LinkedBlockingQueue<>());
    }

    /** Routes replies with {@code tag} to {@code q}; several tags may share one queue. */
    LinkedBlockingQueue<AoeFrame> register(int tag, LinkedBlockingQueue<AoeFrame> q) {
        if (waiting.putIfAbsent(tag, q) != null) {
            throw new IllegalStateException("tag " + tag + " already in flight");
        }
        return q;
    }

    void unregister(int tag) {
        waiting.remove(tag);
    }

    synchronized void send(AoeFrame frame) throws IOException {
        sendBatch.clear();
        ByteBuffer b = sendBatch.claim(peer);
        sendBatch.commit(AoeCodec.encode(frame, b));
        transport.send(sendBatch);
    }

    private void receive() {
        try (Arena local = Arena.ofConfined()) {
            FrameBatch in = new FrameBatch(32, transport.mtu() + 14, local);
            while (running) {
                int n;
                try {
                    n = transport.receive(in);
                } catch (ClosedChannelException closed) {
                    return;
                } catch (IOException e) {
                    if (running) {
                        LOG.log(Level.WARNING, "AoE initiator receive: {0}", e.toString());
                    }
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    deliver(in.frame(i));
                }
            }
        }
    }

    private void deliver(ByteBuffer frame) {
        ByteBuffer copy = ByteBuffer.allocate(frame.remaining()).put(frame).flip();
        if (AoeCodec.decode(copy) instanceof DecodeResult.Decoded(AoeFrame f)
                && f.header().isResponse()
                && (f.header().destination().equals(localMac())
                        || f.header().destination().isMulticast())) {
            LinkedBlockingQueue<AoeFrame> q = waiting.get(f.header().tag());
            if (q != null) {
                q.add(f);
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        transport.close();
        try {
            receiver.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        arena.close();
    }
}
