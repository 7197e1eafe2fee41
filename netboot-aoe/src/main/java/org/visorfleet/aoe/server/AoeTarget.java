package org.visorfleet.aoe.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.visorfleet.aoe.codec.AoeCodec;
import org.visorfleet.aoe.codec.AoeCommand;
import org.visorfleet.aoe.codec.AoeError;
import org.visorfleet.aoe.codec.AoeFrame;
import org.visorfleet.aoe.codec.AoeHeader;
import org.visorfleet.aoe.codec.AoeMessage;
import org.visorfleet.aoe.codec.AtaMessage;
import org.visorfleet.aoe.codec.DecodeResult;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.codec.MacMaskMessage;
import org.visorfleet.aoe.codec.QueryConfigMessage;
import org.visorfleet.aoe.codec.QueryConfigMessage.ConfigCommand;
import org.visorfleet.aoe.codec.ReserveReleaseMessage;
import org.visorfleet.aoe.codec.UnknownMessage;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.transport.FrameBatch;

/**
 * The AoE r11 target state machine: one request frame in, zero or more reply frames out.
 * Transport-agnostic and thread-safe: several workers call {@link #handle} at once.
 *
 * <p>Rules, in the order they are applied to a frame:
 * <ol>
 *   <li>Frames that are not AoE, are responses (R flag), are addressed to another unicast MAC, or
 *       whose header is unreadable are dropped and counted.</li>
 *   <li>A request for a version other than 1 gets error 5; a readable header with a malformed
 *       argument gets error 2 (bad argument).</li>
 *   <li>Each export matching major/minor (0xFFFF / 0xFF are wildcards) handles the request, unless its
 *       MAC mask list is non-empty and omits the sender (then it stays silent, per r11).</li>
 *   <li>ATA commands go to a single export only: broadcast ATA is dropped. An export reserved for
 *       other hosts answers ATA with error 6.</li>
 *   <li>Unknown commands get error 1.</li>
 * </ol>
 * Replies carry the export's real major/minor, echo the tag, are unicast to the requester and are
 * padded to 60 bytes.
 *
 * <p>The export set can change while the target serves ({@link #addExport}, {@link #removeExport}):
 * each frame is matched against the set current when the frame arrives, read without a lock.
 */
public final class AoeTarget {
    private static final System.Logger LOG = System.getLogger(AoeTarget.class.getName());

    private final TargetConfig config;
    private final Object exportsLock = new Object(); // serialises writers; readers use the volatile list
    private volatile List<TargetExport> exports;
    private final Map<Counter, LongAdder> counters = new EnumMap<>(Counter.class); // filled once, then read-only
    private final Map<String, String> lastFailure = new ConcurrentHashMap<>();
    private final ClientListener listener;

    /** Told once per (export, client) pair when a client first talks to an export. */
    @FunctionalInterface
    public interface ClientListener {
        void clientSeen(ExportAddress export, MacAddress client);
    }

    /** What the target counts; see {@link #count(Counter)}. */
    public enum Counter {
        REQUESTS,
        DROPPED,
        MALFORMED,
        ERROR_REPLIES,
        SECTORS_READ,
        SECTORS_WRITTEN,
        IO_ERRORS
    }

    public AoeTarget(TargetConfig config, List<TargetExport> exports, ClientListener listener) {
        this.config = config;
        this.exports = List.of();
        this.listener = listener;
        for (TargetExport e : exports) {
            add(e);
        }
        for (Counter c : Counter.values()) {
            counters.put(c, new LongAdder());
        }
    }

    public TargetConfig config() {
        return config;
    }

    /** The exports served now, in the order they were added; an immutable snapshot. */
    public List<TargetExport> exports() {
        return exports;
    }

    /**
     * Starts serving {@code export}: frames that arrive after this returns are matched against it.
     * Thread-safe, callable while workers serve. A {@link TargetServer} already running makes room
     * in its reply batches for the extra reply a broadcast now gets.
     *
     * @throws IllegalArgumentException if an export with the same address is served already, or
     *     {@code export} was removed from a target or closed (make a new one)
     */
    public void addExport(TargetExport export) {
        add(export);
        LOG.log(
                Level.INFO,
                "export e{0} added: {1} sectors, {2} exports served",
                export.address(),
                String.valueOf(export.storage().sectorCount()),
                String.valueOf(exports.size()));
    }

    private void add(TargetExport export) {
        if (export.isRetired()) {
            throw new IllegalArgumentException(
                    "export e" + export.address() + " was removed or closed; make a new TargetExport");
        }
        synchronized (exportsLock) {
            for (TargetExport e : exports) {
                if (e.address().equals(export.address())) {
                    throw new IllegalArgumentException("export e" + export.address() + " is exported already");
                }
            }
            List<TargetExport> next = new ArrayList<>(exports);
            next.add(export);
            exports = List.copyOf(next);
        }
    }

    /**
     * Stops serving the export at {@code address}. Once this returns no new request reaches it:
     * frames for it go unanswered, as for any address nobody exports. Requests already inside it run
     * to completion; {@link TargetExport#close()} waits for them (bounded) before closing its
     * storage, which is the caller's job. Thread-safe, callable while workers serve.
     *
     * @return the removed export, or empty if none had that address
     */
    public Optional<TargetExport> removeExport(ExportAddress address) {
        TargetExport removed = null;
        synchronized (exportsLock) {
            List<TargetExport> next = new ArrayList<>(exports.size());
            for (TargetExport e : exports) {
                if (e.address().equals(address)) {
                    removed = e;
                } else {
                    next.add(e);
                }
            }
            if (removed == null) {
                return Optional.empty();
            }
            exports = List.copyOf(next);
            // A worker may still hold the previous list: the export itself turns requests away.
            removed.retire();
        }
        String prefix = address + "/";
        lastFailure.keySet().removeIf(key -> key.startsWith(prefix));
        LOG.log(
                Level.INFO,
                "export e{0} removed: {1} clients had used it, {2} exports served",
                address,
                String.valueOf(removed.clients().size()),
                String.valueOf(exports.size()));
        return Optional.of(removed);
    }

    public long count(Counter counter) {
        return counters.get(counter).sum();
    }

    /**
     * The most replies one request can produce now (a broadcast Query Config answered by every
     * export). Grows when exports are added.
     */
    public int maxRepliesPerRequest() {
        return Math.max(1, exports.size());
    }

    /**
     * Handles one received frame and appends its replies to {@code out}, each addressed to
     * {@code peer}. {@code out} should have room for {@link #maxRepliesPerRequest()} frames of
     * {@link TargetConfig#maxFrame()} bytes; if exports were added since the caller looked, replies
     * that do not fit are dropped and counted ({@link Counter#DROPPED}): the initiator asks again.
     * Never throws on peer input.
     */
    public void handle(ByteBuffer frame, SocketAddress peer, FrameBatch out) {
        switch (AoeCodec.decode(frame)) {
            case DecodeResult.Decoded(AoeFrame f) -> {
                if (isForUs(f.header())) {
                    bump(Counter.REQUESTS);
                    dispatch(f, peer, out);
                } else {
                    bump(Counter.DROPPED);
                }
            }
            case DecodeResult.Malformed m -> malformed(m, peer, out);
        }
    }

    private boolean isForUs(AoeHeader h) {
        if (h.isResponse()) {
            return false; // another target's reply, or our own echoed back by the link
        }
        MacAddress dst = h.destination();
        return dst.equals(config.self()) || dst.isMulticast();
    }

    private void malformed(DecodeResult.Malformed m, SocketAddress peer, FrameBatch out) {
        bump(Counter.MALFORMED);
        if (m.header().isEmpty() || !isForUs(m.header().get())) {
            LOG.log(Level.DEBUG, "dropped frame: {0} at offset {1}", m.reason(), m.offset());
            return;
        }
        AoeHeader h = m.header().get();
        AoeError error = h.version() != AoeHeader.VERSION ? AoeError.UNSUPPORTED_VERSION : AoeError.BAD_ARGUMENT;
        LOG.log(Level.DEBUG, "{0} from {1}: {2}", error, h.source(), m.reason());
        for (TargetExport e : exports) {
            if (!e.matches(h.major(), h.minor()) || !e.state().admits(h.source()) || !hasRoom(out)) {
                continue;
            }
            if (!e.enter()) {
                continue; // removed since this frame arrived
            }
            try {
                errorReply(h, e, error, peer, out);
            } finally {
                e.exit();
            }
            if (h.command() == AoeCommand.ATA.code()) {
                return; // one error is enough for a (possibly broadcast) ATA request
            }
        }
    }

    /** False (and counted) when a reply would not fit: the export set grew after the caller sized {@code out}. */
    private boolean hasRoom(FrameBatch out) {
        if (out.isFull()) {
            bump(Counter.DROPPED);
            return false;
        }
        return true;
    }

    private void dispatch(AoeFrame f, SocketAddress peer, FrameBatch out) {
        AoeHeader h = f.header();
        boolean broadcast = h.major() == AoeHeader.BROADCAST_MAJOR || h.minor() == AoeHeader.BROADCAST_MINOR;
        for (TargetExport e : exports) {
            if (!e.matches(h.major(), h.minor()) || !e.state().admits(h.source()) || !hasRoom(out)) {
                continue;
            }
            if (!e.enter()) {
                continue; // removed since this frame arrived: as if it were not there
            }
            try {
                ClientTally client = noteClient(e, h.source());
                switch (f.message()) {
                    case AtaMessage m -> {
                        if (broadcast) {
                            bump(Counter.DROPPED); // an ATA command must name one disk
                        } else {
                            AtaHandler.handle(this, h, m, e, client, peer, out);
                        }
                    }
                    case QueryConfigMessage m -> queryConfig(h, m, e, peer, out);
                    case MacMaskMessage m -> macMask(h, m, e, peer, out);
                    case ReserveReleaseMessage m -> reserveRelease(h, m, e, peer, out);
                    case UnknownMessage m -> errorReply(h, e, AoeError.UNRECOGNIZED_COMMAND, peer, out);
                }
            } finally {
                e.exit();
            }
        }
    }

    /** The client's tally on {@code e}, created (and the listener told) on its first request there. */
    private ClientTally noteClient(TargetExport e, MacAddress client) {
        long now = System.currentTimeMillis();
        ClientTally tally = e.tally(client);
        if (tally == null) {
            ClientTally fresh = new ClientTally(client, now);
            tally = e.addTally(fresh);
            if (tally == fresh) {
                listener.clientSeen(e.address(), client);
            }
        }
        tally.request(now);
        return tally;
    }

    private void queryConfig(AoeHeader h, QueryConfigMessage m, TargetExport e, SocketAddress peer, FrameBatch out) {
        ExportState state = e.state();
        ConfigCommand ccmd = ConfigCommand.fromCode(m.ccmd()).orElse(null);
        if (ccmd == null) {
            errorReply(h, e, AoeError.BAD_ARGUMENT, peer, out);
            return;
        }
        switch (ccmd) {
            case READ -> {}
            case TEST_EXACT -> {
                if (!state.config().equals(m.config())) {
                    return; // r11: no reply unless the strings match exactly
                }
            }
            case TEST_PREFIX -> {
                if (!state.config().startsWith(m.config())) {
                    return;
                }
            }
            case SET_IF_EMPTY -> {
                if (!state.setConfigIfEmpty(m.config())) {
                    errorReply(h, e, AoeError.CONFIG_STRING_PRESENT, peer, out);
                    return;
                }
            }
            case FORCE_SET -> state.forceConfig(m.config());
        }
        QueryConfigMessage reply = new QueryConfigMessage(
                config.bufferCount(),
                config.firmwareVersion(),
                config.maxSectorsPerFrame(),
                AoeHeader.VERSION,
                ccmd.code(),
                state.config());
        encode(replyHeader(h, e), reply, peer, out);
    }

    private void macMask(AoeHeader h, MacMaskMessage m, TargetExport e, SocketAddress peer, FrameBatch out) {
        ExportState.MaskResult result;
        if (m.mcmd() == MacMaskMessage.MCMD_READ) {
            result = new ExportState.MaskResult(0, e.state().maskList());
        } else if (m.mcmd() == MacMaskMessage.MCMD_EDIT) {
            result = e.state().editMask(m.directives());
            LOG.log(Level.INFO, "export e{0}: MAC mask edited by {1}, now {2}", e.address(), h.source(), result.list());
        } else {
            errorReply(h, e, AoeError.BAD_ARGUMENT, peer, out);
            return;
        }
        List<MacMaskMessage.Directive> list = result.list().stream()
                .map(mac -> new MacMaskMessage.Directive(MacMaskMessage.DCMD_ADD, mac))
                .toList();
        encode(replyHeader(h, e), new MacMaskMessage(m.mcmd(), result.merror(), list), peer, out);
    }

    private void reserveRelease(
            AoeHeader h, ReserveReleaseMessage m, TargetExport e, SocketAddress peer, FrameBatch out) {
        ExportState state = e.state();
        switch (m.rcmd()) {
            case ReserveReleaseMessage.RCMD_READ -> {}
            case ReserveReleaseMessage.RCMD_SET -> {
                if (!state.setReserve(h.source(), m.macs())) {
                    errorReply(h, e, AoeError.TARGET_RESERVED, peer, out);
                    return;
                }
                LOG.log(Level.INFO, "export e{0}: reserve list set by {1}: {2}", e.address(), h.source(), m.macs());
            }
            case ReserveReleaseMessage.RCMD_FORCE_SET -> {
                state.forceReserve(m.macs());
                LOG.log(Level.INFO, "export e{0}: reserve list forced by {1}: {2}", e.address(), h.source(), m.macs());
            }
            default -> {
                errorReply(h, e, AoeError.BAD_ARGUMENT, peer, out);
                return;
            }
        }
        encode(replyHeader(h, e), new ReserveReleaseMessage(m.rcmd(), state.reserveList()), peer, out);
    }

    AoeHeader replyHeader(AoeHeader request, TargetExport e) {
        return request.reply(config.self(), e.address().shelf(), e.address().slot());
    }

    /** An error reply: the request's header turned around with E set; the argument is not echoed. */
    void errorReply(AoeHeader request, TargetExport e, AoeError error, SocketAddress peer, FrameBatch out) {
        bump(Counter.ERROR_REPLIES);
        ByteBuffer b = out.claim(peer);
        AoeCodec.writeHeader(replyHeader(request, e).withError(error), b);
        AoeCodec.pad(b, AoeHeader.SIZE, AoeCodec.MIN_FRAME);
        out.commit(AoeCodec.MIN_FRAME);
    }

    void encode(AoeHeader header, AoeMessage message, SocketAddress peer, FrameBatch out) {
        ByteBuffer b = out.claim(peer);
        out.commit(AoeCodec.encode(new AoeFrame(header, message), b));
    }

    void bump(Counter c) {
        counters.get(c).increment();
    }

    void add(Counter c, long n) {
        counters.get(c).add(n);
    }

    /** Logged for I/O failures of a store; the client gets an ATA error, the target keeps serving. */
    void ioError(TargetExport e, MacAddress client, IOException failure) {
        bump(Counter.IO_ERRORS);
        // A broken store fails every request of a booting client: log each distinct failure once per
        // client, not thousands of times; the IO_ERRORS counter keeps the total.
        String message = failure.toString();
        if (!message.equals(lastFailure.put(e.address() + "/" + client, message))) {
            LOG.log(
                    Level.WARNING,
                    "export e{0}, client {1}: {2} (repeats are counted, not logged)",
                    e.address(),
                    client,
                    message);
        }
    }
}
