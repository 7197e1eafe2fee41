package org.visorfleet.grid.linux;

/**
 * Where the process's regions go. The ELF image lies below {@code mmapBase} (the loader's
 * {@code ElfLimits.maxAddress}); brk grows from the image end up to {@code mmapBase}; anonymous
 * mmap searches upwards from {@code mmapBase}; the stack occupies {@code [stackTop - stackSize,
 * stackTop)}. The defaults stay below 2^38 (Sv39), where real RV64 Linux user space lives.
 */
public record AddressLayout(long mmapBase, long stackTop, long stackSize) {
    public static final AddressLayout DEFAULT = new AddressLayout(0x20_0000_0000L, 0x3f_ffff_f000L, 8L << 20);

    public AddressLayout {
        long page = GuestAccess.PAGE_SIZE;
        if (mmapBase % page != 0 || stackTop % page != 0 || stackSize % page != 0 || stackSize <= 0) {
            throw new IllegalArgumentException("layout addresses must be page-aligned");
        }
        if (stackTop - stackSize <= mmapBase) {
            throw new IllegalArgumentException("stack must lie above mmapBase");
        }
    }

    public long stackBottom() {
        return stackTop - stackSize;
    }
}
