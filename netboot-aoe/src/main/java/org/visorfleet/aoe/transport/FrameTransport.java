package org.visorfleet.aoe.transport;

import java.io.Closeable;
import java.io.IOException;
import org.visorfleet.aoe.codec.MacAddress;

/**
 * Moves whole Ethernet frames of one EtherType (0x88A2) between this process and a link.
 *
 * <p>Threading: {@link #receive} and {@link #send} may be called by several threads at once, each
 * with its own {@link FrameBatch}. {@link #close} wakes blocked receivers within a bounded time
 * (they then return 0 or throw {@link java.nio.channels.ClosedChannelException}).
 *
 * <p>Frames carry no FCS. Received frames are whatever the link delivered: the transport does not
 * validate them beyond the EtherType (raw) or datagram size (UDP); over-long datagrams are dropped
 * and counted.
 */
public interface FrameTransport extends Closeable {
    int ETHERTYPE_AOE = 0x88A2;

    /**
     * Clears {@code batch} and fills it with at least one and at most {@code batch.capacity()}
     * frames. Returns the number received, or 0 if the wait timed out or the transport closed.
     */
    int receive(FrameBatch batch) throws IOException;

    /** Sends every frame in {@code batch} (slots carry the peer for UDP). Does not clear the batch. */
    void send(FrameBatch batch) throws IOException;

    /** The MAC this end uses as source address. */
    MacAddress localMac();

    /** Link MTU: the largest Ethernet payload (frame minus the 14-byte header). */
    int mtu();

    /** A short description for logs, e.g. {@code raw:veth0} or {@code udp:127.0.0.1:5555}. */
    String describe();
}
