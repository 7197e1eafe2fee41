package org.visorfleet.grid.vm;

/**
 * A guest memory access the guest was not allowed to make: unmapped address, or a page without the
 * permission the access needs. Thrown by {@link GuestMemory}; the {@link Hart} turns it into a
 * {@link Stop.Fault}, the syscall layer into {@code -EFAULT}. It carries no stack trace, so it is cheap
 * to create: guest faults are guest behaviour, not host bugs.
 */
public final class GuestFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which access faulted. */
    public enum Kind {
        /** A data read (load, LR, the read half of an AMO, a syscall reading guest memory). */
        LOAD,
        /** A data write (store, SC, AMO, a syscall writing guest memory), or a misaligned atomic. */
        STORE,
        /** An instruction fetch from an unmapped or non-executable page. */
        FETCH
    }

    private final Kind kind;
    private final long address;

    public GuestFault(Kind kind, long address) {
        super(kind + " fault at 0x" + Long.toHexString(address), null, false, false);
        this.kind = kind;
        this.address = address;
    }

    public Kind kind() {
        return kind;
    }

    /** The first guest address of the access that was not allowed. */
    public long address() {
        return address;
    }
}
