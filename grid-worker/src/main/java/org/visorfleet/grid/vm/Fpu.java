package org.visorfleet.grid.vm;

import static org.visorfleet.grid.vm.Op.*;

/**
 * The F and D register file and the semantics of the non-memory F/D instructions. Registers hold raw
 * 64-bit patterns; a single-precision value is NaN-boxed (upper 32 bits all ones), and a register
 * that is not a valid box reads as the canonical NaN wherever a single is expected (spec §12.2).
 */
final class Fpu {
    /** f0..f31; 64 long so that register fields masked to 6 bits need no bounds check. */
    final long[] f = new long[64];

    final FpStatus status = new FpStatus();
    private final long[] x;
    private final Fp32 s32 = new Fp32(status);
    private final Fp64 d64 = new Fp64(status);
    private final FpConvert cvt = new FpConvert(status);

    Fpu(long[] integerRegisters) {
        this.x = integerRegisters;
    }

    static long box(int single) {
        return 0xFFFFFFFF00000000L | (single & 0xFFFFFFFFL);
    }

    int single(int reg) {
        long v = f[reg];
        return (int) (v >>> 32) == -1 ? (int) v : Fp32.CANONICAL_NAN;
    }

    /** The instruction's rounding mode; the dynamic mode must hold a valid value. */
    private int rm(long w) {
        int rm = imm(w);
        if (rm == 7) {
            rm = status.frm;
        }
        if (rm > 4) {
            throw IllegalInstructionTrap.INSTANCE;
        }
        return rm;
    }

    /** Executes one decoded F/D instruction that is not a load or store. */
    void execute(int op, long w) {
        int rd = rd(w);
        int a = rs1(w);
        int b = rs2(w);
        int c = rs3(w);
        switch (op) {
            case FADD_S -> f[rd] = box(s32.add(single(a), single(b), rm(w)));
            case FSUB_S -> f[rd] = box(s32.add(single(a), single(b) ^ Integer.MIN_VALUE, rm(w)));
            case FMUL_S -> f[rd] = box(s32.mul(single(a), single(b), rm(w)));
            case FDIV_S -> f[rd] = box(s32.div(single(a), single(b), rm(w)));
            case FSQRT_S -> f[rd] = box(s32.sqrt(single(a), rm(w)));
            case FMADD_S -> f[rd] = box(s32.fma(single(a), single(b), single(c), rm(w)));
            case FMSUB_S -> f[rd] = box(s32.fma(single(a), single(b), single(c) ^ Integer.MIN_VALUE, rm(w)));
            case FNMSUB_S -> f[rd] = box(s32.fma(single(a) ^ Integer.MIN_VALUE, single(b), single(c), rm(w)));
            case FNMADD_S ->
                f[rd] = box(s32.fma(single(a) ^ Integer.MIN_VALUE, single(b), single(c) ^ Integer.MIN_VALUE, rm(w)));
            case FADD_D -> f[rd] = d64.add(f[a], f[b], rm(w));
            case FSUB_D -> f[rd] = d64.add(f[a], f[b] ^ Long.MIN_VALUE, rm(w));
            case FMUL_D -> f[rd] = d64.mul(f[a], f[b], rm(w));
            case FDIV_D -> f[rd] = d64.div(f[a], f[b], rm(w));
            case FSQRT_D -> f[rd] = d64.sqrt(f[a], rm(w));
            case FMADD_D -> f[rd] = d64.fma(f[a], f[b], f[c], rm(w));
            case FMSUB_D -> f[rd] = d64.fma(f[a], f[b], f[c] ^ Long.MIN_VALUE, rm(w));
            case FNMSUB_D -> f[rd] = d64.fma(f[a] ^ Long.MIN_VALUE, f[b], f[c], rm(w));
            case FNMADD_D -> f[rd] = d64.fma(f[a] ^ Long.MIN_VALUE, f[b], f[c] ^ Long.MIN_VALUE, rm(w));
            default -> executeOther(op, w, rd, a, b);
        }
    }

    private void executeOther(int op, long w, int rd, int a, int b) {
        switch (op) {
            case FSGNJ_S, FSGNJN_S, FSGNJX_S ->
                f[rd] = box((int) signInjection(op - FSGNJ_S, single(a), single(b), 31));
            case FSGNJ_D, FSGNJN_D, FSGNJX_D -> f[rd] = signInjection(op - FSGNJ_D, f[a], f[b], 63);
            case FMIN_S, FMAX_S -> f[rd] = box(minMaxSingle(single(a), single(b), op == FMAX_S));
            case FMIN_D, FMAX_D -> f[rd] = minMaxDouble(f[a], f[b], op == FMAX_D);
            case FEQ_S, FLT_S, FLE_S -> x[rd] = compareSingle(single(a), single(b), kind(op - FEQ_S));
            case FEQ_D, FLT_D, FLE_D -> x[rd] = compareDouble(f[a], f[b], kind(op - FEQ_D));
            case FCLASS_S -> x[rd] = classifySingle(single(a));
            case FCLASS_D -> x[rd] = classifyDouble(f[a]);
            case FMV_X_W -> x[rd] = (int) f[a]; // the low 32 bits as they are, sign-extended; no unboxing
            case FMV_W_X -> f[rd] = box((int) x[a]);
            case FMV_X_D -> x[rd] = f[a];
            case FMV_D_X -> f[rd] = x[a];
            case FCVT_S_D -> f[rd] = box(s32.fromDouble(f[a], rm(w)));
            case FCVT_D_S -> f[rd] = widen(single(a), rm(w));
            default -> convert(op, w, rd, a);
        }
    }

    private void convert(int op, long w, int rd, int a) {
        int rm = rm(w);
        switch (op) {
            case FCVT_W_S, FCVT_WU_S, FCVT_L_S, FCVT_LU_S -> {
                int v = single(a);
                x[rd] = toInteger(op - FCVT_W_S, Fp32.d(v), Fp32.isNaN(v), rm);
            }
            case FCVT_W_D, FCVT_WU_D, FCVT_L_D, FCVT_LU_D ->
                x[rd] = toInteger(op - FCVT_W_D, Double.longBitsToDouble(f[a]), Fp64.isNaN(f[a]), rm);
            case FCVT_S_W -> f[rd] = box(cvt.toFloat((int) x[a], false, rm));
            case FCVT_S_WU -> f[rd] = box(cvt.toFloat(x[a] & 0xFFFFFFFFL, false, rm));
            case FCVT_S_L -> f[rd] = box(cvt.toFloat(x[a], false, rm));
            case FCVT_S_LU -> f[rd] = box(cvt.toFloat(x[a], true, rm));
            case FCVT_D_W -> f[rd] = cvt.toDouble((int) x[a], false, rm);
            case FCVT_D_WU -> f[rd] = cvt.toDouble(x[a] & 0xFFFFFFFFL, false, rm);
            case FCVT_D_L -> f[rd] = cvt.toDouble(x[a], false, rm);
            case FCVT_D_LU -> f[rd] = cvt.toDouble(x[a], true, rm);
            default -> throw new IllegalStateException("not an F/D operation: " + op);
        }
    }

    private long toInteger(int kind, double v, boolean nan, int rm) {
        return switch (kind) {
            case 0 -> cvt.toInt32(v, nan, rm);
            case 1 -> cvt.toUint32(v, nan, rm);
            case 2 -> cvt.toInt64(v, nan, rm);
            default -> cvt.toUint64(v, nan, rm);
        };
    }

    private static int kind(int offset) {
        return switch (offset) {
            case 0 -> FpConvert.EQ;
            case 1 -> FpConvert.LT;
            default -> FpConvert.LE;
        };
    }

    /** fsgnj (0), fsgnjn (1), fsgnjx (2): magnitude of {@code a}, sign from {@code b}. */
    private static long signInjection(int variant, long a, long b, int signBit) {
        long sign = 1L << signBit;
        long bSign =
                switch (variant) {
                    case 0 -> b & sign;
                    case 1 -> ~b & sign;
                    default -> (a ^ b) & sign;
                };
        return (a & ~sign) | bSign;
    }

    private int minMaxSingle(int a, int b, boolean max) {
        boolean signaling = Fp32.isSignalingNaN(a) || Fp32.isSignalingNaN(b);
        return (int) cvt.minMax(
                a, b, Fp32.d(a), Fp32.d(b), Fp32.isNaN(a), Fp32.isNaN(b), signaling, Fp32.CANONICAL_NAN, max);
    }

    private long minMaxDouble(long a, long b, boolean max) {
        boolean signaling = Fp64.isSignalingNaN(a) || Fp64.isSignalingNaN(b);
        return cvt.minMax(
                a,
                b,
                Double.longBitsToDouble(a),
                Double.longBitsToDouble(b),
                Fp64.isNaN(a),
                Fp64.isNaN(b),
                signaling,
                Fp64.CANONICAL_NAN,
                max);
    }

    private long compareSingle(int a, int b, int kind) {
        return cvt.compare(
                Fp32.d(a),
                Fp32.d(b),
                Fp32.isNaN(a),
                Fp32.isNaN(b),
                Fp32.isSignalingNaN(a),
                Fp32.isSignalingNaN(b),
                kind);
    }

    private long compareDouble(long a, long b, int kind) {
        return cvt.compare(
                Double.longBitsToDouble(a),
                Double.longBitsToDouble(b),
                Fp64.isNaN(a),
                Fp64.isNaN(b),
                Fp64.isSignalingNaN(a),
                Fp64.isSignalingNaN(b),
                kind);
    }

    private static long classifySingle(int v) {
        return FpConvert.classify(v < 0, Math.abs(Fp32.d(v)), Fp32.isNaN(v), Fp32.isSignalingNaN(v), Float.MIN_NORMAL);
    }

    private static long classifyDouble(long v) {
        return FpConvert.classify(
                v < 0, Math.abs(Double.longBitsToDouble(v)), Fp64.isNaN(v), Fp64.isSignalingNaN(v), Double.MIN_NORMAL);
    }

    /** fcvt.d.s: exact, except that NaNs become the canonical NaN (NV for a signalling one). */
    private long widen(int v, int rm) {
        if (Fp32.isNaN(v)) {
            if (Fp32.isSignalingNaN(v)) {
                status.raise(SoftFloat.NV);
            }
            return Fp64.CANONICAL_NAN;
        }
        return Double.doubleToRawLongBits(Fp32.d(v));
    }
}
