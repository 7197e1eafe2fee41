package org.visorfleet.grid.vm;

import java.io.ByteArrayOutputStream;

/** A tiny RV64 assembler for tests: encoders for the instructions the tests use, and a program buffer. */
final class Asm {
    static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Appends a 32-bit instruction. */
    Asm i32(int insn) {
        for (int k = 0; k < 4; k++) {
            out.write(insn >>> (8 * k));
        }
        return this;
    }

    /** Appends a 16-bit (compressed) parcel. */
    Asm c16(int parcel) {
        out.write(parcel);
        out.write(parcel >>> 8);
        return this;
    }

    Asm code(int... insns) {
        for (int insn : insns) {
            i32(insn);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    // ------------------------------------------------------------ formats

    static int r(int opcode, int rd, int f3, int rs1, int rs2, int f7) {
        return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    static int i(int opcode, int rd, int f3, int rs1, int imm) {
        return imm << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    static int s(int opcode, int f3, int rs1, int rs2, int imm) {
        return (imm >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | opcode;
    }

    static int b(int f3, int rs1, int rs2, int imm) {
        return ((imm >> 12) & 1) << 31
                | ((imm >> 5) & 63) << 25
                | rs2 << 20
                | rs1 << 15
                | f3 << 12
                | ((imm >> 1) & 15) << 8
                | ((imm >> 11) & 1) << 7
                | 0x63;
    }

    static int u(int opcode, int rd, int imm20) {
        return imm20 << 12 | rd << 7 | opcode;
    }

    static int j(int rd, int imm) {
        return ((imm >> 20) & 1) << 31
                | ((imm >> 1) & 0x3FF) << 21
                | ((imm >> 11) & 1) << 20
                | ((imm >> 12) & 0xFF) << 12
                | rd << 7
                | 0x6F;
    }

    // ------------------------------------------------------------ RV64I

    static int lui(int rd, int imm20) {
        return u(0x37, rd, imm20);
    }

    static int auipc(int rd, int imm20) {
        return u(0x17, rd, imm20);
    }

    static int jal(int rd, int off) {
        return j(rd, off);
    }

    static int jalr(int rd, int rs1, int imm) {
        return i(0x67, rd, 0, rs1, imm);
    }

    static int beq(int a, int b2, int off) {
        return b(0, a, b2, off);
    }

    static int bne(int a, int b2, int off) {
        return b(1, a, b2, off);
    }

    static int blt(int a, int b2, int off) {
        return b(4, a, b2, off);
    }

    static int bltu(int a, int b2, int off) {
        return b(6, a, b2, off);
    }

    static int load(int f3, int rd, int rs1, int imm) {
        return i(0x03, rd, f3, rs1, imm);
    }

    static int lb(int rd, int rs1, int imm) {
        return load(0, rd, rs1, imm);
    }

    static int lh(int rd, int rs1, int imm) {
        return load(1, rd, rs1, imm);
    }

    static int lw(int rd, int rs1, int imm) {
        return load(2, rd, rs1, imm);
    }

    static int ld(int rd, int rs1, int imm) {
        return load(3, rd, rs1, imm);
    }

    static int lbu(int rd, int rs1, int imm) {
        return load(4, rd, rs1, imm);
    }

    static int lwu(int rd, int rs1, int imm) {
        return load(6, rd, rs1, imm);
    }

    static int sb(int rs2, int rs1, int imm) {
        return s(0x23, 0, rs1, rs2, imm);
    }

    static int sh(int rs2, int rs1, int imm) {
        return s(0x23, 1, rs1, rs2, imm);
    }

    static int sw(int rs2, int rs1, int imm) {
        return s(0x23, 2, rs1, rs2, imm);
    }

    static int sd(int rs2, int rs1, int imm) {
        return s(0x23, 3, rs1, rs2, imm);
    }

    static int addi(int rd, int rs1, int imm) {
        return i(0x13, rd, 0, rs1, imm);
    }

    static int slli(int rd, int rs1, int sh) {
        return i(0x13, rd, 1, rs1, sh);
    }

    static int srli(int rd, int rs1, int sh) {
        return i(0x13, rd, 5, rs1, sh);
    }

    static int srai(int rd, int rs1, int sh) {
        return i(0x13, rd, 5, rs1, 0x400 | sh);
    }

    static int addiw(int rd, int rs1, int imm) {
        return i(0x1B, rd, 0, rs1, imm);
    }

    static int slliw(int rd, int rs1, int sh) {
        return i(0x1B, rd, 1, rs1, sh);
    }

    static int srliw(int rd, int rs1, int sh) {
        return i(0x1B, rd, 5, rs1, sh);
    }

    static int sraiw(int rd, int rs1, int sh) {
        return i(0x1B, rd, 5, rs1, 0x400 | sh);
    }

    static int op(int f7, int f3, int rd, int rs1, int rs2) {
        return r(0x33, rd, f3, rs1, rs2, f7);
    }

    static int op32(int f7, int f3, int rd, int rs1, int rs2) {
        return r(0x3B, rd, f3, rs1, rs2, f7);
    }

    static int add(int rd, int a, int b2) {
        return op(0, 0, rd, a, b2);
    }

    static int sub(int rd, int a, int b2) {
        return op(0x20, 0, rd, a, b2);
    }

    static int sll(int rd, int a, int b2) {
        return op(0, 1, rd, a, b2);
    }

    static int sra(int rd, int a, int b2) {
        return op(0x20, 5, rd, a, b2);
    }

    static int sltu(int rd, int a, int b2) {
        return op(0, 3, rd, a, b2);
    }

    static int addw(int rd, int a, int b2) {
        return op32(0, 0, rd, a, b2);
    }

    static int subw(int rd, int a, int b2) {
        return op32(0x20, 0, rd, a, b2);
    }

    static int sllw(int rd, int a, int b2) {
        return op32(0, 1, rd, a, b2);
    }

    static int srlw(int rd, int a, int b2) {
        return op32(0, 5, rd, a, b2);
    }

    static int sraw(int rd, int a, int b2) {
        return op32(0x20, 5, rd, a, b2);
    }

    /** M extension: f3 0 mul, 1 mulh, 2 mulhsu, 3 mulhu, 4 div, 5 divu, 6 rem, 7 remu. */
    static int mulDiv(int f3, int rd, int a, int b2) {
        return op(1, f3, rd, a, b2);
    }

    /** M extension W forms: f3 0 mulw, 4 divw, 5 divuw, 6 remw, 7 remuw. */
    static int mulDivW(int f3, int rd, int a, int b2) {
        return op32(1, f3, rd, a, b2);
    }

    static final int ECALL = 0x00000073;
    static final int EBREAK = 0x00100073;
    static final int FENCE_I = 0x0000100F;
    static final int FENCE = 0x0FF0000F;

    static int csr(int f3, int rd, int csr, int rs1) {
        return i(0x73, rd, f3, rs1, csr);
    }

    // ------------------------------------------------------------ A

    static int amo(int funct5, int width3, int rd, int rs1, int rs2) {
        return r(0x2F, rd, width3, rs1, rs2, funct5 << 2);
    }

    static int lrW(int rd, int rs1) {
        return amo(0x02, 2, rd, rs1, 0);
    }

    static int scW(int rd, int rs1, int rs2) {
        return amo(0x03, 2, rd, rs1, rs2);
    }

    static int lrD(int rd, int rs1) {
        return amo(0x02, 3, rd, rs1, 0);
    }

    static int scD(int rd, int rs1, int rs2) {
        return amo(0x03, 3, rd, rs1, rs2);
    }

    // ------------------------------------------------------------ F / D

    /** OP-FP: funct7, rm (f3), rd, rs1, rs2. */
    static int fp(int f7, int rm, int rd, int rs1, int rs2) {
        return r(0x53, rd, rm, rs1, rs2, f7);
    }

    static int fmadd(int opcode, int fmt, int rm, int rd, int rs1, int rs2, int rs3) {
        return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | opcode;
    }

    static int flw(int rd, int rs1, int imm) {
        return i(0x07, rd, 2, rs1, imm);
    }

    static int fsw(int rs2, int rs1, int imm) {
        return s(0x27, 2, rs1, rs2, imm);
    }

    static int fld(int rd, int rs1, int imm) {
        return i(0x07, rd, 3, rs1, imm);
    }
}
