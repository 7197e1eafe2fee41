package org.visorfleet.grid.elf;

/**
 * The ELF64 file header, validated for a static RV64 little-endian Linux executable.
 *
 * <pre>
 * offset size field        accepted values
 *  0x00   4   EI_MAG       7f 'E' 'L' 'F'
 *  0x04   1   EI_CLASS     2 (ELFCLASS64)
 *  0x05   1   EI_DATA      1 (ELFDATA2LSB)
 *  0x06   1   EI_VERSION   1
 *  0x07   1   EI_OSABI     0 (SYSV) or 3 (GNU/Linux)
 *  0x08   1   EI_ABIVERSION 0
 *  0x10   2   e_type       2 (ET_EXEC) or 3 (ET_DYN, static-pie)
 *  0x12   2   e_machine    243 (EM_RISCV)
 *  0x14   4   e_version    1
 *  0x18   8   e_entry      checked against the executable segments later
 *  0x20   8   e_phoff      table inside the file, 8-byte aligned
 *  0x28   8   e_shoff      ignored (sections are not needed to load)
 *  0x30   4   e_flags      RVC optional, double-float ABI required, no RVE, TSO allowed
 *  0x34   2   e_ehsize     64
 *  0x36   2   e_phentsize  56
 *  0x38   2   e_phnum      1..limit (PN_XNUM is not supported)
 * </pre>
 */
record ElfHeader(boolean pie, long entry, long phoff, int phnum, int flags) {
    static final int SIZE = 64;
    static final int PHENT = 56;

    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;
    static final int EM_RISCV = 243;

    static final int EF_RISCV_RVC = 0x1;
    static final int EF_RISCV_FLOAT_ABI = 0x6;
    static final int EF_RISCV_FLOAT_ABI_DOUBLE = 0x4;
    static final int EF_RISCV_RVE = 0x8;
    static final int EF_RISCV_TSO = 0x10;

    static ElfHeader parse(byte[] f, ElfLimits limits) throws ElfException {
        if (f.length < SIZE) {
            throw new ElfException(
                    "ELF header", 0, "file is " + f.length + " bytes, shorter than the 64-byte ELF64 header");
        }
        if (f[0] != 0x7f || f[1] != 'E' || f[2] != 'L' || f[3] != 'F') {
            throw new ElfException("EI_MAG", 0, "not an ELF file (bad magic)");
        }
        expect(f, 4, "EI_CLASS", 2, "only ELFCLASS64 executables run (RV64)");
        expect(f, 5, "EI_DATA", 1, "only little-endian (ELFDATA2LSB) executables run");
        expect(f, 6, "EI_VERSION", 1, "unknown ELF identification version");
        int osabi = LittleEndian.u8(f, 7);
        if (osabi != 0 && osabi != 3) {
            throw new ElfException("EI_OSABI", 7, osabi + " is neither SYSV (0) nor GNU/Linux (3)");
        }
        expect(f, 8, "EI_ABIVERSION", 0, "unknown ABI version");
        int type = LittleEndian.u16(f, 16);
        if (type != ET_EXEC && type != ET_DYN) {
            throw new ElfException("e_type", 16, type + " is not an executable (ET_EXEC 2 or static-pie ET_DYN 3)");
        }
        int machine = LittleEndian.u16(f, 18);
        if (machine != EM_RISCV) {
            throw new ElfException("e_machine", 18, machine + " is not EM_RISCV (243)");
        }
        if (LittleEndian.u32(f, 20) != 1) {
            throw new ElfException("e_version", 20, LittleEndian.u32(f, 20) + " is not EV_CURRENT (1)");
        }
        int flags = checkFlags((int) LittleEndian.u32(f, 48));
        if (LittleEndian.u16(f, 52) != SIZE) {
            throw new ElfException("e_ehsize", 52, LittleEndian.u16(f, 52) + " is not 64");
        }
        if (LittleEndian.u16(f, 54) != PHENT) {
            throw new ElfException("e_phentsize", 54, LittleEndian.u16(f, 54) + " is not 56");
        }
        int phnum = LittleEndian.u16(f, 56);
        if (phnum == 0 || phnum > limits.maxProgramHeaders()) {
            throw new ElfException("e_phnum", 56, phnum + " program headers, need 1.." + limits.maxProgramHeaders());
        }
        long phoff = LittleEndian.u64(f, 32);
        // phoff < 0 means ≥ 2^63 unsigned; comparing against the length first keeps the sum below from overflowing.
        if (phoff < SIZE || phoff > f.length || phoff + (long) phnum * PHENT > f.length) {
            throw new ElfException(
                    "e_phoff",
                    32,
                    "program header table [" + Long.toUnsignedString(phoff) + ", +" + phnum * PHENT
                            + ") is not inside the " + f.length + "-byte file after the header");
        }
        if (phoff % 8 != 0) {
            throw new ElfException("e_phoff", 32, phoff + " is not 8-byte aligned");
        }
        return new ElfHeader(type == ET_DYN, LittleEndian.u64(f, 24), phoff, phnum, flags);
    }

    private static int checkFlags(int flags) throws ElfException {
        if ((flags & EF_RISCV_RVE) != 0) {
            throw new ElfException("e_flags", 48, "RV32E/RV64E (EF_RISCV_RVE) binaries are not supported");
        }
        int abi = flags & EF_RISCV_FLOAT_ABI;
        if (abi != EF_RISCV_FLOAT_ABI_DOUBLE) {
            String name =
                    switch (abi) {
                        case 0 -> "soft-float (lp64)";
                        case 2 -> "single-float (lp64f)";
                        default -> "quad-float (lp64q)";
                    };
            throw new ElfException("e_flags", 48, name + " ABI; only the double-float ABI (lp64d) is supported");
        }
        int unknown = flags & ~(EF_RISCV_RVC | EF_RISCV_FLOAT_ABI | EF_RISCV_TSO);
        if (unknown != 0) {
            throw new ElfException("e_flags", 48, "unknown flag bits 0x" + Integer.toHexString(unknown));
        }
        return flags;
    }

    private static void expect(byte[] f, int off, String field, int value, String reason) throws ElfException {
        int actual = LittleEndian.u8(f, off);
        if (actual != value) {
            throw new ElfException(field, off, actual + ": " + reason);
        }
    }
}
