package org.visorfleet.grid.linux;

/**
 * brk, mmap, munmap, mremap and mprotect over {@link GuestAccess}, anonymous memory only. Results
 * are addresses or -errno. The memory cap lives in {@link GuestAccess#map}: a refused map is
 * -ENOMEM (brk instead returns the unchanged break, as Linux does).
 */
final class MemorySyscalls {
    static final long PAGE = GuestAccess.PAGE_SIZE;
    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_TYPE = 0x0f;
    static final int MAP_FIXED = 0x10;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_FIXED_NOREPLACE = 0x100000;
    static final int MREMAP_MAYMOVE = 1;
    static final int MREMAP_FIXED = 2;
    /** Larger requests are refused up front (no guest can own 64 TiB). */
    static final long MAX_LENGTH = 1L << 46;

    private final GuestAccess mem;
    private final AddressLayout layout;
    private final long brkStart;
    private long brk;

    MemorySyscalls(GuestAccess mem, AddressLayout layout, long brkStart) {
        if (brkStart % PAGE != 0 || brkStart >= layout.mmapBase()) {
            throw new IllegalArgumentException("brk start must be page-aligned and below mmapBase");
        }
        this.mem = mem;
        this.layout = layout;
        this.brkStart = brkStart;
        this.brk = brkStart;
    }

    long brk(long requested) {
        if (requested < brkStart || requested > layout.mmapBase()) {
            return brk;
        }
        long oldEnd = pageUp(brk);
        long newEnd = pageUp(requested);
        if (newEnd > oldEnd) {
            if (mem.findFree(newEnd - oldEnd, oldEnd) != oldEnd || !mem.map(oldEnd, newEnd - oldEnd, rw())) {
                return brk;
            }
        } else if (newEnd < oldEnd) {
            mem.unmap(newEnd, oldEnd - newEnd);
        }
        brk = requested;
        return brk;
    }

    long mmap(long addr, long length, long prot, long flags, long fd, long offset) {
        int type = (int) flags & MAP_TYPE;
        if (length <= 0
                || (prot & ~7) != 0
                || (type != MAP_SHARED && type != MAP_PRIVATE && type != 3)
                || offset % PAGE != 0) {
            return -Errno.EINVAL;
        }
        if ((flags & MAP_ANONYMOUS) == 0) {
            return -Errno.ENODEV; // no file-backed mappings: jobs read their inputs with read()
        }
        if (length > MAX_LENGTH) {
            return -Errno.ENOMEM;
        }
        long len = pageUp(length);
        if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
            if (addr % PAGE != 0 || addr < PAGE || addr > MAX_LENGTH) {
                return -Errno.EINVAL;
            }
            if ((flags & MAP_FIXED) == 0 && mem.findFree(len, addr) != addr) {
                return -Errno.EEXIST;
            }
            return mem.map(addr, len, (int) prot) ? addr : -Errno.ENOMEM;
        }
        long hint = addr & -PAGE;
        long at = hint >= layout.mmapBase() && hint < MAX_LENGTH && mem.findFree(len, hint) == hint
                ? hint
                : mem.findFree(len, layout.mmapBase());
        if (at < 0 || !mem.map(at, len, (int) prot)) {
            return -Errno.ENOMEM;
        }
        return at;
    }

    long munmap(long addr, long length) {
        if (addr % PAGE != 0 || length <= 0 || length > MAX_LENGTH || addr < 0 || addr > MAX_LENGTH) {
            return -Errno.EINVAL;
        }
        mem.unmap(addr, pageUp(length));
        return 0;
    }

    long mprotect(long addr, long length, long prot) {
        if (addr % PAGE != 0 || (prot & ~7) != 0 || length < 0 || length > MAX_LENGTH) {
            return -Errno.EINVAL;
        }
        if (length == 0) {
            return 0;
        }
        return mem.protect(addr, pageUp(length), (int) prot) ? 0 : -Errno.ENOMEM;
    }

    /**
     * Shrinks in place, grows in place when the pages after the mapping are free, otherwise moves
     * with MREMAP_MAYMOVE. The old range must be mapped with one protection (one Linux VMA).
     * MREMAP_FIXED is not supported.
     */
    long mremap(long oldAddr, long oldLength, long newLength, long flags) {
        if (oldAddr % PAGE != 0
                || (flags & ~(long) (MREMAP_MAYMOVE | MREMAP_FIXED)) != 0
                || (flags & MREMAP_FIXED) != 0) {
            return -Errno.EINVAL;
        }
        if (oldLength <= 0 || newLength <= 0 || oldLength > MAX_LENGTH || newLength > MAX_LENGTH) {
            return -Errno.EINVAL;
        }
        long oldLen = pageUp(oldLength);
        long newLen = pageUp(newLength);
        int prot = uniformProtection(oldAddr, oldLen);
        if (prot < 0) {
            return -Errno.EFAULT;
        }
        if (newLen <= oldLen) {
            if (newLen < oldLen) {
                mem.unmap(oldAddr + newLen, oldLen - newLen);
            }
            return oldAddr;
        }
        long tail = oldAddr + oldLen;
        if (mem.findFree(newLen - oldLen, tail) == tail && mem.map(tail, newLen - oldLen, prot)) {
            return oldAddr;
        }
        if ((flags & MREMAP_MAYMOVE) == 0) {
            return -Errno.ENOMEM;
        }
        long to = mem.findFree(newLen, layout.mmapBase());
        if (to < 0 || !mem.map(to, newLen, prot)) {
            return -Errno.ENOMEM;
        }
        byte[] chunk = new byte[(int) Math.min(oldLen, 1 << 16)];
        for (long done = 0; done < oldLen; done += chunk.length) {
            int n = (int) Math.min(chunk.length, oldLen - done);
            mem.peek(oldAddr + done, chunk, 0, n);
            mem.poke(to + done, chunk, 0, n);
        }
        mem.unmap(oldAddr, oldLen);
        return to;
    }

    long currentBreak() {
        return brk;
    }

    private int uniformProtection(long addr, long len) {
        int prot = mem.protection(addr);
        for (long p = addr + PAGE; p < addr + len && prot >= 0; p += PAGE) {
            if (mem.protection(p) != prot) {
                return -1;
            }
        }
        return prot;
    }

    private static int rw() {
        return GuestAccess.PROT_READ | GuestAccess.PROT_WRITE;
    }

    static long pageUp(long value) {
        return (value + PAGE - 1) & -PAGE;
    }
}
