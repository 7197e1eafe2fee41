package org.visorfleet.grid.vm;

/**
 * Expands an RV64C compressed instruction into its 32-bit equivalent (RISC-V unprivileged spec,
 * chapter "C" Standard Extension, RVC instruction set listings). Reserved encodings and the
 * all-zero parcel expand to 0, which is illegal. HINT encodings (e.g. {@code c.addi x0}) expand to
 * their no-op base forms.
 */
final class Compressed {
    private Compressed() {}

    private static final int LOAD = 0x03, LOAD_FP = 0x07, STORE = 0x23, STORE_FP = 0x27;
    private static final int OP_IMM = 0x13, OP_IMM_32 = 0x1B, OP = 0x33, OP_32 = 0x3B;
    private static final int LUI = 0x37, JAL = 0x6F, JALR = 0x67, BRANCH = 0x63;

    /** The 32-bit equivalent of {@code c}, or 0 when {@code c} is reserved or illegal. */
    static int expand(int c) {
        int f3 = (c >>> 13) & 7;
        return switch (c & 3) {
            case 0 -> quadrant0(c, f3);
            case 1 -> quadrant1(c, f3);
            case 2 -> quadrant2(c, f3);
            default -> 0;
        };
    }

    private static int quadrant0(int c, int f3) {
        int rdp = 8 + ((c >>> 2) & 7);
        int rs1p = 8 + ((c >>> 7) & 7);
        int uimmW = bits(c, 10, 3) << 3 | bit(c, 6) << 2 | bit(c, 5) << 6;
        int uimmD = bits(c, 10, 3) << 3 | bits(c, 5, 2) << 6;
        return switch (f3) {
            case 0 -> {
                int nzuimm = bits(c, 11, 2) << 4 | bits(c, 7, 4) << 6 | bit(c, 6) << 2 | bit(c, 5) << 3;
                yield nzuimm == 0 ? 0 : i(OP_IMM, rdp, 0, 2, nzuimm);
            }
            case 1 -> i(LOAD_FP, rdp, 3, rs1p, uimmD);
            case 2 -> i(LOAD, rdp, 2, rs1p, uimmW);
            case 3 -> i(LOAD, rdp, 3, rs1p, uimmD);
            case 5 -> s(STORE_FP, 3, rs1p, rdp, uimmD);
            case 6 -> s(STORE, 2, rs1p, rdp, uimmW);
            case 7 -> s(STORE, 3, rs1p, rdp, uimmD);
            default -> 0;
        };
    }

    private static int quadrant1(int c, int f3) {
        int rd = (c >>> 7) & 31;
        int imm6 = signExtend(bit(c, 12) << 5 | bits(c, 2, 5), 6);
        return switch (f3) {
            case 0 -> i(OP_IMM, rd, 0, rd, imm6);
            case 1 -> rd == 0 ? 0 : i(OP_IMM_32, rd, 0, rd, imm6);
            case 2 -> i(OP_IMM, rd, 0, 0, imm6);
            case 3 -> {
                if (rd == 2) {
                    int nzimm = signExtend(
                            bit(c, 12) << 9 | bit(c, 6) << 4 | bit(c, 5) << 6 | bits(c, 3, 2) << 7 | bit(c, 2) << 5,
                            10);
                    yield nzimm == 0 ? 0 : i(OP_IMM, 2, 0, 2, nzimm);
                }
                yield imm6 == 0 ? 0 : (imm6 << 12) | rd << 7 | LUI;
            }
            case 4 -> arith(c);
            case 5 -> j(0, cjOffset(c));
            case 6, 7 -> {
                int off = signExtend(
                        bit(c, 12) << 8
                                | bits(c, 10, 2) << 3
                                | bits(c, 5, 2) << 6
                                | bits(c, 3, 2) << 1
                                | bit(c, 2) << 5,
                        9);
                yield b(f3 == 6 ? 0 : 1, 8 + ((c >>> 7) & 7), 0, off);
            }
            default -> 0;
        };
    }

    private static int arith(int c) {
        int rdp = 8 + ((c >>> 7) & 7);
        int rs2p = 8 + ((c >>> 2) & 7);
        int shamt = bit(c, 12) << 5 | bits(c, 2, 5);
        return switch ((c >>> 10) & 3) {
            case 0 -> i(OP_IMM, rdp, 5, rdp, shamt);
            case 1 -> i(OP_IMM, rdp, 5, rdp, 0x400 | shamt);
            case 2 -> i(OP_IMM, rdp, 7, rdp, signExtend(shamt, 6));
            default -> {
                int sel = bit(c, 12) << 2 | bits(c, 5, 2);
                yield switch (sel) {
                    case 0 -> r(OP, 0x20, rdp, 0, rdp, rs2p); // c.sub
                    case 1 -> r(OP, 0, rdp, 4, rdp, rs2p); // c.xor
                    case 2 -> r(OP, 0, rdp, 6, rdp, rs2p); // c.or
                    case 3 -> r(OP, 0, rdp, 7, rdp, rs2p); // c.and
                    case 4 -> r(OP_32, 0x20, rdp, 0, rdp, rs2p); // c.subw
                    case 5 -> r(OP_32, 0, rdp, 0, rdp, rs2p); // c.addw
                    default -> 0;
                };
            }
        };
    }

    private static int quadrant2(int c, int f3) {
        int rd = (c >>> 7) & 31;
        int rs2 = (c >>> 2) & 31;
        int shamt = bit(c, 12) << 5 | bits(c, 2, 5);
        return switch (f3) {
            case 0 -> i(OP_IMM, rd, 1, rd, shamt);
            case 1 -> i(LOAD_FP, rd, 3, 2, bit(c, 12) << 5 | bits(c, 5, 2) << 3 | bits(c, 2, 3) << 6);
            case 2 -> rd == 0 ? 0 : i(LOAD, rd, 2, 2, bit(c, 12) << 5 | bits(c, 4, 3) << 2 | bits(c, 2, 2) << 6);
            case 3 -> rd == 0 ? 0 : i(LOAD, rd, 3, 2, bit(c, 12) << 5 | bits(c, 5, 2) << 3 | bits(c, 2, 3) << 6);
            case 4 -> {
                if (bit(c, 12) == 0) {
                    if (rs2 == 0) {
                        yield rd == 0 ? 0 : i(JALR, 0, 0, rd, 0); // c.jr
                    }
                    yield r(OP, 0, rd, 0, 0, rs2); // c.mv
                }
                if (rs2 == 0) {
                    yield rd == 0 ? 0x00100073 : i(JALR, 1, 0, rd, 0); // c.ebreak, c.jalr
                }
                yield r(OP, 0, rd, 0, rd, rs2); // c.add
            }
            case 5 -> s(STORE_FP, 3, 2, rs2, bits(c, 10, 3) << 3 | bits(c, 7, 3) << 6);
            case 6 -> s(STORE, 2, 2, rs2, bits(c, 9, 4) << 2 | bits(c, 7, 2) << 6);
            default -> s(STORE, 3, 2, rs2, bits(c, 10, 3) << 3 | bits(c, 7, 3) << 6);
        };
    }

    private static int cjOffset(int c) {
        return signExtend(
                bit(c, 12) << 11
                        | bit(c, 11) << 4
                        | bits(c, 9, 2) << 8
                        | bit(c, 8) << 10
                        | bit(c, 7) << 6
                        | bit(c, 6) << 7
                        | bits(c, 3, 3) << 1
                        | bit(c, 2) << 5,
                12);
    }

    private static int bit(int c, int pos) {
        return (c >>> pos) & 1;
    }

    private static int bits(int c, int pos, int n) {
        return (c >>> pos) & ((1 << n) - 1);
    }

    private static int signExtend(int v, int width) {
        return (v << (32 - width)) >> (32 - width);
    }

    private static int i(int opcode, int rd, int f3, int rs1, int imm) {
        return imm << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    private static int s(int opcode, int f3, int rs1, int rs2, int imm) {
        return (imm >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | opcode;
    }

    private static int r(int opcode, int f7, int rd, int f3, int rs1, int rs2) {
        return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    private static int b(int f3, int rs1, int rs2, int imm) {
        return ((imm >> 12) & 1) << 31
                | ((imm >> 5) & 63) << 25
                | rs2 << 20
                | rs1 << 15
                | f3 << 12
                | ((imm >> 1) & 15) << 8
                | ((imm >> 11) & 1) << 7
                | BRANCH;
    }

    private static int j(int rd, int imm) {
        return ((imm >> 20) & 1) << 31
                | ((imm >> 1) & 0x3FF) << 21
                | ((imm >> 11) & 1) << 20
                | ((imm >> 12) & 0xFF) << 12
                | rd << 7
                | JAL;
    }
}
