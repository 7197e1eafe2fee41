package org.visorfleet.aoe.transport;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.visorfleet.aoe.codec.MacAddress;

/**
 * AoE frames on a Linux network interface through an {@code AF_PACKET} raw socket, a whole
 * {@link FrameBatch} per {@code recvmmsg}/{@code sendmmsg} call.
 *
 * <p>The socket is bound to one interface and EtherType 0x88A2, ignores its own sends
 * ({@code PACKET_IGNORE_OUTGOING}). Replies go through the interface's queueing discipline, not
 * around it ({@code PACKET_QDISC_BYPASS}): bypassing hides them from tcpdump, which an administrator
 * debugging a boot needs, and measured no faster on veth within the benchmark's noise.
 * Received frames that would not reach an AoE target on a real link are dropped and counted (see
 * {@link TransportCounters}): frames longer than the batch slot (the kernel truncates them, they are
 * never delivered truncated), frames a promiscuous interface saw for other hosts, and runts.
 *
 * <p>Threading: as {@link FrameTransport}. The calls block in native code, which pins a virtual
 * thread's carrier: run receive loops on platform threads. {@code close()} cannot interrupt a
 * blocked {@code recvmmsg}, so the socket carries a {@value #RECEIVE_TIMEOUT_MILLIS} ms receive
 * timeout; close marks the transport closed, waits for calls in progress to return (at most that
 * long) and only then closes the descriptor, so no call can ever reach a reused descriptor number.
 *
 * <p>Needs {@code CAP_NET_RAW}.
 */
public final class RawEthernetTransport implements FrameTransport {
    private static final System.Logger LOG = System.getLogger(RawEthernetTransport.class.getName());

    static final int RECEIVE_TIMEOUT_MILLIS = 200;
    static final int SEND_TIMEOUT_MILLIS = 200;
    /** Socket buffers: several thousand full-size frames, so bursts survive a busy receiver. */
    static final int SOCKET_BUFFER_BYTES = 8 << 20;
    /** Longer than any call can block given the socket timeouts; reached only if the kernel hangs. */
    private static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final int ETHER_HEADER = 14;
    private static final int ARPHRD_ETHER = 1;
    private static final int IFNAMSIZ = 16;

    private final int fd;
    private final String iface;
    private final MacAddress mac;
    private final int mtu;
    private final Tally tally = new Tally();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    private RawEthernetTransport(int fd, String iface, MacAddress mac, int mtu) {
        this.fd = fd;
        this.iface = iface;
        this.mac = mac;
        this.mtu = mtu;
    }

    /**
     * Opens a raw socket on {@code iface} for EtherType 0x88A2.
     *
     * @throws IllegalArgumentException if {@code iface} cannot be an interface name
     * @throws IOException if the interface does not exist or is not Ethernet, the process lacks
     *     {@code CAP_NET_RAW}, or a socket call fails; the message names the call, errno and interface
     */
    public static RawEthernetTransport open(String iface) throws IOException {
        checkName(iface);
        LinuxSockets.checkSupported();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LinuxSockets.ERRNO_STATE);
            int index = LinuxSockets.ifNameToIndex(state, arena.allocateFrom(iface));
            if (index == 0) {
                throw noSuchInterface(iface, LinuxSockets.errno(state));
            }
            // Protocol 0 receives nothing until bind() sets 0x88A2 together with the interface;
            // socket(..., htons(0x88A2)) would queue AoE frames from every interface meanwhile.
            int type = LinuxSockets.SOCK_RAW | LinuxSockets.SOCK_CLOEXEC;
            int fd = LinuxSockets.socket(state, LinuxSockets.AF_PACKET, type, 0);
            if (fd < 0) {
                throw LinuxSockets.failure("socket(AF_PACKET, SOCK_RAW)", LinuxSockets.errno(state), iface);
            }
            try {
                bind(arena, state, fd, index, iface);
                configure(arena, state, fd, iface);
                return new RawEthernetTransport(fd, iface, readMac(iface), readMtu(iface));
            } catch (IOException | RuntimeException | Error e) {
                LinuxSockets.close(state, fd);
                throw e;
            }
        }
    }

    /**
     * Clears {@code batch} and fills it with the frames one {@code recvmmsg} returns; waits at most
     * the receive timeout for the first. Calls again only when every frame returned was dropped.
     *
     * @throws ClosedChannelException if called after {@link #close()}
     * @throws IOException on a socket error other than a timeout or signal, e.g. {@code ENETDOWN}
     *     once when the interface goes down
     */
    @Override
    public int receive(FrameBatch batch) throws IOException {
        batch.clear();
        MessageVector vector = MessageVector.of(batch);
        vector.checkAlive();
        begin();
        try {
            while (true) {
                vector.prepareReceive();
                int n = LinuxSockets.recvmmsg(
                        vector.errnoState(), fd, vector.headers(), batch.capacity(), LinuxSockets.MSG_WAITFORONE);
                if (n < 0) {
                    int errno = LinuxSockets.errno(vector.errnoState());
                    if (errno == LinuxSockets.EAGAIN || errno == LinuxSockets.EINTR) {
                        return 0;
                    }
                    throw LinuxSockets.failure("recvmmsg", errno, iface);
                }
                int kept = keep(batch, vector, n);
                if (kept > 0 || closed) {
                    return kept;
                }
            }
        } finally {
            end();
        }
    }

    /** Moves the acceptable frames among the first {@code n} slots to the front of the batch. */
    private int keep(FrameBatch batch, MessageVector vector, int n) {
        int oversize = 0;
        int notForUs = 0;
        int runt = 0;
        MemorySegment slab = batch.slab();
        long slotSize = batch.slotSize();
        for (int i = 0; i < n; i++) {
            int length = vector.length(i);
            int type = vector.packetType(i);
            if ((vector.flags(i) & LinuxSockets.MSG_TRUNC) != 0) {
                oversize++;
            } else if (type == LinuxSockets.PACKET_OTHERHOST || type == LinuxSockets.PACKET_OUTGOING) {
                notForUs++;
            } else if (length < ETHER_HEADER) {
                runt++;
            } else {
                int slot = batch.size();
                if (slot != i) {
                    MemorySegment.copy(slab, i * slotSize, slab, slot * slotSize, length);
                }
                batch.setReceived(slot, length, null);
            }
        }
        Tally.add(tally.oversize, oversize);
        Tally.add(tally.notForUs, notForUs);
        Tally.add(tally.runt, runt);
        Tally.add(tally.received, batch.size());
        return batch.size();
    }

    /**
     * Sends every frame of {@code batch} with as few {@code sendmmsg} calls as the kernel allows.
     * Frames shorter than 60 bytes are zero-padded to 60 in their slot. A frame the kernel refuses
     * for lack of buffer space is skipped and counted in {@link TransportCounters#droppedOnSend()}.
     *
     * @throws IllegalArgumentException if a frame is shorter than an Ethernet header or longer
     *     than {@link #mtu()} + 14; nothing is sent then
     * @throws ClosedChannelException if the transport is closed before or during the call
     */
    @Override
    public void send(FrameBatch batch) throws IOException {
        int count = batch.size();
        for (int i = 0; i < count; i++) {
            int length = batch.length(i);
            if (length < ETHER_HEADER || length > mtu + ETHER_HEADER) {
                throw new IllegalArgumentException(
                        "frame " + i + " is " + length + " bytes; " + iface + " carries 14.." + (mtu + ETHER_HEADER));
            }
        }
        if (count == 0) {
            return;
        }
        MessageVector vector = MessageVector.of(batch);
        vector.checkAlive();
        vector.prepareSend();
        begin();
        try {
            int next = 0;
            int dropped = 0;
            while (next < count) {
                MemorySegment from = next == 0 ? vector.headers() : vector.from(next);
                int n = LinuxSockets.sendmmsg(vector.errnoState(), fd, from, count - next, 0);
                if (n > 0) {
                    next += n;
                    continue;
                }
                int errno = LinuxSockets.errno(vector.errnoState());
                if (errno == LinuxSockets.EINTR) {
                    continue;
                }
                if (closed) {
                    throw new AsynchronousCloseException();
                }
                if (errno == LinuxSockets.ENOBUFS || errno == LinuxSockets.EAGAIN) {
                    dropped++;
                    next++;
                    continue;
                }
                throw LinuxSockets.failure("sendmmsg", errno, iface);
            }
            Tally.add(tally.droppedOnSend, dropped);
            Tally.add(tally.sent, count - dropped);
        } finally {
            end();
        }
    }

    @Override
    public MacAddress localMac() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public String describe() {
        return "raw:" + iface;
    }

    public TransportCounters counters() {
        return tally.snapshot();
    }

    /** Frames dropped so far, both directions; see {@link #counters()} for the reasons. */
    public long droppedFrames() {
        return counters().droppedFrames();
    }

    /**
     * Marks the transport closed, waits for receive and send calls in progress to return (bounded
     * by the socket timeouts), then closes the socket. Idempotent.
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        awaitCallsInProgress();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LinuxSockets.ERRNO_STATE);
            if (LinuxSockets.close(state, fd) != 0) {
                throw LinuxSockets.failure("close", LinuxSockets.errno(state), iface);
            }
        }
    }

    private void awaitCallsInProgress() {
        long deadline = System.nanoTime() + CLOSE_GRACE_NANOS;
        boolean interrupted = false;
        while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                // Finish closing regardless; the caller sees its interrupt flag again below.
                interrupted = true;
            }
        }
        if (inFlight.get() > 0) {
            LOG.log(Level.WARNING, "{0}: closing with {1} calls still in the kernel", describe(), inFlight.get());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // inFlight and closed are both volatile: close() sets closed before reading inFlight and a call
    // increments inFlight before reading closed, so one of them always sees the other.
    private void begin() throws ClosedChannelException {
        inFlight.incrementAndGet();
        if (closed) {
            inFlight.decrementAndGet();
            throw new ClosedChannelException();
        }
    }

    private void end() {
        inFlight.decrementAndGet();
    }

    private static void bind(Arena arena, MemorySegment state, int fd, int index, String iface) throws IOException {
        MemorySegment address = arena.allocate(LinuxSockets.SOCKADDR_LL);
        address.set(JAVA_SHORT, LinuxSockets.SLL_FAMILY, (short) LinuxSockets.AF_PACKET);
        address.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), LinuxSockets.SLL_PROTOCOL, (short) ETHERTYPE_AOE);
        address.set(JAVA_INT, LinuxSockets.SLL_IFINDEX, index);
        if (LinuxSockets.bind(state, fd, address) != 0) {
            throw LinuxSockets.failure("bind(AF_PACKET)", LinuxSockets.errno(state), iface);
        }
    }

    private static void configure(Arena arena, MemorySegment state, int fd, String iface) throws IOException {
        // Optional: without it (Linux < 4.20) receive still drops PACKET_OUTGOING frames itself.
        optional(arena, state, fd, LinuxSockets.PACKET_IGNORE_OUTGOING, "PACKET_IGNORE_OUTGOING", iface);
        setBuffer(arena, state, fd, LinuxSockets.SO_RCVBUFFORCE, LinuxSockets.SO_RCVBUF, "SO_RCVBUF", iface);
        setBuffer(arena, state, fd, LinuxSockets.SO_SNDBUFFORCE, LinuxSockets.SO_SNDBUF, "SO_SNDBUF", iface);
        // Required: close() relies on these to bound how long a call can block.
        setTimeout(arena, state, fd, LinuxSockets.SO_RCVTIMEO, RECEIVE_TIMEOUT_MILLIS, "SO_RCVTIMEO", iface);
        setTimeout(arena, state, fd, LinuxSockets.SO_SNDTIMEO, SEND_TIMEOUT_MILLIS, "SO_SNDTIMEO", iface);
    }

    private static void optional(Arena arena, MemorySegment state, int fd, int option, String name, String iface) {
        int errno = LinuxSockets.setIntOption(arena, state, fd, LinuxSockets.SOL_PACKET, option, 1);
        if (errno != 0) {
            LOG.log(Level.DEBUG, "{0}: {1} unavailable: {2}", iface, name, LinuxSockets.errnoName(errno));
        }
    }

    /** The FORCE variant ignores net.core.[rw]mem_max but needs CAP_NET_ADMIN; else the capped one. */
    private static void setBuffer(
            Arena arena, MemorySegment state, int fd, int force, int plain, String name, String iface)
            throws IOException {
        int size = SOCKET_BUFFER_BYTES;
        if (LinuxSockets.setIntOption(arena, state, fd, LinuxSockets.SOL_SOCKET, force, size) == 0) {
            return;
        }
        int errno = LinuxSockets.setIntOption(arena, state, fd, LinuxSockets.SOL_SOCKET, plain, size);
        if (errno != 0) {
            throw LinuxSockets.failure("setsockopt(" + name + ")", errno, iface);
        }
    }

    private static void setTimeout(
            Arena arena, MemorySegment state, int fd, int option, int millis, String name, String iface)
            throws IOException {
        int errno = LinuxSockets.setTimeout(arena, state, fd, option, millis);
        if (errno != 0) {
            throw LinuxSockets.failure("setsockopt(" + name + ")", errno, iface);
        }
    }

    private static IOException noSuchInterface(String iface, int errno) {
        if (errno == LinuxSockets.ENODEV || errno == LinuxSockets.ENXIO) {
            return new IOException("no such network interface: " + iface);
        }
        return LinuxSockets.failure("if_nametoindex", errno, iface);
    }

    private static MacAddress readMac(String iface) throws IOException {
        String type = sysfs(iface, "type");
        if (!type.equals(Integer.toString(ARPHRD_ETHER))) {
            throw new IOException(iface + " is not an Ethernet interface (ARPHRD type " + type + ")");
        }
        String text = sysfs(iface, "address");
        return MacAddress.parse(text)
                .orElseThrow(() -> new IOException(iface + " has no Ethernet address: '" + text + "'"));
    }

    private static int readMtu(String iface) throws IOException {
        String text = sysfs(iface, "mtu");
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IOException(iface + " reports MTU '" + text + "'", e);
        }
    }

    private static String sysfs(String iface, String attribute) throws IOException {
        Path path = Path.of("/sys/class/net", iface, attribute);
        try {
            return Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            // The interface vanished (or was renamed) between if_nametoindex and here.
            throw new IOException("no such network interface: " + iface, e);
        }
    }

    /** Interface names are at most 15 bytes and become a path under /sys/class/net. */
    private static void checkName(String iface) {
        if (iface == null
                || iface.isEmpty()
                || iface.getBytes(StandardCharsets.UTF_8).length >= IFNAMSIZ
                || iface.equals(".")
                || iface.equals("..")
                || iface.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x20)) {
            throw new IllegalArgumentException("not a network interface name: '" + iface + "'");
        }
    }
}
