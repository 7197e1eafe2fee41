package org.visorfleet.grid.elf;

import java.util.List;

/**
 * Reads PT_DYNAMIC and applies the RELA relocations of a static-pie.
 *
 * <p>Linux does not relocate a static-pie; glibc's {@code _dl_relocate_static_pie} does it from
 * inside the program. We still apply R_RISCV_RELATIVE here: for RELA the result is {@code base +
 * addend}, independent of what the word held before, so applying it twice (here, then in glibc)
 * writes the same value, and programs without a self-relocating libc (freestanding {@code
 * -static-pie -nostdlib}) work too. Anything that needs a symbol (R_RISCV_64, JUMP_SLOT, TLS
 * types) or a shared library (DT_NEEDED) is rejected with its reason.
 *
 * <pre>
 * Elf64_Dyn  (16 bytes): 0x0 d_tag (i64), 0x8 d_val (u64); the array ends at DT_NULL
 * Elf64_Rela (24 bytes): 0x0 r_offset, 0x8 r_info (sym &lt;&lt; 32 | type), 0x10 r_addend (i64)
 * </pre>
 */
final class StaticPieRelocator {
    static final long DT_NULL = 0;
    static final long DT_NEEDED = 1;
    static final long DT_PLTRELSZ = 2;
    static final long DT_RELA = 7;
    static final long DT_RELASZ = 8;
    static final long DT_RELAENT = 9;
    static final long DT_REL = 17;
    static final long DT_RELSZ = 18;
    static final long DT_JMPREL = 23;
    static final long DT_RELRSZ = 35;

    static final int RELA_SIZE = 24;
    static final int R_RISCV_NONE = 0;
    static final int R_RISCV_RELATIVE = 3;

    private StaticPieRelocator() {}

    /**
     * Validates the dynamic section and, for a static-pie, applies its relocations to {@code data}
     * (one array per entry of {@code loads}, holding that segment's file bytes).
     *
     * @return the number of relocations applied
     */
    static int apply(
            byte[] f,
            ProgramHeader dynamic,
            List<ProgramHeader> loads,
            List<byte[]> data,
            long bias,
            boolean pie,
            ElfLimits limits)
            throws ElfException {
        long rela = -1;
        long relasz = 0;
        long relaent = RELA_SIZE;
        long count = dynamic.filesz() / 16;
        boolean terminated = false;
        for (long i = 0; i < count && !terminated; i++) {
            long at = dynamic.offset() + i * 16;
            long tag = LittleEndian.u64(f, at);
            long val = LittleEndian.u64(f, at + 8);
            String field = "d_tag[" + i + "]";
            if (tag == DT_NULL) {
                terminated = true;
            } else if (tag == DT_NEEDED) {
                throw new ElfException(field, at, "needs a shared library (DT_NEEDED); link with -static");
            } else if (tag == DT_RELA) {
                rela = val;
            } else if (tag == DT_RELASZ) {
                relasz = val;
            } else if (tag == DT_RELAENT) {
                relaent = val;
            } else if ((tag == DT_RELSZ || tag == DT_PLTRELSZ || tag == DT_RELRSZ) && val != 0 && pie) {
                throw new ElfException(
                        field, at, "REL, RELR or PLT relocations (tag " + tag + ") are not supported; only RELA");
            }
        }
        if (!terminated) {
            throw new ElfException("PT_DYNAMIC", dynamic.fileOffset(), "dynamic array has no DT_NULL terminator");
        }
        if (!pie || relasz == 0) {
            return 0; // ET_EXEC runs at its link addresses: nothing to relocate
        }
        if (relaent != RELA_SIZE || relasz < 0 || relasz % RELA_SIZE != 0) {
            throw new ElfException(
                    "DT_RELASZ",
                    dynamic.offset(),
                    "RELA table size " + relasz + " / entry " + relaent + " is malformed");
        }
        if (relasz / RELA_SIZE > limits.maxRelocations()) {
            throw new ElfException(
                    "DT_RELASZ",
                    dynamic.offset(),
                    relasz / RELA_SIZE + " relocations exceed the limit of " + limits.maxRelocations());
        }
        long table = fileOffsetOf(loads, rela, relasz);
        if (table < 0) {
            throw new ElfException(
                    "DT_RELA",
                    dynamic.offset(),
                    "RELA table 0x" + Long.toHexString(rela) + " (+" + relasz
                            + ") is not inside a loaded segment's file bytes");
        }
        int applied = 0;
        for (long at = table; at < table + relasz; at += RELA_SIZE) {
            long offset = LittleEndian.u64(f, at);
            long info = LittleEndian.u64(f, at + 8);
            long addend = LittleEndian.u64(f, at + 16);
            int type = (int) info;
            if (type == R_RISCV_NONE) {
                continue;
            }
            if (type != R_RISCV_RELATIVE || (info >>> 32) != 0) {
                throw new ElfException(
                        "r_info",
                        at + 8,
                        "relocation type " + type + " (symbol " + (info >>> 32)
                                + ") needs symbol resolution; only R_RISCV_RELATIVE is supported");
            }
            int segment = segmentHolding(loads, offset, 8);
            if (segment < 0) {
                throw new ElfException(
                        "r_offset",
                        at,
                        "relocation target 0x" + Long.toUnsignedString(offset, 16)
                                + " is not inside a loaded segment's file bytes");
            }
            LittleEndian.putU64(
                    data.get(segment), (int) (offset - loads.get(segment).vaddr()), bias + addend);
            applied++;
        }
        return applied;
    }

    /** File offset of the {@code len} bytes at link address {@code vaddr}, or -1 if not file-backed. */
    private static long fileOffsetOf(List<ProgramHeader> loads, long vaddr, long len) {
        int segment = segmentHolding(loads, vaddr, len);
        return segment < 0
                ? -1
                : loads.get(segment).offset() + (vaddr - loads.get(segment).vaddr());
    }

    private static int segmentHolding(List<ProgramHeader> loads, long vaddr, long len) {
        if (vaddr < 0 || len < 0 || len >= (1L << 62)) {
            return -1;
        }
        for (int i = 0; i < loads.size(); i++) {
            ProgramHeader p = loads.get(i);
            if (vaddr >= p.vaddr() && vaddr - p.vaddr() <= p.filesz() - len) {
                return i;
            }
        }
        return -1;
    }
}
