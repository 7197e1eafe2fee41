package org.visorfleet.grid.linux;

/**
 * The guest address space as the Linux layer needs it. Addresses are guest virtual addresses;
 * ranges given to {@link #map}, {@link #unmap}, {@link #protect} and {@link #findFree} are
 * page-aligned ({@link #PAGE_SIZE}) with a positive length (callers check; implementations may throw
 * IllegalArgumentException otherwise). Single-threaded: called only from the thread running the hart.
 *
 * <p>The runner adapts its guest memory to this with a thin adapter: a permission fault becomes
 * {@code false}, the memory cap becomes {@code false} from {@link #map}.
 */
public interface GuestAccess {
    long PAGE_SIZE = 4096;
    int PROT_NONE = 0;
    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int PROT_EXEC = 4;

    /**
     * Maps {@code [addr, addr+len)} zero-filled with {@code prot}, replacing whatever was mapped
     * there (MAP_FIXED semantics). Returns false, changing nothing, when the memory cap or the user
     * address limit would be exceeded.
     */
    boolean map(long addr, long len, int prot);

    /** Unmaps every mapped page in the range; unmapped pages are skipped. */
    void unmap(long addr, long len);

    /** Changes the protection of the range; returns false, changing nothing, if any page is unmapped. */
    boolean protect(long addr, long len, int prot);

    /** The protection of the page holding {@code addr}, or -1 if it is not mapped. */
    int protection(long addr);

    /**
     * The lowest page-aligned address ≥ {@code hintAbove} where {@code len} bytes are entirely
     * unmapped and below the user address limit, or -1 if there is none.
     */
    long findFree(long len, long hintAbove);

    /** Copies guest bytes into {@code dst}, requiring PROT_READ; false on a fault (dst partly filled). */
    boolean read(long addr, byte[] dst, int off, int len);

    /** Copies {@code src} into guest memory, requiring PROT_WRITE; false on a fault (guest partly written). */
    boolean write(long addr, byte[] src, int off, int len);

    /** Reads ignoring protection (mremap copies PROT_NONE pages); IllegalArgumentException if unmapped. */
    void peek(long addr, byte[] dst, int off, int len);

    /** Writes ignoring protection (loading read-only text); IllegalArgumentException if unmapped. */
    void poke(long addr, byte[] src, int off, int len);
}
