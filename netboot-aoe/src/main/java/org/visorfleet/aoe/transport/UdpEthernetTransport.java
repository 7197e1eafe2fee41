package org.visorfleet.aoe.transport;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.visorfleet.aoe.codec.MacAddress;

/**
 * Ethernet-in-UDP as QEMU's {@code -netdev dgram} speaks it: one whole Ethernet frame (no FCS, no
 * extra header) per datagram. Needs no privileges, so tests and unprivileged demos boot real
 * guests through it.
 *
 * <p>Each received frame's slot carries the sender's {@link InetSocketAddress}; {@link #send} sends
 * each frame to its slot's peer, so echoing the peer answers whoever asked. There is no NIC, so the
 * caller chooses the MAC the target uses as source ({@link #localMacFor} derives a stable one).
 *
 * <p>Receive takes one datagram per call: the channel stays in blocking mode (shared by all
 * receiving threads), so there is no way to ask for "more, if already queued" without waiting.
 * Datagrams longer than {@code min(slot size, mtu + 14)} or shorter than an Ethernet header are
 * dropped and counted. {@link #close()} wakes blocked receivers at once (they return 0). As with
 * every {@link java.nio.channels.InterruptibleChannel}, interrupting a thread blocked in receive or
 * send closes the transport for all threads; that thread gets {@link ClosedByInterruptException}.
 */
public final class UdpEthernetTransport implements FrameTransport {
    public static final int DEFAULT_MTU = 1500;
    /** Largest UDP payload over IPv4 (65535 - 20 - 8) minus the Ethernet header. */
    static final int MAX_MTU = 65_507 - 14;
    /** Smallest Ethernet payload; a FrameBatch slot is never smaller than 60 bytes. */
    static final int MIN_MTU = 46;

    private static final int ETHER_HEADER = 14;
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final MacAddress mac;
    private final int mtu;
    private final Tally tally = new Tally();

    private UdpEthernetTransport(DatagramChannel channel, InetSocketAddress local, MacAddress mac, int mtu) {
        this.channel = channel;
        this.local = local;
        this.mac = mac;
        this.mtu = mtu;
    }

    /** Binds {@code bind} (port 0: any free port) with the default MTU of 1500. */
    public static UdpEthernetTransport open(InetSocketAddress bind, MacAddress localMac) throws IOException {
        return open(bind, localMac, DEFAULT_MTU);
    }

    /**
     * Binds {@code bind} (port 0: any free port).
     *
     * @param mtu largest Ethernet payload accepted and sent; frames are up to {@code mtu + 14} bytes
     * @throws IllegalArgumentException if {@code mtu} is outside 46..65493 or {@code bind} is unresolved
     */
    public static UdpEthernetTransport open(InetSocketAddress bind, MacAddress localMac, int mtu) throws IOException {
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("MTU " + mtu + " outside " + MIN_MTU + ".." + MAX_MTU);
        }
        if (bind.isUnresolved()) {
            throw new IllegalArgumentException("unresolved bind address " + bind);
        }
        ProtocolFamily family =
                bind.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel channel = DatagramChannel.open(family);
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(bind);
            InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
            return new UdpEthernetTransport(channel, local, localMac, mtu);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("cannot bind UDP " + bind + ": " + e.getMessage(), e);
        }
    }

    /**
     * A locally administered unicast MAC ({@code 02:xx:xx:xx:xx:xx}) derived from {@code address}:
     * the same address and port give the same MAC on every run, different ones almost surely differ.
     */
    public static MacAddress localMacFor(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        byte[] digest;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(address.getAddress().getAddress());
            sha.update(new byte[] {(byte) (address.getPort() >>> 8), (byte) address.getPort()});
            digest = sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
        byte[] mac = {0x02, digest[0], digest[1], digest[2], digest[3], digest[4]};
        return MacAddress.fromBytes(mac);
    }

    /** The bound address (with the actual port when opened with port 0). */
    public InetSocketAddress localAddress() {
        return local;
    }

    /**
     * Clears {@code batch} and waits for one acceptable datagram, which fills slot 0; dropped
     * datagrams do not end the wait.
     *
     * @return 1, or 0 if the transport was closed while waiting
     * @throws ClosedChannelException if called after {@link #close()}
     * @throws ClosedByInterruptException if this thread was interrupted (which closes the transport)
     */
    @Override
    public int receive(FrameBatch batch) throws IOException {
        batch.clear();
        int largest = Math.min(batch.slotSize(), mtu + ETHER_HEADER);
        // One byte more than the largest frame: a datagram that fills it was longer and is dropped
        // (DatagramChannel silently truncates to the buffer).
        ByteBuffer buffer =
                batch.scratch(ReceiveBuffer.class, ReceiveBuffer::new).buffer();
        while (true) {
            buffer.clear().limit(largest + 1);
            SocketAddress sender;
            try {
                sender = channel.receive(buffer);
            } catch (ClosedByInterruptException e) {
                throw e;
            } catch (AsynchronousCloseException e) {
                return 0;
            }
            int length = buffer.flip().remaining();
            if (length > largest) {
                tally.oversize.increment();
            } else if (length < ETHER_HEADER) {
                tally.runt.increment();
            } else {
                batch.claim(sender).put(buffer);
                batch.commit(length);
                tally.received.increment();
                return 1;
            }
        }
    }

    /**
     * Sends each frame as one datagram to its slot's peer.
     *
     * @throws IllegalArgumentException if a slot has no peer or its frame is shorter than 14 or
     *     longer than {@code mtu + 14} bytes; nothing is sent then
     */
    @Override
    public void send(FrameBatch batch) throws IOException {
        int count = batch.size();
        for (int i = 0; i < count; i++) {
            int length = batch.length(i);
            if (length < ETHER_HEADER || length > mtu + ETHER_HEADER) {
                throw new IllegalArgumentException("frame " + i + " is " + length + " bytes; " + describe()
                        + " carries 14.." + (mtu + ETHER_HEADER));
            }
            if (!(batch.peer(i) instanceof InetSocketAddress)) {
                throw new IllegalArgumentException("frame " + i + " has no UDP peer: " + batch.peer(i));
            }
        }
        for (int i = 0; i < count; i++) {
            channel.send(batch.frame(i), batch.peer(i));
        }
        Tally.add(tally.sent, count);
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
        String host = local.getAddress().getHostAddress();
        return "udp:" + (local.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + local.getPort();
    }

    public TransportCounters counters() {
        return tally.snapshot();
    }

    /** Datagrams dropped so far; see {@link #counters()} for the reasons. */
    public long droppedFrames() {
        return counters().droppedFrames();
    }

    /** Closes the channel; receivers blocked in {@link #receive} return 0. Idempotent. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Per-batch receive buffer, one byte longer than the batch's slots. */
    private record ReceiveBuffer(ByteBuffer buffer) {
        ReceiveBuffer(FrameBatch batch) {
            this(ByteBuffer.allocateDirect(batch.slotSize() + 1));
        }
    }
}
