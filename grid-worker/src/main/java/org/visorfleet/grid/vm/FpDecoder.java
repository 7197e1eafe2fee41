package org.visorfleet.grid.vm;

import static org.visorfleet.grid.vm.Op.*;

/** Decodes the OP-FP major opcode (F and D extensions). */
final class FpDecoder {
    private FpDecoder() {}

    /** Rounding-mode fields 5 and 6 are reserved; 7 (dynamic) is checked against frm at run time. */
    static boolean validStaticRm(int rm) {
        return rm != 5 && rm != 6;
    }

    static long decode(int b, int rd, int f3, int rs1, int rs2, int f7) {
        int fmt = f7 & 3;
        if (fmt > 1) {
            return Decoder.illegal(b, true);
        }
        boolean d = fmt == 1;
        int op =
                switch (f7 >>> 2) {
                    case 0x00 -> rounded(f3, d ? FADD_D : FADD_S);
                    case 0x01 -> rounded(f3, d ? FSUB_D : FSUB_S);
                    case 0x02 -> rounded(f3, d ? FMUL_D : FMUL_S);
                    case 0x03 -> rounded(f3, d ? FDIV_D : FDIV_S);
                    case 0x0B -> rs2 == 0 ? rounded(f3, d ? FSQRT_D : FSQRT_S) : ILLEGAL;
                    case 0x04 -> f3 <= 2 ? (d ? FSGNJ_D : FSGNJ_S) + f3 : ILLEGAL;
                    case 0x05 -> f3 <= 1 ? (d ? FMIN_D : FMIN_S) + f3 : ILLEGAL;
                    case 0x08 ->
                        d ? (rs2 == 0 ? rounded(f3, FCVT_D_S) : ILLEGAL) : (rs2 == 1 ? rounded(f3, FCVT_S_D) : ILLEGAL);
                    case 0x14 ->
                        f3 == 2
                                ? (d ? FEQ_D : FEQ_S)
                                : f3 == 1 ? (d ? FLT_D : FLT_S) : f3 == 0 ? (d ? FLE_D : FLE_S) : ILLEGAL;
                    case 0x18 -> rs2 <= 3 ? rounded(f3, (d ? FCVT_W_D : FCVT_W_S) + rs2) : ILLEGAL;
                    case 0x1A -> rs2 <= 3 ? rounded(f3, (d ? FCVT_D_W : FCVT_S_W) + rs2) : ILLEGAL;
                    case 0x1C ->
                        rs2 != 0
                                ? ILLEGAL
                                : f3 == 0 ? (d ? FMV_X_D : FMV_X_W) : f3 == 1 ? (d ? FCLASS_D : FCLASS_S) : ILLEGAL;
                    case 0x1E -> rs2 == 0 && f3 == 0 ? (d ? FMV_D_X : FMV_W_X) : ILLEGAL;
                    default -> ILLEGAL;
                };
        if (op == ILLEGAL) {
            return Decoder.illegal(b, true);
        }
        return writesInteger(op) ? Decoder.x(op, rd, rs1, rs2, f3) : Decoder.f(op, rd, rs1, rs2, 0, f3);
    }

    private static int rounded(int rm, int op) {
        return validStaticRm(rm) ? op : ILLEGAL;
    }

    private static boolean writesInteger(int op) {
        return switch (op) {
            case FCVT_W_S, FCVT_WU_S, FCVT_L_S, FCVT_LU_S, FMV_X_W, FEQ_S, FLT_S, FLE_S, FCLASS_S -> true;
            case FCVT_W_D, FCVT_WU_D, FCVT_L_D, FCVT_LU_D, FMV_X_D, FEQ_D, FLT_D, FLE_D, FCLASS_D -> true;
            default -> false;
        };
    }
}
