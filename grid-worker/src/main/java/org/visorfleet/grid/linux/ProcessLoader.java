package org.visorfleet.grid.linux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.grid.elf.ElfImage;
import org.visorfleet.grid.elf.LoadSegment;

/**
 * Maps a loaded {@link ElfImage} into guest memory and builds the initial process stack the way
 * Linux's {@code binfmt_elf} does for RV64, so static glibc starts unmodified.
 *
 * <pre>
 * stackTop →  8 zero bytes (end marker)
 *             AT_EXECFN string
 *             env strings (env[0] lowest), argv strings (argv[0] lowest)
 *             padding to 16
 *             16 AT_RANDOM bytes
 *             padding so that sp is 16-byte aligned
 *             auxv pairs (type, value) ... AT_NULL 0
 *             envp[0..m-1], NULL
 *             argv[0..n-1], NULL
 * sp →        argc
 * </pre>
 *
 * Aux vector, in the kernel's order: AT_HWCAP (RV64 IMAFDC, bit = letter - 'a'), AT_PAGESZ 4096,
 * AT_CLKTCK 100, AT_PHDR, AT_PHENT, AT_PHNUM, AT_BASE 0 (no interpreter), AT_FLAGS 0, AT_ENTRY,
 * AT_UID/EUID/GID/EGID 1000, AT_SECURE 0, AT_RANDOM, AT_EXECFN. No AT_SYSINFO_EHDR (no vDSO, so
 * glibc makes real clock_gettime calls) and no AT_PLATFORM (RISC-V Linux sets none).
 */
public final class ProcessLoader {
    public static final long AT_NULL = 0;
    public static final long AT_PHDR = 3;
    public static final long AT_PHENT = 4;
    public static final long AT_PHNUM = 5;
    public static final long AT_PAGESZ = 6;
    public static final long AT_BASE = 7;
    public static final long AT_FLAGS = 8;
    public static final long AT_ENTRY = 9;
    public static final long AT_UID = 11;
    public static final long AT_EUID = 12;
    public static final long AT_GID = 13;
    public static final long AT_EGID = 14;
    public static final long AT_HWCAP = 16;
    public static final long AT_CLKTCK = 17;
    public static final long AT_SECURE = 23;
    public static final long AT_RANDOM = 25;
    public static final long AT_EXECFN = 31;

    /** I, M, A, F, D, C as bits (letter - 'a'), as the RV64 kernel reports them. */
    public static final long HWCAP_IMAFDC = bit('i') | bit('m') | bit('a') | bit('f') | bit('d') | bit('c');

    private static final long PAGE = GuestAccess.PAGE_SIZE;

    /** Where the hart starts: pc = entry, sp (x2) = sp; a0..a7 and the rest are zero (ra = 0 ends backtraces). */
    public record Start(long entry, long sp, long brkStart) {}

    private ProcessLoader() {}

    /**
     * Maps every segment and the stack, copies the segment bytes, and writes the initial stack.
     *
     * @throws IllegalStateException if guest memory refuses a mapping (memory cap smaller than the image)
     * @throws IllegalArgumentException if argv and env do not fit in a quarter of the stack
     */
    public static Start load(ElfImage image, GuestAccess mem, AddressLayout layout, ProcessArgs args) {
        mapSegments(image, mem);
        if (!mem.map(layout.stackBottom(), layout.stackSize(), GuestAccess.PROT_READ | GuestAccess.PROT_WRITE)) {
            throw new IllegalStateException("cannot map the " + layout.stackSize() + "-byte stack");
        }
        long sp = buildStack(mem, layout, image, args);
        return new Start(image.entry(), sp, image.brkStart());
    }

    /**
     * Maps each segment's pages with its protection. When two segments share a page (tightly linked
     * binaries) that page gets the union of both protections, as the kernel's overlapping mmaps give.
     */
    static void mapSegments(ElfImage image, GuestAccess mem) {
        long mappedEnd = 0;
        int lastPageProt = 0;
        for (LoadSegment s : image.segments()) {
            long lo = s.vaddr() & -PAGE;
            long hi = (s.end() + PAGE - 1) & -PAGE;
            int lastProt = s.prot();
            if (lo < mappedEnd) { // shares its first page with the previous segment
                lastProt = lastPageProt | s.prot();
                check(mem.protect(lo, PAGE, lastProt), s);
                lo += PAGE;
            }
            if (lo < hi) {
                check(mem.map(lo, hi - lo, s.prot()), s);
                lastProt = s.prot();
            }
            mem.poke(s.vaddr(), s.data(), 0, s.data().length);
            mappedEnd = Math.max(mappedEnd, hi);
            lastPageProt = lastProt;
        }
    }

    private static void check(boolean ok, LoadSegment s) {
        if (!ok) {
            throw new IllegalStateException("guest memory refused to map " + s);
        }
    }

    static long buildStack(GuestAccess mem, AddressLayout layout, ElfImage image, ProcessArgs args) {
        long p = layout.stackTop() - 8;
        long execfn = p -= cstring(args.execfn()).length;
        write(mem, execfn, cstring(args.execfn()));
        List<Long> envPointers = new ArrayList<>();
        for (String s : args.env().reversed()) {
            envPointers.addFirst(p -= cstring(s).length);
            write(mem, p, cstring(s));
        }
        List<Long> argvPointers = new ArrayList<>();
        for (String s : args.argv().reversed()) {
            argvPointers.addFirst(p -= cstring(s).length);
            write(mem, p, cstring(s));
        }
        if (layout.stackTop() - p > layout.stackSize() / 4) {
            throw new IllegalArgumentException("argv and environment exceed a quarter of the stack");
        }
        p &= -16;
        long random = p -= 16;
        write(mem, random, args.atRandom());
        long[] auxv = {
            AT_HWCAP,
            HWCAP_IMAFDC,
            AT_PAGESZ,
            PAGE,
            AT_CLKTCK,
            100,
            AT_PHDR,
            image.phdrAddress(),
            AT_PHENT,
            image.phent(),
            AT_PHNUM,
            image.phnum(),
            AT_BASE,
            0,
            AT_FLAGS,
            0,
            AT_ENTRY,
            image.entry(),
            AT_UID,
            ProcessSyscalls.UID,
            AT_EUID,
            ProcessSyscalls.UID,
            AT_GID,
            ProcessSyscalls.GID,
            AT_EGID,
            ProcessSyscalls.GID,
            AT_SECURE,
            0,
            AT_RANDOM,
            random,
            AT_EXECFN,
            execfn,
            AT_NULL,
            0
        };
        int words = 1 + argvPointers.size() + 1 + envPointers.size() + 1 + auxv.length;
        long sp = (p - words * 8L) & -16;
        long[] table = new long[words];
        int i = 0;
        table[i++] = argvPointers.size();
        for (long a : argvPointers) {
            table[i++] = a;
        }
        table[i++] = 0;
        for (long e : envPointers) {
            table[i++] = e;
        }
        table[i++] = 0;
        System.arraycopy(auxv, 0, table, i, auxv.length);
        if (!GuestData.writeU64s(mem, sp, table)) {
            throw new IllegalStateException("stack not writable at 0x" + Long.toHexString(sp));
        }
        return sp;
    }

    private static byte[] cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    private static void write(GuestAccess mem, long addr, byte[] bytes) {
        if (!mem.write(addr, bytes, 0, bytes.length)) {
            throw new IllegalStateException("stack not writable at 0x" + Long.toHexString(addr));
        }
    }

    private static long bit(char letter) {
        return 1L << (letter - 'a');
    }
}
