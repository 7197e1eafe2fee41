package org.visorfleet.grid.elf;

/**
 * One PT_LOAD segment, already relocated: {@code memsz} bytes at {@code vaddr}, the first {@code
 * data.length} of them initialised from the file (with static-pie relocations applied), the rest
 * zero. {@code vaddr} need not be page-aligned; the mapper rounds outwards.
 *
 * @param vaddr guest address of the first byte
 * @param memsz size in memory (≥ data.length)
 * @param data initialised bytes (a private copy; callers must not modify it)
 * @param prot {@link #PROT_READ} | {@link #PROT_WRITE} | {@link #PROT_EXEC}
 */
public record LoadSegment(long vaddr, long memsz, byte[] data, int prot) {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;

    public long end() {
        return vaddr + memsz;
    }

    public boolean contains(long address) {
        return address >= vaddr && address < end();
    }

    @Override
    public String toString() {
        return "LoadSegment[0x" + Long.toHexString(vaddr) + "+0x" + Long.toHexString(memsz) + ", file 0x"
                + Long.toHexString(data.length) + ", prot " + prot + "]";
    }
}
