package org.visorfleet.aoe.transport;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The {@code struct mmsghdr[]} / {@code struct iovec[]} / {@code struct sockaddr_ll[]} arrays that
 * let one {@code recvmmsg}/{@code sendmmsg} call move a whole {@link FrameBatch}: message {@code i}
 * has one iovec pointing at slot {@code i} of the batch's slab.
 *
 * <p>Built once per batch (see {@link FrameBatch#scratch}); each call only rewrites the lengths the
 * kernel reads. Owned by the batch's thread, like the batch. The native memory is released by the
 * GC together with the batch; it holds only the slab's address, so the batch's arena must stay
 * open while the batch is used — {@link #checkAlive()} refuses a closed one before the kernel
 * could write into freed memory.
 */
final class MessageVector {
    /** Ethernet's minimum frame without FCS; shorter frames are zero-padded on send. */
    static final int MIN_FRAME = 60;

    private static final long HEADER = LinuxSockets.MMSGHDR.byteSize();
    private static final long IOV = LinuxSockets.IOVEC.byteSize();
    private static final long ADDR = LinuxSockets.SOCKADDR_LL.byteSize();

    private final FrameBatch batch;
    private final MemorySegment headers;
    private final MemorySegment addresses;
    private final MemorySegment iovecs;
    private final MemorySegment errnoState;

    MessageVector(FrameBatch batch) {
        this.batch = batch;
        int n = batch.capacity();
        Arena arena = Arena.ofAuto();
        this.headers = arena.allocate(HEADER * n, 8);
        this.iovecs = arena.allocate(IOV * n, 8);
        this.addresses = arena.allocate(ADDR * n, 8);
        this.errnoState = arena.allocate(LinuxSockets.ERRNO_STATE);
        long slab = batch.slab().address();
        for (int i = 0; i < n; i++) {
            MemorySegment iov = iovecs.asSlice(i * IOV, IOV);
            iov.set(ADDRESS, LinuxSockets.IOV_BASE, MemorySegment.ofAddress(slab + (long) i * batch.slotSize()));
            long h = i * HEADER;
            headers.set(ADDRESS, h + LinuxSockets.MSG_IOV, iov);
            headers.set(JAVA_LONG, h + LinuxSockets.MSG_IOVLEN, 1);
        }
    }

    static MessageVector of(FrameBatch batch) {
        return batch.scratch(MessageVector.class, MessageVector::new);
    }

    MemorySegment headers() {
        return headers;
    }

    MemorySegment errnoState() {
        return errnoState;
    }

    void checkAlive() {
        if (!batch.slab().scope().isAlive()) {
            throw new IllegalStateException("frame batch used after its arena was closed");
        }
    }

    /** Every slot receives up to the slot size and reports its sender in a sockaddr_ll. */
    void prepareReceive() {
        long slotSize = batch.slotSize();
        for (int i = 0; i < batch.capacity(); i++) {
            long h = i * HEADER;
            // Raw address arithmetic rather than asSlice: no segment object per slot per call.
            headers.set(JAVA_LONG, h + LinuxSockets.MSG_NAME, addresses.address() + i * ADDR);
            headers.set(JAVA_INT, h + LinuxSockets.MSG_NAMELEN, (int) ADDR);
            headers.set(JAVA_INT, h + LinuxSockets.MSG_FLAGS, 0);
            iovecs.set(JAVA_LONG, i * IOV + LinuxSockets.IOV_LEN, slotSize);
        }
    }

    /**
     * Messages {@code 0..size-1} send the batch's frames; frames shorter than {@link #MIN_FRAME} are
     * zero-padded inside their slot (bytes past a frame's length are not part of it, so this does
     * not change what the caller committed). No destination address: the socket is bound to one
     * interface and the frame carries its own MAC addresses.
     */
    void prepareSend() {
        for (int i = 0; i < batch.size(); i++) {
            int length = batch.length(i);
            if (length < MIN_FRAME) {
                batch.slab()
                        .asSlice((long) i * batch.slotSize() + length, MIN_FRAME - length)
                        .fill((byte) 0);
                length = MIN_FRAME;
            }
            long h = i * HEADER;
            headers.set(JAVA_LONG, h + LinuxSockets.MSG_NAME, 0L);
            headers.set(JAVA_INT, h + LinuxSockets.MSG_NAMELEN, 0);
            iovecs.set(JAVA_LONG, i * IOV + LinuxSockets.IOV_LEN, length);
        }
    }

    /** The vector starting at message {@code i}, for resuming a partial {@code sendmmsg}. */
    MemorySegment from(int i) {
        return headers.asSlice(i * HEADER);
    }

    int length(int i) {
        return headers.get(JAVA_INT, i * HEADER + LinuxSockets.MSG_LEN);
    }

    int flags(int i) {
        return headers.get(JAVA_INT, i * HEADER + LinuxSockets.MSG_FLAGS);
    }

    int packetType(int i) {
        return addresses.get(JAVA_BYTE, i * ADDR + LinuxSockets.SLL_PKTTYPE) & 0xFF;
    }
}
