package org.visorfleet.aoe.transport;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Function;

/**
 * A reusable batch of Ethernet frames (destination MAC first, no FCS) in one native slab, so a
 * transport can hand all of them to the kernel in one {@code recvmmsg}/{@code sendmmsg} call and the
 * hot path allocates nothing per frame.
 *
 * <p>Not thread-safe: each worker thread owns its batches. Slot {@code i} occupies bytes
 * {@code [i * slotSize, (i + 1) * slotSize)} of {@link #slab()}; its length is {@link #length(int)}.
 * A slot may carry a peer address (UDP transports: the datagram's sender, and where a reply goes);
 * raw Ethernet leaves it null because the frame's own MAC addresses route it.
 */
public final class FrameBatch {
    private final MemorySegment slab;
    private final ByteBuffer[] views;
    private final ByteBuffer[] readOnlyViews;
    private final int[] lengths;
    private final SocketAddress[] peers;
    private final int slotSize;
    private int size;
    private Object scratch;

    /**
     * @param capacity number of slots
     * @param slotSize bytes per slot: the largest frame the transport can carry (MTU + 14)
     * @param arena owner of the native slab; closing it invalidates the batch
     */
    public FrameBatch(int capacity, int slotSize, Arena arena) {
        if (capacity < 1 || slotSize < 60) {
            throw new IllegalArgumentException("capacity " + capacity + ", slot size " + slotSize);
        }
        this.slotSize = slotSize;
        this.slab = arena.allocate((long) capacity * slotSize, 64);
        this.views = new ByteBuffer[capacity];
        this.readOnlyViews = new ByteBuffer[capacity];
        this.lengths = new int[capacity];
        this.peers = new SocketAddress[capacity];
        for (int i = 0; i < capacity; i++) {
            views[i] =
                    slab.asSlice((long) i * slotSize, slotSize).asByteBuffer().order(ByteOrder.BIG_ENDIAN);
            readOnlyViews[i] = views[i].asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN);
        }
    }

    public int capacity() {
        return views.length;
    }

    public int slotSize() {
        return slotSize;
    }

    public int size() {
        return size;
    }

    public boolean isFull() {
        return size == views.length;
    }

    public void clear() {
        size = 0;
    }

    /** The native memory behind every slot, for transports. */
    public MemorySegment slab() {
        return slab;
    }

    /** Slot {@code i} as a buffer with position 0 and limit = frame length. */
    public ByteBuffer frame(int i) {
        checkIndex(i);
        return views[i].clear().limit(lengths[i]);
    }

    /**
     * Slot {@code i} as a read-only big-endian buffer (position 0, limit = frame length), reused
     * across calls: what a receiver decodes, so views of it cost no further copies.
     */
    public ByteBuffer receivedFrame(int i) {
        checkIndex(i);
        return readOnlyViews[i].clear().limit(lengths[i]);
    }

    public int length(int i) {
        checkIndex(i);
        return lengths[i];
    }

    public SocketAddress peer(int i) {
        checkIndex(i);
        return peers[i];
    }

    /**
     * Claims the next slot and returns it cleared (position 0, limit = slot size) for the caller to
     * fill; call {@link #commit(int)} with the frame length when done.
     */
    public ByteBuffer claim(SocketAddress peer) {
        if (isFull()) {
            throw new IllegalStateException("batch full");
        }
        peers[size] = peer;
        return views[size].clear();
    }

    /** Completes the slot handed out by {@link #claim}. */
    public void commit(int length) {
        if (length < 0 || length > slotSize) {
            throw new IllegalArgumentException("frame length " + length + " outside slot of " + slotSize);
        }
        lengths[size++] = length;
    }

    /** For transports filling slots directly from the kernel: sets slot {@code i}'s length and peer. */
    public void setReceived(int i, int length, SocketAddress peer) {
        if (i != size || length < 0 || length > slotSize) {
            throw new IllegalArgumentException("slot " + i + " (size " + size + "), length " + length);
        }
        lengths[i] = length;
        peers[i] = peer;
        size++;
    }

    /**
     * Per-batch state a transport builds on first use and then reuses (native message headers,
     * receive buffers), so the hot path allocates nothing. Only one kind is kept: a batch that
     * alternates between transports of different kinds rebuilds it on each switch.
     */
    <T> T scratch(Class<T> type, Function<FrameBatch, T> factory) {
        Object current = scratch;
        if (type.isInstance(current)) {
            return type.cast(current);
        }
        T created = factory.apply(this);
        scratch = created;
        return created;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("slot " + i + " of " + size);
        }
    }
}
