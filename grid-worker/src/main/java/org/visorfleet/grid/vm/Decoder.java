package org.visorfleet.grid.vm;

import static org.visorfleet.grid.vm.Op.*;

/**
 * Decodes one RV64IMAFDC + Zicsr + Zifencei instruction into the word layout of {@link Op}. Pure:
 * never throws; anything it does not recognise becomes {@link Op#ILLEGAL} carrying the raw bits.
 * Static properties are checked here (reserved encodings, invalid static rounding modes, unknown or
 * read-only CSRs written), so the hart only checks the dynamic rounding mode at run time.
 */
final class Decoder {
    private Decoder() {}

    /** Decodes a 16-bit parcel (its two low bits are not 11). */
    static long decode16(int half) {
        int expanded = Compressed.expand(half);
        if (expanded == 0) {
            return illegal(half, false);
        }
        long w = decode32(expanded);
        // Keep the compressed length and, for an illegal expansion, report the original parcel.
        return (w & 0xFF) == ILLEGAL ? illegal(half, false) : w & ~(1L << 31);
    }

    /** Decodes a 32-bit instruction (its two low bits are 11). */
    static long decode32(int b) {
        int rd = (b >>> 7) & 31;
        int f3 = (b >>> 12) & 7;
        int rs1 = (b >>> 15) & 31;
        int rs2 = (b >>> 20) & 31;
        int f7 = b >>> 25;
        int immI = b >> 20;
        return switch (b & 0x7F) {
            case 0x37 -> x(LUI, rd, 0, 0, b & 0xFFFFF000);
            case 0x17 -> x(AUIPC, rd, 0, 0, b & 0xFFFFF000);
            case 0x6F -> x(JAL, rd, 0, 0, immJ(b));
            case 0x67 -> f3 == 0 ? x(JALR, rd, rs1, 0, immI) : illegal(b, true);
            case 0x63 -> branch(b, f3, rs1, rs2);
            case 0x03 -> f3 == 7 ? illegal(b, true) : x(LB + f3, rd, rs1, 0, immI);
            case 0x23 -> f3 > 3 ? illegal(b, true) : x(SB + f3, 0, rs1, rs2, immS(b));
            case 0x13 -> opImm(b, rd, f3, rs1, immI);
            case 0x1B -> opImm32(b, rd, f3, rs1, immI);
            case 0x33 -> op(b, rd, f3, rs1, rs2, f7);
            case 0x3B -> op32(b, rd, f3, rs1, rs2, f7);
            case 0x0F -> f3 == 0 ? plain(NOP) : f3 == 1 ? plain(FENCE_I) : illegal(b, true);
            case 0x73 -> system(b, rd, f3, rs1);
            case 0x2F -> Atomics.decode(b, rd, f3, rs1, rs2);
            case 0x07 ->
                f3 == 2 ? f(FLW, rd, rs1, 0, 0, immI) : f3 == 3 ? f(FLD, rd, rs1, 0, 0, immI) : illegal(b, true);
            case 0x27 ->
                f3 == 2
                        ? f(FSW, 0, rs1, rs2, 0, immS(b))
                        : f3 == 3 ? f(FSD, 0, rs1, rs2, 0, immS(b)) : illegal(b, true);
            case 0x43, 0x47, 0x4B, 0x4F -> fused(b, rd, f3, rs1, rs2);
            case 0x53 -> FpDecoder.decode(b, rd, f3, rs1, rs2, f7);
            default -> illegal(b, true);
        };
    }

    private static long branch(int b, int f3, int rs1, int rs2) {
        int op =
                switch (f3) {
                    case 0 -> BEQ;
                    case 1 -> BNE;
                    case 4 -> BLT;
                    case 5 -> BGE;
                    case 6 -> BLTU;
                    case 7 -> BGEU;
                    default -> ILLEGAL;
                };
        return op == ILLEGAL ? illegal(b, true) : x(op, 0, rs1, rs2, immB(b));
    }

    private static long opImm(int b, int rd, int f3, int rs1, int imm) {
        int funct6 = b >>> 26;
        int shamt = (b >>> 20) & 63;
        return switch (f3) {
            case 0 -> x(ADDI, rd, rs1, 0, imm);
            case 2 -> x(SLTI, rd, rs1, 0, imm);
            case 3 -> x(SLTIU, rd, rs1, 0, imm);
            case 4 -> x(XORI, rd, rs1, 0, imm);
            case 6 -> x(ORI, rd, rs1, 0, imm);
            case 7 -> x(ANDI, rd, rs1, 0, imm);
            case 1 -> funct6 == 0 ? x(SLLI, rd, rs1, 0, shamt) : illegal(b, true);
            default ->
                funct6 == 0
                        ? x(SRLI, rd, rs1, 0, shamt)
                        : funct6 == 0x10 ? x(SRAI, rd, rs1, 0, shamt) : illegal(b, true);
        };
    }

    private static long opImm32(int b, int rd, int f3, int rs1, int imm) {
        int f7 = b >>> 25;
        int shamt = (b >>> 20) & 31;
        return switch (f3) {
            case 0 -> x(ADDIW, rd, rs1, 0, imm);
            case 1 -> f7 == 0 ? x(SLLIW, rd, rs1, 0, shamt) : illegal(b, true);
            case 5 ->
                f7 == 0 ? x(SRLIW, rd, rs1, 0, shamt) : f7 == 0x20 ? x(SRAIW, rd, rs1, 0, shamt) : illegal(b, true);
            default -> illegal(b, true);
        };
    }

    private static final int[] OP_BASE = {ADD, SLL, SLT, SLTU, XOR, SRL, OR, AND};
    private static final int[] OP_MUL = {MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU};

    private static long op(int b, int rd, int f3, int rs1, int rs2, int f7) {
        int op;
        if (f7 == 0) {
            op = OP_BASE[f3];
        } else if (f7 == 1) {
            op = OP_MUL[f3];
        } else if (f7 == 0x20 && (f3 == 0 || f3 == 5)) {
            op = f3 == 0 ? SUB : SRA;
        } else {
            return illegal(b, true);
        }
        return x(op, rd, rs1, rs2, 0);
    }

    private static long op32(int b, int rd, int f3, int rs1, int rs2, int f7) {
        int op =
                switch (f7 << 3 | f3) {
                    case 0 -> ADDW;
                    case 1 -> SLLW;
                    case 5 -> SRLW;
                    case 0x20 << 3 -> SUBW;
                    case 0x20 << 3 | 5 -> SRAW;
                    case 1 << 3 -> MULW;
                    case 1 << 3 | 4 -> DIVW;
                    case 1 << 3 | 5 -> DIVUW;
                    case 1 << 3 | 6 -> REMW;
                    case 1 << 3 | 7 -> REMUW;
                    default -> ILLEGAL;
                };
        return op == ILLEGAL ? illegal(b, true) : x(op, rd, rs1, rs2, 0);
    }

    private static long system(int b, int rd, int f3, int rs1) {
        if (b == 0x00000073) {
            return plain(ECALL);
        }
        if (b == 0x00100073) {
            return plain(EBREAK);
        }
        if (f3 == 0 || f3 == 4) {
            return illegal(b, true);
        }
        int csr = b >>> 20;
        // csrrw/csrrwi always write; csrrs/csrrc(i) write only when rs1 / uimm is not zero.
        boolean writes = (f3 & 3) == 1 || rs1 != 0;
        if (!Csr.exists(csr) || (writes && Csr.readOnly(csr))) {
            return illegal(b, true);
        }
        int op = CSRRW + (f3 & 3) - 1 + (f3 >= 5 ? 3 : 0);
        return x(op, rd, rs1, 0, csr);
    }

    private static long fused(int b, int rd, int rm, int rs1, int rs2) {
        int fmt = (b >>> 25) & 3;
        if (fmt > 1 || !FpDecoder.validStaticRm(rm)) {
            return illegal(b, true);
        }
        int op = (fmt == 0 ? FMADD_S : FMADD_D) + ((b >>> 2) & 3);
        return f(op, rd, rs1, rs2, b >>> 27, rm);
    }

    static int immS(int b) {
        return (b >> 25) << 5 | (b >>> 7) & 31;
    }

    static int immB(int b) {
        return (b >> 31) << 12 | ((b >>> 7) & 1) << 11 | ((b >>> 25) & 63) << 5 | ((b >>> 8) & 15) << 1;
    }

    static int immJ(int b) {
        return (b >> 31) << 20 | ((b >>> 12) & 0xFF) << 12 | ((b >>> 20) & 1) << 11 | ((b >>> 21) & 0x3FF) << 1;
    }

    /** An instruction with an integer destination: rd 0 goes to the sink register 32. */
    static long x(int op, int rd, int rs1, int rs2, int imm) {
        return Op.word(op, rd == 0 ? 32 : rd, rs1, rs2, 0, imm, true);
    }

    /** An instruction with an FP destination (or none). */
    static long f(int op, int rd, int rs1, int rs2, int rs3, int imm) {
        return Op.word(op, rd, rs1, rs2, rs3, imm, true);
    }

    private static long plain(int op) {
        return Op.word(op, 0, 0, 0, 0, 0, true);
    }

    static long illegal(int bits, boolean wide) {
        return Op.word(ILLEGAL, 0, 0, 0, 0, bits, wide);
    }
}
