package org.visorfleet.grid.elf;

import java.util.List;
import java.util.Optional;

/**
 * A validated static RV64 executable, ready to be mapped. All addresses include the load bias.
 *
 * @param kind ET_EXEC or static-pie
 * @param loadBias added to every p_vaddr (0 for ET_EXEC)
 * @param entry first instruction (AT_ENTRY)
 * @param segments PT_LOAD segments sorted by address, non-overlapping
 * @param phdrAddress guest address of the program header table (AT_PHDR)
 * @param phent size of one program header (AT_PHENT, always 56)
 * @param phnum number of program headers (AT_PHNUM)
 * @param tls PT_TLS, if any
 * @param brkStart page-aligned end of the highest segment: the initial program break
 * @param flags e_flags (RVC bit, float ABI)
 * @param relocationsApplied number of R_RISCV_RELATIVE relocations written into segment data
 */
public record ElfImage(
        Kind kind,
        long loadBias,
        long entry,
        List<LoadSegment> segments,
        long phdrAddress,
        int phent,
        int phnum,
        Optional<TlsTemplate> tls,
        long brkStart,
        int flags,
        int relocationsApplied) {

    public enum Kind {
        /** ET_EXEC: linked at fixed addresses. */
        EXEC,
        /** ET_DYN without PT_INTERP or DT_NEEDED: position-independent, placed at {@link ElfLimits#pieBase()}. */
        STATIC_PIE
    }

    public ElfImage {
        segments = List.copyOf(segments);
    }

    /** The sum of all segment sizes in memory. */
    public long memoryBytes() {
        return segments.stream().mapToLong(LoadSegment::memsz).sum();
    }
}
