package org.visorfleet.grid.elf;

/**
 * Bounds an executable must respect before anything is allocated for it.
 *
 * @param minAddress lowest user address a segment may touch (page 0 stays unmapped so null
 *     dereferences fault)
 * @param maxAddress exclusive upper bound for segment ends; the runner places mmap and stack above it
 * @param maxImageBytes cap on the sum of all PT_LOAD p_memsz
 * @param maxProgramHeaders cap on e_phnum
 * @param maxRelocations cap on RELA entries applied for a static-pie
 * @param pieBase where the lowest page of a static-pie is placed
 */
public record ElfLimits(
        long minAddress, long maxAddress, long maxImageBytes, int maxProgramHeaders, int maxRelocations, long pieBase) {

    /** Page size of the RV64 Linux ABI we emulate. */
    public static final long PAGE_SIZE = 4096;

    /** 64 KiB to 128 GiB, 1 GiB of image, 128 program headers, 1M relocations, PIE at 64 KiB. */
    public static final ElfLimits DEFAULT = new ElfLimits(0x1000L, 0x20_0000_0000L, 1L << 30, 128, 1 << 20, 0x1_0000L);

    public ElfLimits {
        if (minAddress < PAGE_SIZE || maxAddress <= minAddress || maxAddress > (1L << 47)) {
            throw new IllegalArgumentException(
                    "address range [" + minAddress + ", " + maxAddress + ") not in user space");
        }
        if (maxImageBytes <= 0 || maxProgramHeaders <= 0 || maxRelocations < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (pieBase % PAGE_SIZE != 0 || pieBase < minAddress || pieBase >= maxAddress) {
            throw new IllegalArgumentException("pieBase must be a page-aligned address in range: " + pieBase);
        }
    }
}
