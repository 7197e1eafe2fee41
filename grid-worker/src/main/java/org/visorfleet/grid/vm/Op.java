package org.visorfleet.grid.vm;

/**
 * Operation codes of decoded instructions and the layout of a decoded instruction word.
 *
 * <p>A decoded instruction is one {@code long}:
 *
 * <pre>
 * bits  0..7   operation (a constant below; 0 = not decoded yet)
 * bits  8..13  rd: integer destinations use 32 for x0 (a write-only sink), FP destinations 0..31
 * bits 14..18  rs1
 * bits 19..23  rs2
 * bits 24..28  rs3
 * bit  31      1 when the instruction is 4 bytes long, 0 when compressed (2 bytes)
 * bits 32..63  immediate (sign-extended int): offset, shift amount, CSR number, rounding mode
 *              of FP arithmetic, or the raw bits of an illegal instruction
 * </pre>
 */
final class Op {
    private Op() {}

    static final int UNDECODED = 0;
    static final int PAGE_END = 1;
    static final int ILLEGAL = 2;
    static final int NOP = 3;
    static final int LUI = 4;
    static final int AUIPC = 5;
    static final int JAL = 6;
    static final int JALR = 7;
    static final int BEQ = 8;
    static final int BNE = 9;
    static final int BLT = 10;
    static final int BGE = 11;
    static final int BLTU = 12;
    static final int BGEU = 13;
    static final int LB = 14;
    static final int LH = 15;
    static final int LW = 16;
    static final int LD = 17;
    static final int LBU = 18;
    static final int LHU = 19;
    static final int LWU = 20;
    static final int SB = 21;
    static final int SH = 22;
    static final int SW = 23;
    static final int SD = 24;
    static final int ADDI = 25;
    static final int SLTI = 26;
    static final int SLTIU = 27;
    static final int XORI = 28;
    static final int ORI = 29;
    static final int ANDI = 30;
    static final int SLLI = 31;
    static final int SRLI = 32;
    static final int SRAI = 33;
    static final int ADD = 34;
    static final int SUB = 35;
    static final int SLL = 36;
    static final int SLT = 37;
    static final int SLTU = 38;
    static final int XOR = 39;
    static final int SRL = 40;
    static final int SRA = 41;
    static final int OR = 42;
    static final int AND = 43;
    static final int ADDIW = 44;
    static final int SLLIW = 45;
    static final int SRLIW = 46;
    static final int SRAIW = 47;
    static final int ADDW = 48;
    static final int SUBW = 49;
    static final int SLLW = 50;
    static final int SRLW = 51;
    static final int SRAW = 52;
    static final int FENCE_I = 53;
    static final int ECALL = 54;
    static final int EBREAK = 55;
    static final int MUL = 56;
    static final int MULH = 57;
    static final int MULHSU = 58;
    static final int MULHU = 59;
    static final int DIV = 60;
    static final int DIVU = 61;
    static final int REM = 62;
    static final int REMU = 63;
    static final int MULW = 64;
    static final int DIVW = 65;
    static final int DIVUW = 66;
    static final int REMW = 67;
    static final int REMUW = 68;
    static final int LR_W = 69;
    static final int SC_W = 70;
    static final int AMOSWAP_W = 71;
    static final int AMOADD_W = 72;
    static final int AMOXOR_W = 73;
    static final int AMOAND_W = 74;
    static final int AMOOR_W = 75;
    static final int AMOMIN_W = 76;
    static final int AMOMAX_W = 77;
    static final int AMOMINU_W = 78;
    static final int AMOMAXU_W = 79;
    static final int LR_D = 80;
    static final int SC_D = 81;
    static final int AMOSWAP_D = 82;
    static final int AMOADD_D = 83;
    static final int AMOXOR_D = 84;
    static final int AMOAND_D = 85;
    static final int AMOOR_D = 86;
    static final int AMOMIN_D = 87;
    static final int AMOMAX_D = 88;
    static final int AMOMINU_D = 89;
    static final int AMOMAXU_D = 90;
    static final int CSRRW = 91;
    static final int CSRRS = 92;
    static final int CSRRC = 93;
    static final int CSRRWI = 94;
    static final int CSRRSI = 95;
    static final int CSRRCI = 96;
    static final int FLW = 97;
    static final int FSW = 98;
    static final int FLD = 99;
    static final int FSD = 100;
    static final int FMADD_S = 101;
    static final int FMSUB_S = 102;
    static final int FNMSUB_S = 103;
    static final int FNMADD_S = 104;
    static final int FADD_S = 105;
    static final int FSUB_S = 106;
    static final int FMUL_S = 107;
    static final int FDIV_S = 108;
    static final int FSQRT_S = 109;
    static final int FSGNJ_S = 110;
    static final int FSGNJN_S = 111;
    static final int FSGNJX_S = 112;
    static final int FMIN_S = 113;
    static final int FMAX_S = 114;
    static final int FCVT_W_S = 115;
    static final int FCVT_WU_S = 116;
    static final int FCVT_L_S = 117;
    static final int FCVT_LU_S = 118;
    static final int FMV_X_W = 119;
    static final int FEQ_S = 120;
    static final int FLT_S = 121;
    static final int FLE_S = 122;
    static final int FCLASS_S = 123;
    static final int FCVT_S_W = 124;
    static final int FCVT_S_WU = 125;
    static final int FCVT_S_L = 126;
    static final int FCVT_S_LU = 127;
    static final int FMV_W_X = 128;
    static final int FMADD_D = 129;
    static final int FMSUB_D = 130;
    static final int FNMSUB_D = 131;
    static final int FNMADD_D = 132;
    static final int FADD_D = 133;
    static final int FSUB_D = 134;
    static final int FMUL_D = 135;
    static final int FDIV_D = 136;
    static final int FSQRT_D = 137;
    static final int FSGNJ_D = 138;
    static final int FSGNJN_D = 139;
    static final int FSGNJX_D = 140;
    static final int FMIN_D = 141;
    static final int FMAX_D = 142;
    static final int FCVT_W_D = 143;
    static final int FCVT_WU_D = 144;
    static final int FCVT_L_D = 145;
    static final int FCVT_LU_D = 146;
    static final int FMV_X_D = 147;
    static final int FEQ_D = 148;
    static final int FLT_D = 149;
    static final int FLE_D = 150;
    static final int FCLASS_D = 151;
    static final int FCVT_D_W = 152;
    static final int FCVT_D_WU = 153;
    static final int FCVT_D_L = 154;
    static final int FCVT_D_LU = 155;
    static final int FMV_D_X = 156;
    static final int FCVT_S_D = 157;
    static final int FCVT_D_S = 158;

    static final int COUNT = 159;

    static int rd(long w) {
        return (int) (w >>> 8) & 63;
    }

    static int rs1(long w) {
        return (int) (w >>> 14) & 31;
    }

    static int rs2(long w) {
        return (int) (w >>> 19) & 31;
    }

    static int rs3(long w) {
        return (int) (w >>> 24) & 31;
    }

    static int imm(long w) {
        return (int) (w >> 32);
    }

    /** Instruction length in halfwords: 1 or 2. */
    static int halfwords(long w) {
        return 1 + ((int) w >>> 31);
    }

    static long word(int op, int rd, int rs1, int rs2, int rs3, int imm, boolean wide) {
        return op
                | (long) rd << 8
                | (long) rs1 << 14
                | (long) rs2 << 19
                | (long) rs3 << 24
                | (wide ? 1L << 31 : 0)
                | (long) imm << 32;
    }
}
