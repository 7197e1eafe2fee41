package org.visorfleet.grid.vm;

import static org.visorfleet.grid.vm.SoftFloat.*;

/**
 * Conversions between floating point and integers, comparisons, min/max and classification, with
 * the results the RISC-V spec tabulates: out-of-range and NaN inputs saturate and raise NV (and not
 * NX); NaN converts to the largest value of the target type.
 */
final class FpConvert {
    private final FpStatus status;

    FpConvert(FpStatus status) {
        this.status = status;
    }

    /** Rounds a finite or infinite {@code v} to an integral value in mode {@code rm}. */
    static double roundIntegral(double v, int rm) {
        return switch (rm) {
            case RTZ -> v < 0 ? Math.ceil(v) : Math.floor(v);
            case RDN -> Math.floor(v);
            case RUP -> Math.ceil(v);
            case RMM -> {
                double m = Math.abs(v);
                if (m >= 0x1p52) {
                    yield v;
                }
                double t = Math.floor(m);
                yield Math.copySign(m - t >= 0.5 ? t + 1 : t, v);
            }
            default -> Math.rint(v);
        };
    }

    /** fcvt.w.*: a sign-extended 32-bit result. */
    long toInt32(double v, boolean nan, int rm) {
        if (nan) {
            return invalid(Integer.MAX_VALUE);
        }
        double r = roundIntegral(v, rm);
        if (r > Integer.MAX_VALUE) {
            return invalid(Integer.MAX_VALUE);
        }
        if (r < Integer.MIN_VALUE) {
            return invalid(Integer.MIN_VALUE);
        }
        return exactness(v, r, (int) r);
    }

    /** fcvt.wu.*: an unsigned 32-bit result, sign-extended to 64 bits as RV64 requires. */
    long toUint32(double v, boolean nan, int rm) {
        if (nan) {
            return invalid(-1);
        }
        double r = roundIntegral(v, rm);
        if (r < 0) {
            return invalid(0);
        }
        if (r > 0xFFFFFFFFL) {
            return invalid(-1);
        }
        return exactness(v, r, (int) (long) r);
    }

    long toInt64(double v, boolean nan, int rm) {
        if (nan) {
            return invalid(Long.MAX_VALUE);
        }
        double r = roundIntegral(v, rm);
        if (r >= 0x1p63) {
            return invalid(Long.MAX_VALUE);
        }
        if (r < -0x1p63) {
            return invalid(Long.MIN_VALUE);
        }
        return exactness(v, r, (long) r);
    }

    long toUint64(double v, boolean nan, int rm) {
        if (nan) {
            return invalid(-1);
        }
        double r = roundIntegral(v, rm);
        if (r < 0) {
            return invalid(0);
        }
        if (r >= 0x1p64) {
            return invalid(-1);
        }
        return exactness(v, r, r >= 0x1p63 ? (long) (r - 0x1p63) | Long.MIN_VALUE : (long) r);
    }

    private long invalid(long saturated) {
        status.raise(NV);
        return saturated;
    }

    private long exactness(double v, double r, long result) {
        if (r != v) {
            status.raise(NX);
        }
        return result;
    }

    /** An integer (signed, or unsigned 64-bit when {@code unsigned}) to binary64 bits. */
    long toDouble(long v, boolean unsigned, int rm) {
        if ((unsigned ? v >= 0 && v <= 1L << 53 : Math.abs(v) <= 1L << 53) && v != Long.MIN_VALUE) {
            return Double.doubleToRawLongBits((double) v);
        }
        return slow(SoftFloat.fromLong(v, unsigned, rm, Format.DOUBLE));
    }

    /** An integer (signed, or unsigned 64-bit when {@code unsigned}) to binary32 bits. */
    int toFloat(long v, boolean unsigned, int rm) {
        if ((unsigned ? v >= 0 && v <= 1L << 24 : Math.abs(v) <= 1L << 24) && v != Long.MIN_VALUE) {
            return Float.floatToRawIntBits((float) v);
        }
        return (int) slow(SoftFloat.fromLong(v, unsigned, rm, Format.SINGLE));
    }

    private long slow(Rounded r) {
        status.raise(r.flags());
        return r.bits();
    }

    /** feq (quiet: NV only for signalling NaNs), flt and fle (signalling: NV for any NaN). */
    long compare(double x, double y, boolean xNaN, boolean yNaN, boolean xSignaling, boolean ySignaling, int kind) {
        if (xNaN || yNaN) {
            if (kind != EQ || xSignaling || ySignaling) {
                status.raise(NV);
            }
            return 0;
        }
        boolean result =
                switch (kind) {
                    case EQ -> x == y;
                    case LT -> x < y;
                    default -> x <= y;
                };
        return result ? 1 : 0;
    }

    static final int LE = 0, LT = 1, EQ = 2;

    /**
     * fmin/fmax (spec 2.2 semantics): a NaN operand yields the other operand, two NaNs the canonical
     * NaN, signalling NaNs raise NV, and -0 is less than +0. Works on either width's raw bits.
     */
    long minMax(
            long a,
            long b,
            double x,
            double y,
            boolean aNaN,
            boolean bNaN,
            boolean signaling,
            long canonical,
            boolean max) {
        if (signaling) {
            status.raise(NV);
        }
        if (aNaN && bNaN) {
            return canonical;
        }
        if (aNaN || bNaN) {
            return aNaN ? b : a;
        }
        if (x == y) {
            boolean aNegative = Math.copySign(1.0, x) < 0;
            return max == aNegative ? b : a;
        }
        return (x > y) == max ? a : b;
    }

    /** fclass: one bit of ten, from the sign, whether it is a NaN, and its magnitude class. */
    static long classify(boolean negative, double magnitude, boolean nan, boolean signaling, double minNormal) {
        if (nan) {
            return signaling ? 1 << 8 : 1 << 9;
        }
        int bit;
        if (magnitude == Double.POSITIVE_INFINITY) {
            bit = 0;
        } else if (magnitude >= minNormal) {
            bit = 1;
        } else if (magnitude != 0) {
            bit = 2;
        } else {
            bit = 3;
        }
        return 1L << (negative ? bit : 7 - bit);
    }
}
