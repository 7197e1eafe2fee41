package org.visorfleet.grid.elf;

/**
 * One ELF64 program header as stored in the file (addresses before the load bias).
 *
 * <pre>
 * offset size field
 *  0x00   4   p_type
 *  0x04   4   p_flags   PF_X 1, PF_W 2, PF_R 4
 *  0x08   8   p_offset
 *  0x10   8   p_vaddr
 *  0x18   8   p_paddr   ignored
 *  0x20   8   p_filesz
 *  0x28   8   p_memsz
 *  0x30   8   p_align
 * </pre>
 *
 * {@link #parse} guarantees that {@code [offset, offset + filesz)} lies inside the file and that
 * every 64-bit field is below 2^62, so sums of two fields cannot overflow.
 */
record ProgramHeader(
        int index, long fileOffset, int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {

    static final int PT_NULL = 0;
    static final int PT_LOAD = 1;
    static final int PT_DYNAMIC = 2;
    static final int PT_INTERP = 3;
    static final int PT_NOTE = 4;
    static final int PT_SHLIB = 5;
    static final int PT_PHDR = 6;
    static final int PT_TLS = 7;
    /** Types from here on are OS- or processor-specific (PT_GNU_*, PT_RISCV_ATTRIBUTES); unknown ones are ignored. */
    static final int PT_LOOS = 0x6000_0000;

    static final int PT_GNU_STACK = 0x6474_e551;
    static final int PT_GNU_RELRO = 0x6474_e552;

    static final int PF_X = 1;
    static final int PF_W = 2;
    static final int PF_R = 4;

    private static final long MAX_FIELD = 1L << 62;

    static ProgramHeader parse(byte[] f, long tableOffset, int index) throws ElfException {
        long at = tableOffset + (long) index * ElfHeader.PHENT;
        int type = (int) LittleEndian.u32(f, at);
        int flags = (int) LittleEndian.u32(f, at + 4);
        long offset = field(f, at, 8, "p_offset", index);
        long vaddr = field(f, at, 16, "p_vaddr", index);
        long filesz = field(f, at, 32, "p_filesz", index);
        long memsz = field(f, at, 40, "p_memsz", index);
        long align = field(f, at, 48, "p_align", index);
        ProgramHeader ph = new ProgramHeader(index, at, type, flags, offset, vaddr, filesz, memsz, align);
        if (type != PT_NULL && offset + filesz > f.length) {
            throw ph.reject(
                    "p_filesz",
                    "file range [0x" + Long.toHexString(offset) + ", +0x" + Long.toHexString(filesz)
                            + ") runs past the end of the " + f.length + "-byte file");
        }
        return ph;
    }

    private static long field(byte[] f, long at, int rel, String name, int index) throws ElfException {
        long v = LittleEndian.u64(f, at + rel);
        if (v < 0 || v >= MAX_FIELD) {
            throw new ElfException(
                    name + "[" + index + "]", at + rel, "0x" + Long.toUnsignedString(v, 16) + " is too large");
        }
        return v;
    }

    int prot() {
        return ((flags & PF_R) != 0 ? LoadSegment.PROT_READ : 0)
                | ((flags & PF_W) != 0 ? LoadSegment.PROT_WRITE : 0)
                | ((flags & PF_X) != 0 ? LoadSegment.PROT_EXEC : 0);
    }

    /** Whether the file bytes {@code [offset, offset+filesz)} contain {@code [fileOff, fileOff+len)}. */
    boolean coversFile(long fileOff, long len) {
        return fileOff >= offset && fileOff + len <= offset + filesz;
    }

    ElfException reject(String field, String reason) {
        int rel =
                switch (field) {
                    case "p_type" -> 0;
                    case "p_flags" -> 4;
                    case "p_offset" -> 8;
                    case "p_vaddr" -> 16;
                    case "p_filesz" -> 32;
                    case "p_memsz" -> 40;
                    case "p_align" -> 48;
                    default -> 0;
                };
        return new ElfException(field + "[" + index + "]", fileOffset + rel, reason);
    }
}
