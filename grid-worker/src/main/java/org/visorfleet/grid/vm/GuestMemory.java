package org.visorfleet.grid.vm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The guest's 64-bit, byte-addressed, little-endian address space: sparse 4 KiB pages with
 * read/write/execute permissions, capped in size.
 *
 * <p><b>Addresses.</b> Mappings live in {@code [0, ADDRESS_LIMIT)}; any other address is simply
 * unmapped. Misaligned accesses are allowed everywhere, including across a page boundary; such an
 * access is checked on both pages before anything is written, so a faulting store changes nothing.
 *
 * <p><b>Size.</b> The cap counts mapped bytes (as Linux without overcommit would), not touched ones,
 * so whether a mapping succeeds is deterministic. A page's storage is allocated on its first write;
 * until then it reads as zeros.
 *
 * <p><b>Errors.</b> A guest-visible access the guest may not make throws {@link GuestFault}; mapping
 * beyond the cap throws {@link GuestMemoryLimitException}; misuse by the host (unaligned map address,
 * bad protection bits) throws {@link IllegalArgumentException}.
 *
 * <p><b>Decoded code.</b> Pages that hold decoded instructions are kept out of the write cache, so a
 * guest store to such a page (or {@link #poke}, {@link #map}, {@link #unmap}, {@link #protect}) drops
 * the decoded copy; self-modifying code therefore works even without {@code fence.i}, from the next
 * taken branch on.
 *
 * <p><b>Threads.</b> Not thread-safe: one guest memory belongs to one {@link Hart} and the code that
 * serves its system calls, on one thread.
 */
public final class GuestMemory {
    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;
    public static final int PAGE_SIZE = 4096;
    /** Guest mappings lie below 2^47, like Linux user space on an Sv48 machine. */
    public static final long ADDRESS_LIMIT = 1L << 47;

    static final int PAGE_SHIFT = 12;
    static final int OFFSET_MASK = PAGE_SIZE - 1;
    /** Decoded-code slots per page: one per halfword. */
    static final int SLOTS = PAGE_SIZE / 2;

    private static final int TLB_SIZE = 256;
    private static final int TLB_MASK = TLB_SIZE - 1;
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Backs reads of never-written pages; never written itself (such pages are not in the write TLB). */
    private static final byte[] ZERO_PAGE = new byte[PAGE_SIZE];

    private final long limit;
    private final PageTable pages = new PageTable();
    private final MappedRanges ranges = new MappedRanges();
    private long mappedBytes;
    private int codeEpoch;

    // Direct-mapped translation caches: tag = page number, or -1 (matches no page number) when empty.
    private final long[] readTag = new long[TLB_SIZE];
    private final byte[][] readData = new byte[TLB_SIZE][];
    private final long[] writeTag = new long[TLB_SIZE];
    private final byte[][] writeData = new byte[TLB_SIZE][];

    /** An empty address space that may map at most {@code limitBytes} bytes. */
    public GuestMemory(long limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("negative memory limit " + limitBytes);
        }
        this.limit = limitBytes;
        flushTlb();
    }

    public long limit() {
        return limit;
    }

    /** Bytes currently mapped (whole pages). */
    public long mappedBytes() {
        return mappedBytes;
    }

    // ---------------------------------------------------------------- mapping

    /**
     * Maps {@code [addr, addr + length)} (length rounded up to whole pages) as fresh zero-filled pages
     * with {@code prot}, replacing whatever was mapped there (like {@code MAP_FIXED}).
     *
     * @throws GuestMemoryLimitException if the new pages would exceed the cap; nothing is mapped then
     */
    public void map(long addr, long length, int prot) {
        long end = checkRange(addr, length);
        checkProt(prot);
        long fresh = 0;
        for (long a = addr; a < end; a += PAGE_SIZE) {
            if (pages.get(a >>> PAGE_SHIFT) == null) {
                fresh += PAGE_SIZE;
            }
        }
        if (mappedBytes + fresh > limit) {
            throw new GuestMemoryLimitException(fresh, mappedBytes, limit);
        }
        for (long a = addr; a < end; a += PAGE_SIZE) {
            long vpn = a >>> PAGE_SHIFT;
            Page old = pages.get(vpn);
            if (old != null) {
                dropCode(old);
            }
            pages.put(vpn, new Page(vpn, prot));
        }
        mappedBytes += fresh;
        ranges.add(addr, end);
        flushTlb();
    }

    /** Unmaps every mapped page in {@code [addr, addr + length)}; unmapped pages in the range are fine. */
    public void unmap(long addr, long length) {
        long end = checkRange(addr, length);
        for (long a = addr; a < end; a += PAGE_SIZE) {
            Page old = pages.remove(a >>> PAGE_SHIFT);
            if (old != null) {
                dropCode(old);
                mappedBytes -= PAGE_SIZE;
            }
        }
        ranges.remove(addr, end);
        flushTlb();
    }

    /**
     * Sets the permissions of {@code [addr, addr + length)}, which must be entirely mapped (callers
     * check {@link #isMapped} first: {@code mprotect} answers {@code ENOMEM} otherwise).
     */
    public void protect(long addr, long length, int prot) {
        long end = checkRange(addr, length);
        checkProt(prot);
        if (!isMapped(addr, end - addr)) {
            throw new IllegalArgumentException(
                    "protect of a range that is not entirely mapped: 0x" + Long.toHexString(addr) + "+" + length);
        }
        for (long a = addr; a < end; a += PAGE_SIZE) {
            Page page = pages.get(a >>> PAGE_SHIFT);
            if ((prot & PROT_EXEC) == 0) {
                dropCode(page);
            }
            page.prot = prot;
        }
        flushTlb();
    }

    /** Whether every page touching {@code [addr, addr + length)} is mapped (any permissions). */
    public boolean isMapped(long addr, long length) {
        if (length <= 0 || addr < 0 || addr > ADDRESS_LIMIT - length) {
            return false;
        }
        for (long vpn = addr >>> PAGE_SHIFT; vpn <= (addr + length - 1) >>> PAGE_SHIFT; vpn++) {
            if (pages.get(vpn) == null) {
                return false;
            }
        }
        return true;
    }

    /** The permissions of the page holding {@code addr}, or -1 if it is not mapped. */
    public int protection(long addr) {
        if (addr < 0 || addr >= ADDRESS_LIMIT) {
            return -1;
        }
        Page page = pages.get(addr >>> PAGE_SHIFT);
        return page == null ? -1 : page.prot;
    }

    /**
     * The lowest page-aligned address at or above {@code hintAbove} (and above page 0) where
     * {@code length} bytes (rounded up to pages) are unmapped, or -1 when there is no such gap.
     */
    public long findFree(long length, long hintAbove) {
        if (length <= 0) {
            throw new IllegalArgumentException("non-positive length " + length);
        }
        long rounded = roundUp(length);
        long from = Math.max(PAGE_SIZE, roundUp(Math.max(0, Math.min(hintAbove, ADDRESS_LIMIT))));
        return rounded > ADDRESS_LIMIT ? -1 : ranges.firstGap(from, rounded, ADDRESS_LIMIT);
    }

    // ---------------------------------------------------------------- bulk access

    /** Copies guest bytes out, checking read permission like a guest load. */
    public void readBytes(long addr, byte[] dst, int off, int len) {
        copyOut(addr, dst, off, len, true);
    }

    /** Copies bytes into the guest, checking write permission like a guest store; all-or-nothing. */
    public void writeBytes(long addr, byte[] src, int off, int len) {
        copyIn(addr, src, off, len, true);
    }

    /** Like {@link #readBytes} but ignores permissions (the pages must be mapped). */
    public void peek(long addr, byte[] dst, int off, int len) {
        copyOut(addr, dst, off, len, false);
    }

    /** Like {@link #writeBytes} but ignores permissions, for the loader filling read-only segments. */
    public void poke(long addr, byte[] src, int off, int len) {
        copyIn(addr, src, off, len, false);
    }

    private void copyOut(long addr, byte[] dst, int off, int len, boolean checked) {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        checkAccessible(addr, len, checked ? PROT_READ : PROT_NONE, GuestFault.Kind.LOAD);
        int done = 0;
        while (done < len) {
            long a = addr + done;
            int pageOff = (int) a & OFFSET_MASK;
            int n = Math.min(len - done, PAGE_SIZE - pageOff);
            byte[] data = pages.get(a >>> PAGE_SHIFT).data;
            if (data == null) {
                Arrays.fill(dst, off + done, off + done + n, (byte) 0);
            } else {
                System.arraycopy(data, pageOff, dst, off + done, n);
            }
            done += n;
        }
    }

    private void copyIn(long addr, byte[] src, int off, int len, boolean checked) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        checkAccessible(addr, len, checked ? PROT_WRITE : PROT_NONE, GuestFault.Kind.STORE);
        int done = 0;
        while (done < len) {
            long a = addr + done;
            int pageOff = (int) a & OFFSET_MASK;
            int n = Math.min(len - done, PAGE_SIZE - pageOff);
            System.arraycopy(src, off + done, dataForWrite(pages.get(a >>> PAGE_SHIFT)), pageOff, n);
            done += n;
        }
    }

    private void checkAccessible(long addr, int len, int prot, GuestFault.Kind kind) {
        if (len == 0) {
            return;
        }
        if (addr < 0 || addr > ADDRESS_LIMIT - len) {
            throw new GuestFault(kind, addr);
        }
        for (long a = addr; a < addr + len; a = (a | OFFSET_MASK) + 1) {
            Page page = pages.get(a >>> PAGE_SHIFT);
            if (page == null || (page.prot & prot) != prot) {
                throw new GuestFault(kind, a);
            }
        }
    }

    // ---------------------------------------------------------------- guest loads and stores

    /** The byte at {@code addr}, zero-extended. */
    public long load8(long addr) {
        long vpn = addr >>> PAGE_SHIFT;
        int i = (int) vpn & TLB_MASK;
        if (readTag[i] == vpn) {
            return readData[i][(int) addr & OFFSET_MASK] & 0xFFL;
        }
        return loadSlow(addr, 1);
    }

    /** The little-endian halfword at {@code addr}, zero-extended. */
    public long load16(long addr) {
        long vpn = addr >>> PAGE_SHIFT;
        int i = (int) vpn & TLB_MASK;
        int off = (int) addr & OFFSET_MASK;
        if (readTag[i] == vpn && off <= PAGE_SIZE - 2) {
            return (short) SHORT.get(readData[i], off) & 0xFFFFL;
        }
        return loadSlow(addr, 2);
    }

    /** The little-endian word at {@code addr}, zero-extended. */
    public long load32(long addr) {
        long vpn = addr >>> PAGE_SHIFT;
        int i = (int) vpn & TLB_MASK;
        int off = (int) addr & OFFSET_MASK;
        if (readTag[i] == vpn && off <= PAGE_SIZE - 4) {
            return (int) INT.get(readData[i], off) & 0xFFFFFFFFL;
        }
        return loadSlow(addr, 4);
    }

    /** The little-endian doubleword at {@code addr}. */
    public long load64(long addr) {
        long vpn = addr >>> PAGE_SHIFT;
        int i = (int) vpn & TLB_MASK;
        int off = (int) addr & OFFSET_MASK;
        if (readTag[i] == vpn && off <= PAGE_SIZE - 8) {
            return (long) LONG.get(readData[i], off);
        }
        return loadSlow(addr, 8);
    }

    public void store8(long addr, long value) {
        long vpn = addr >>> PAGE_SHIFT;
        int i = (int) vpn & TLB_MASK;
        if (writeTag[i] == vpn) {
            writeData[i][(int) addr & OFFSET_MASK] = (byte) value;
            return;
        }
        storeSlow(addr, 1, value);
    }

    public void store16(long addr, long value) {
        long vpn = addr >>> PAGE_SHIFT;
        int i = (int) vpn & TLB_MASK;
        int off = (int) addr & OFFSET_MASK;
        if (writeTag[i] == vpn && off <= PAGE_SIZE - 2) {
            SHORT.set(writeData[i], off, (short) value);
            return;
        }
        storeSlow(addr, 2, value);
    }

    public void store32(long addr, long value) {
        long vpn = addr >>> PAGE_SHIFT;
        int i = (int) vpn & TLB_MASK;
        int off = (int) addr & OFFSET_MASK;
        if (writeTag[i] == vpn && off <= PAGE_SIZE - 4) {
            INT.set(writeData[i], off, (int) value);
            return;
        }
        storeSlow(addr, 4, value);
    }

    public void store64(long addr, long value) {
        long vpn = addr >>> PAGE_SHIFT;
        int i = (int) vpn & TLB_MASK;
        int off = (int) addr & OFFSET_MASK;
        if (writeTag[i] == vpn && off <= PAGE_SIZE - 8) {
            LONG.set(writeData[i], off, value);
            return;
        }
        storeSlow(addr, 8, value);
    }

    /** The halfword at {@code addr} as an instruction fetch (needs execute permission), zero-extended. */
    public int fetch16(long addr) {
        return (int) fetch(addr, 2);
    }

    /** The word at {@code addr} as an instruction fetch (needs execute permission). */
    public int fetch32(long addr) {
        return (int) fetch(addr, 4);
    }

    private long fetch(long addr, int size) {
        long v = 0;
        for (int k = 0; k < size; k++) {
            Page page = executablePage(addr + k);
            byte[] data = page.data;
            v |= (data == null ? 0 : data[(int) (addr + k) & OFFSET_MASK] & 0xFFL) << (8 * k);
        }
        return v;
    }

    private long loadSlow(long addr, int size) {
        int off = (int) addr & OFFSET_MASK;
        if (off + size <= PAGE_SIZE) {
            return get(readable(addr), off, size);
        }
        long v = 0;
        for (int k = 0; k < size; k++) {
            long a = addr + k;
            v |= (readable(a)[(int) a & OFFSET_MASK] & 0xFFL) << (8 * k);
        }
        return v;
    }

    private void storeSlow(long addr, int size, long value) {
        int off = (int) addr & OFFSET_MASK;
        if (off + size <= PAGE_SIZE) {
            put(writable(addr), off, size, value);
            return;
        }
        // Check both pages before writing a byte, so a faulting store leaves memory unchanged.
        byte[] first = writable(addr);
        byte[] second = writable((addr | OFFSET_MASK) + 1);
        for (int k = 0; k < size; k++) {
            int o = (int) (addr + k) & OFFSET_MASK;
            (o >= off ? first : second)[o] = (byte) (value >>> (8 * k));
        }
    }

    private static long get(byte[] data, int off, int size) {
        return switch (size) {
            case 1 -> data[off] & 0xFFL;
            case 2 -> (short) SHORT.get(data, off) & 0xFFFFL;
            case 4 -> (int) INT.get(data, off) & 0xFFFFFFFFL;
            default -> (long) LONG.get(data, off);
        };
    }

    private static void put(byte[] data, int off, int size, long value) {
        switch (size) {
            case 1 -> data[off] = (byte) value;
            case 2 -> SHORT.set(data, off, (short) value);
            case 4 -> INT.set(data, off, (int) value);
            default -> LONG.set(data, off, value);
        }
    }

    /** Storage of the readable page holding {@code addr}, entered into the read TLB. */
    private byte[] readable(long addr) {
        long vpn = addr >>> PAGE_SHIFT;
        Page page = pages.get(vpn);
        if (page == null || (page.prot & PROT_READ) == 0) {
            throw new GuestFault(GuestFault.Kind.LOAD, addr);
        }
        byte[] data = page.data == null ? ZERO_PAGE : page.data;
        int i = (int) vpn & TLB_MASK;
        readTag[i] = vpn;
        readData[i] = data;
        return data;
    }

    /** Storage of the writable page holding {@code addr}; entered into the write TLB. */
    private byte[] writable(long addr) {
        long vpn = addr >>> PAGE_SHIFT;
        Page page = pages.get(vpn);
        if (page == null || (page.prot & PROT_WRITE) == 0) {
            throw new GuestFault(GuestFault.Kind.STORE, addr);
        }
        byte[] data = dataForWrite(page);
        int i = (int) vpn & TLB_MASK;
        writeTag[i] = vpn;
        writeData[i] = data;
        return data;
    }

    /** The page's storage for a write: allocated on first use, decoded code dropped. */
    private byte[] dataForWrite(Page page) {
        dropCode(page);
        if (page.data == null) {
            page.data = new byte[PAGE_SIZE];
            int i = (int) page.vpn & TLB_MASK;
            if (readTag[i] == page.vpn) {
                readData[i] = page.data; // was the shared zero page
            }
        }
        return page.data;
    }

    // ---------------------------------------------------------------- decoded code (hart only)

    /** The executable page holding {@code addr}. */
    Page executablePage(long addr) {
        Page page = pages.get(addr >>> PAGE_SHIFT);
        if (page == null || (page.prot & PROT_EXEC) == 0) {
            throw new GuestFault(GuestFault.Kind.FETCH, addr);
        }
        return page;
    }

    /** The page's decoded-instruction slots, created empty on first use; the page leaves the write TLB. */
    long[] codeOf(Page page) {
        if (page.code == null) {
            // Two end sentinels: after the last halfword, and after an instruction straddling into
            // the next page.
            page.code = new long[SLOTS + 2];
            page.code[SLOTS] = Op.PAGE_END;
            page.code[SLOTS + 1] = Op.PAGE_END;
            evictFromWriteTlb(page);
        }
        return page.code;
    }

    /**
     * Records that the last slot of {@code before} holds an instruction continuing into {@code page},
     * so that writes to {@code page} drop that decoded instruction too.
     */
    void markStraddled(Page page, Page before) {
        page.straddledFrom = before;
        evictFromWriteTlb(page);
    }

    private void evictFromWriteTlb(Page page) {
        int i = (int) page.vpn & TLB_MASK;
        if (writeTag[i] == page.vpn) {
            writeTag[i] = -1;
            writeData[i] = null;
        }
    }

    /** Raw halfword at a page offset, ignoring permissions (decoder use). */
    static int rawHalf(Page page, int off) {
        return page.data == null ? 0 : (short) SHORT.get(page.data, off) & 0xFFFF;
    }

    /** Changes whenever decoded code is dropped; the hart revalidates its current page when it does. */
    int codeEpoch() {
        return codeEpoch;
    }

    /** Drops every decoded instruction ({@code fence.i}). */
    void flushCode() {
        pages.forEach(page -> {
            page.code = null;
            page.straddledFrom = null;
        });
        codeEpoch++;
    }

    private void dropCode(Page page) {
        if (page.code != null) {
            page.code = null;
            codeEpoch++;
        }
        Page before = page.straddledFrom;
        if (before != null) {
            page.straddledFrom = null;
            dropCode(before);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void flushTlb() {
        Arrays.fill(readTag, -1);
        Arrays.fill(readData, null);
        Arrays.fill(writeTag, -1);
        Arrays.fill(writeData, null);
    }

    private static long roundUp(long n) {
        return (n + OFFSET_MASK) & ~(long) OFFSET_MASK;
    }

    /** Validates a page-aligned range and returns its page-rounded end. */
    private static long checkRange(long addr, long length) {
        if ((addr & OFFSET_MASK) != 0) {
            throw new IllegalArgumentException("address not page-aligned: 0x" + Long.toHexString(addr));
        }
        if (length <= 0 || addr < 0 || addr >= ADDRESS_LIMIT || length > ADDRESS_LIMIT - addr) {
            throw new IllegalArgumentException(
                    "range outside the guest address space: 0x" + Long.toHexString(addr) + "+" + length);
        }
        return addr + roundUp(length);
    }

    private static void checkProt(int prot) {
        if ((prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) != 0) {
            throw new IllegalArgumentException("bad protection bits " + prot);
        }
    }
}
