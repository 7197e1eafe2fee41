package org.visorfleet.grid.vm;

import static org.visorfleet.grid.vm.SoftFloat.*;

/**
 * binary32 arithmetic on raw bits (low 32 bits of an int) with RISC-V semantics. Operands are
 * widened to double, where products are exact and sums, quotients and roots carry a cheap exact
 * residual; rounding the double result to float is correct for these operations (53 >= 2*24 + 2,
 * so double rounding is innocuous), and the residual of the float result follows from both.
 */
final class Fp32 {
    static final int CANONICAL_NAN = 0x7fc00000;
    /** Below this magnitude a float result may be tiny: use the exact slow path. */
    private static final double SAFE_MIN = 0x1p-125;

    private final FpStatus status;

    Fp32(FpStatus status) {
        this.status = status;
    }

    static boolean isNaN(int a) {
        return (a & 0x7fffffff) > 0x7f800000;
    }

    static boolean isSignalingNaN(int a) {
        return isNaN(a) && (a & 0x00400000) == 0;
    }

    static double d(int bits) {
        return Float.intBitsToFloat(bits);
    }

    private static int bits(float f) {
        return Float.floatToRawIntBits(f);
    }

    private int invalid() {
        status.raise(NV);
        return CANONICAL_NAN;
    }

    private int nan(int a, int b) {
        if (isSignalingNaN(a) || isSignalingNaN(b)) {
            status.raise(NV);
        }
        return CANONICAL_NAN;
    }

    int add(int a, int b, int rm) {
        if (isNaN(a) || isNaN(b)) {
            return nan(a, b);
        }
        double x = d(a);
        double y = d(b);
        double s = x + y;
        if (Double.isNaN(s)) {
            return invalid();
        }
        if (Double.isInfinite(x) || Double.isInfinite(y)) {
            return bits((float) s);
        }
        if (s == 0) {
            return (a ^ b) >= 0 ? a & b & Integer.MIN_VALUE : rm == RDN ? Integer.MIN_VALUE : 0;
        }
        if (Math.abs(s) > Float.MAX_VALUE) {
            return slow(SoftFloat.add(x, y, rm, Format.SINGLE));
        }
        double bb = s - x;
        return finish(s, (x - (s - bb)) + (y - bb), rm);
    }

    int mul(int a, int b, int rm) {
        if (isNaN(a) || isNaN(b)) {
            return nan(a, b);
        }
        double x = d(a);
        double y = d(b);
        double p = x * y; // exact: 24 + 24 bits
        if (Double.isNaN(p)) {
            return invalid();
        }
        if (Double.isInfinite(x) || Double.isInfinite(y) || x == 0 || y == 0) {
            return bits((float) p);
        }
        if (Math.abs(p) < SAFE_MIN || Math.abs(p) > Float.MAX_VALUE) {
            return slow(SoftFloat.mul(x, y, rm, Format.SINGLE));
        }
        return finish(p, 0, rm);
    }

    int div(int a, int b, int rm) {
        if (isNaN(a) || isNaN(b)) {
            return nan(a, b);
        }
        double x = d(a);
        double y = d(b);
        boolean xInf = Double.isInfinite(x);
        boolean yInf = Double.isInfinite(y);
        if ((xInf && yInf) || (x == 0 && y == 0)) {
            return invalid();
        }
        if (y == 0 && !xInf) {
            status.raise(DZ);
        }
        double q = x / y;
        if (xInf || yInf || x == 0 || y == 0) {
            return bits((float) q);
        }
        if (Math.abs(q) < SAFE_MIN || Math.abs(q) > Float.MAX_VALUE) {
            return slow(SoftFloat.div(x, y, rm, Format.SINGLE));
        }
        double remainder = Math.fma(-q, y, x);
        return finish(q, y > 0 ? remainder : -remainder, rm);
    }

    int sqrt(int a, int rm) {
        if (isNaN(a)) {
            return nan(a, a);
        }
        double x = d(a);
        if (x == 0 || x == Double.POSITIVE_INFINITY) {
            return a;
        }
        if (x < 0) {
            return invalid();
        }
        double r = Math.sqrt(x); // >= 2^-75: never tiny
        return finish(r, Math.fma(-r, r, x), rm);
    }

    int fma(int a, int b, int c, int rm) {
        double x = d(a);
        double y = d(b);
        double z = d(c);
        boolean infTimesZero = (Double.isInfinite(x) && y == 0) || (x == 0 && Double.isInfinite(y));
        if (isNaN(a) || isNaN(b) || isNaN(c)) {
            return infTimesZero ? invalid() : nan(a, isSignalingNaN(b) ? b : c);
        }
        if (infTimesZero) {
            return invalid();
        }
        double p = x * y; // exact
        if (Double.isInfinite(p) || Double.isInfinite(z)) {
            double r = p + z;
            return Double.isNaN(r) ? invalid() : bits((float) r);
        }
        if (x == 0 || y == 0 || z == 0) {
            return slow(SoftFloat.fma(x, y, z, rm, Format.SINGLE));
        }
        float r = Math.fma(Float.intBitsToFloat(a), Float.intBitsToFloat(b), Float.intBitsToFloat(c));
        double s = p + z;
        // A zero result may be exact cancellation or underflow: either way the exact path decides.
        if (r == 0 || Math.abs(r) < SAFE_MIN || Math.abs(s) > Float.MAX_VALUE || Float.isInfinite(r)) {
            return slow(SoftFloat.fma(x, y, z, rm, Format.SINGLE));
        }
        double bb = s - p;
        double e = (p - (s - bb)) + (z - bb);
        return finishFrom(r, s, e, rm);
    }

    /** Rounds a finite double to binary32 ({@code fcvt.s.d}). */
    int fromDouble(long a, int rm) {
        if (Fp64.isNaN(a)) {
            if (Fp64.isSignalingNaN(a)) {
                status.raise(NV);
            }
            return CANONICAL_NAN;
        }
        double x = Double.longBitsToDouble(a);
        if (x == 0 || Double.isInfinite(x)) {
            return bits((float) x);
        }
        if (Math.abs(x) < SAFE_MIN || Math.abs(x) > Float.MAX_VALUE) {
            return slow(SoftFloat.convert(x, rm, Format.SINGLE));
        }
        return finish(x, 0, rm);
    }

    /**
     * Rounds {@code s + e} (exact, {@code |e| <= ulp(s)/2}, {@code |s| <= Float.MAX_VALUE}: callers
     * send larger values to the slow path, as directed modes may still not overflow) to binary32.
     */
    private int finish(double s, double e, int rm) {
        return finishFrom((float) s, s, e, rm);
    }

    /**
     * The final result from the round-to-nearest-even float {@code r} of the exact value {@code s +
     * e}, where {@code s} is a double near it and {@code |e| <= ulp(s)/2}. {@code s - r} is exact
     * (Sterbenz), and when not zero it is at least ulp(s), so it decides the residual's sign.
     */
    private int finishFrom(float r, double s, double e, int rm) {
        double diff = s - r;
        double residual = diff != 0 ? diff : e;
        if (residual == 0) {
            return bits(r);
        }
        status.raise(NX);
        boolean tie = e == 0 && Math.abs(diff) == Math.ulp(r) / 2.0;
        float adjusted =
                switch (rm) {
                    case RTZ -> (residual > 0) != (r > 0) ? (r > 0 ? Math.nextDown(r) : Math.nextUp(r)) : r;
                    case RDN -> residual < 0 ? Math.nextDown(r) : r;
                    case RUP -> residual > 0 ? Math.nextUp(r) : r;
                    case RMM -> tie && (residual > 0) == (r > 0) ? (r > 0 ? Math.nextUp(r) : Math.nextDown(r)) : r;
                    default -> r;
                };
        if (Float.isInfinite(adjusted)) {
            status.raise(OF);
        }
        return bits(adjusted);
    }

    private int slow(Rounded r) {
        status.raise(r.flags());
        return (int) r.bits();
    }
}
