package org.visorfleet.aoe.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.aoe.transport.FrameBatch;
import org.visorfleet.aoe.transport.FrameTransport;

/**
 * Runs an {@link AoeTarget} on a {@link FrameTransport} with a few platform worker threads (they
 * block in native receive calls, which would pin virtual threads anyway). Each worker owns its
 * batches: receive up to {@link #BATCH} frames in one call, handle them, send their replies in groups
 * of {@link #SEND_GROUP}. Exports may be added to and removed from the target while it runs; a
 * worker grows its reply batch when a broadcast can draw more replies than it holds.
 */
public final class TargetServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TargetServer.class.getName());
    /** Frames per receive/send call: enough to amortise the syscall, small enough to stay in cache. */
    static final int BATCH = 32;
    /**
     * Replies leave in groups of at most this many: holding a whole batch back until the last
     * request is done stalls an initiator that pipelines (it idles, then everything arrives at once);
     * one send per reply wastes system calls. Measured with aoe-blast, window 16: groups of 2-4 beat
     * both 1 and 32 (bench/aoe-vs-vblade.sh, docs/performance.md).
     */
    static final int SEND_GROUP = 4;

    private final AoeTarget target;
    private final FrameTransport transport;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    private TargetServer(AoeTarget target, FrameTransport transport) {
        this.target = target;
        this.transport = transport;
    }

    /** Starts {@code workers} threads serving {@code target} on {@code transport}. */
    public static TargetServer start(AoeTarget target, FrameTransport transport, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers " + workers);
        }
        TargetServer server = new TargetServer(target, transport);
        for (int i = 0; i < workers; i++) {
            Thread t = Thread.ofPlatform()
                    .name("aoe-" + transport.describe() + "-" + i)
                    .daemon()
                    .start(server::serve);
            server.workers.add(t);
        }
        LOG.log(
                Level.INFO,
                "AoE target on {0} (MAC {1}, MTU {2}, {3} sectors/frame, workers {4}): exports {5}",
                transport.describe(),
                transport.localMac(),
                String.valueOf(transport.mtu()),
                String.valueOf(target.config().maxSectorsPerFrame()),
                String.valueOf(workers),
                target.exports().stream().map(e -> "e" + e.address()).toList());
        return server;
    }

    public AoeTarget target() {
        return target;
    }

    public FrameTransport transport() {
        return transport;
    }

    private void serve() {
        int slot = target.config().maxFrame();
        Arena outArena = Arena.ofConfined();
        try (Arena inArena = Arena.ofConfined()) {
            FrameBatch in = new FrameBatch(BATCH, slot, inArena);
            FrameBatch out = new FrameBatch(replyCapacity(target.maxRepliesPerRequest()), slot, outArena);
            while (running) {
                try {
                    int n = transport.receive(in);
                    out.clear();
                    for (int i = 0; i < n; i++) {
                        int replies = target.maxRepliesPerRequest();
                        if (out.size() >= SEND_GROUP || out.capacity() - out.size() < replies) {
                            if (out.size() > 0) {
                                transport.send(out);
                            }
                            out.clear();
                        }
                        if (out.capacity() < replies) { // exports were added since this worker started
                            Arena grown = Arena.ofConfined();
                            out = new FrameBatch(replyCapacity(replies), slot, grown);
                            outArena.close();
                            outArena = grown;
                        }
                        target.handle(in.receivedFrame(i), in.peer(i), out);
                    }
                    if (out.size() > 0) {
                        transport.send(out);
                    }
                } catch (ClosedChannelException closed) {
                    return;
                } catch (IOException | RuntimeException failure) {
                    if (!running) {
                        return;
                    }
                    // a send can fail transiently (ENOBUFS on a full queue); the initiator retransmits
                    LOG.log(Level.WARNING, "AoE worker on {0}: {1}", transport.describe(), failure.toString());
                }
            }
        } finally {
            outArena.close();
        }
    }

    /**
     * Reply slots for a worker: a send group plus one request's worth of replies, rounded up so
     * that adding exports one at a time does not reallocate every worker's batch each time.
     */
    static int replyCapacity(int repliesPerRequest) {
        int needed = SEND_GROUP + repliesPerRequest;
        return (needed + 15) & ~15;
    }

    /**
     * Stops the workers, closes the transport, then closes the exports the target serves at this
     * moment (flushing their storage). Exports removed earlier are their remover's to close.
     */
    @Override
    public void close() throws IOException {
        running = false;
        transport.close();
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        IOException first = null;
        for (TargetExport e : target.exports()) {
            try {
                e.close();
            } catch (IOException failure) {
                first = first == null ? failure : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
