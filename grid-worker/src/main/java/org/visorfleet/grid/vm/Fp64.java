package org.visorfleet.grid.vm;

import static org.visorfleet.grid.vm.SoftFloat.*;

/**
 * binary64 arithmetic on raw bits with RISC-V semantics: canonical NaN results, the five rounding
 * modes and accrued flags. Fast path: the JVM's round-to-nearest result plus an error-free
 * transformation giving the exact residual, from which inexactness and directed rounding follow.
 * Results near the subnormal range (where the residual might not be exact, or underflow must be
 * decided) go to {@link SoftFloat}.
 */
final class Fp64 {
    static final long CANONICAL_NAN = 0x7ff8000000000000L;
    /** Below this magnitude residuals may not be representable: use the exact slow path. */
    private static final double SAFE_MIN = 0x1p-900;

    private final FpStatus status;

    Fp64(FpStatus status) {
        this.status = status;
    }

    static boolean isNaN(long a) {
        return (a & 0x7fffffffffffffffL) > 0x7ff0000000000000L;
    }

    static boolean isSignalingNaN(long a) {
        return isNaN(a) && (a & 0x0008000000000000L) == 0;
    }

    private static double d(long bits) {
        return Double.longBitsToDouble(bits);
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    private long invalid() {
        status.raise(NV);
        return CANONICAL_NAN;
    }

    private long nan(long a, long b) {
        if (isSignalingNaN(a) || isSignalingNaN(b)) {
            status.raise(NV);
        }
        return CANONICAL_NAN;
    }

    long add(long a, long b, int rm) {
        if (isNaN(a) || isNaN(b)) {
            return nan(a, b);
        }
        double x = d(a);
        double y = d(b);
        double r = x + y;
        if (Double.isNaN(r)) {
            return invalid(); // inf - inf
        }
        if (Double.isInfinite(x) || Double.isInfinite(y)) {
            return bits(r);
        }
        if (r == 0) {
            // Exact zero: equal signs keep theirs; opposite signs give +0, or -0 rounding down.
            return (a ^ b) >= 0 ? a & b & Long.MIN_VALUE : rm == RDN ? Long.MIN_VALUE : 0;
        }
        if (Double.isInfinite(r)) {
            // Overflow in nearest mode; directed modes may still round to the largest finite number.
            return slow(SoftFloat.add(x, y, rm, Format.DOUBLE));
        }
        double bb = r - x;
        double e = (x - (r - bb)) + (y - bb);
        return finish(r, e, rm);
    }

    long mul(long a, long b, int rm) {
        if (isNaN(a) || isNaN(b)) {
            return nan(a, b);
        }
        double x = d(a);
        double y = d(b);
        double r = x * y;
        if (Double.isNaN(r)) {
            return invalid(); // 0 * inf
        }
        if (Double.isInfinite(x) || Double.isInfinite(y) || x == 0 || y == 0) {
            return bits(r);
        }
        if (Double.isInfinite(r) || Math.abs(r) < SAFE_MIN) {
            return slow(SoftFloat.mul(x, y, rm, Format.DOUBLE));
        }
        return finish(r, Math.fma(x, y, -r), rm);
    }

    long div(long a, long b, int rm) {
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
            return bits(q);
        }
        if (Double.isInfinite(q)
                || Math.abs(q) < SAFE_MIN
                || Math.abs(x) < SAFE_MIN
                || Math.abs(y) < Double.MIN_NORMAL) {
            return slow(SoftFloat.div(x, y, rm, Format.DOUBLE));
        }
        double remainder = Math.fma(-q, y, x); // exact here; its sign relative to y gives the direction
        // A quotient is never exactly halfway between two doubles, so RMM rounds like RNE, and the
        // remainder's magnitude (not the residual's) must not be mistaken for a tie.
        return finish(q, y > 0 ? remainder : -remainder, rm == RMM ? RNE : rm);
    }

    long sqrt(long a, int rm) {
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
        if (x < SAFE_MIN) {
            return slow(SoftFloat.sqrt(x, rm, Format.DOUBLE));
        }
        double r = Math.sqrt(x);
        return finish(r, Math.fma(-r, r, x), rm == RMM ? RNE : rm); // no ties, as for division
    }

    /** {@code a * b + c} rounded once; callers negate operands for fmsub/fnmadd/fnmsub. */
    long fma(long a, long b, long c, int rm) {
        double x = d(a);
        double y = d(b);
        double z = d(c);
        boolean infTimesZero = (Double.isInfinite(x) && y == 0) || (x == 0 && Double.isInfinite(y));
        if (isNaN(a) || isNaN(b) || isNaN(c)) {
            // The spec requires NV for inf * 0 even when the addend is a quiet NaN.
            return infTimesZero ? invalid() : nan(a, isSignalingNaN(b) ? b : c);
        }
        if (infTimesZero) {
            return invalid();
        }
        if (Double.isInfinite(x) || Double.isInfinite(y) || Double.isInfinite(z)) {
            double r = Math.fma(x, y, z);
            return Double.isNaN(r) ? invalid() : bits(r); // inf - inf is invalid
        }
        int ex = Math.getExponent(x);
        int ey = Math.getExponent(y);
        int ez = Math.getExponent(z);
        if (x == 0 || y == 0 || z == 0 || ex + ey < -900 || ex + ey > 900 || ez < -900 || ez > 900) {
            return slow(SoftFloat.fma(x, y, z, rm, Format.DOUBLE));
        }
        double r = Math.fma(x, y, z);
        if (r == 0) {
            return rm == RDN ? Long.MIN_VALUE : 0; // exact cancellation (no underflow in this range)
        }
        if (Math.abs(r) < SAFE_MIN) {
            return slow(SoftFloat.fma(x, y, z, rm, Format.DOUBLE));
        }
        // ErrFma (Boldo & Muller 2011): x*y + z = r + r2 + r3 exactly, |r3| <= ulp(r2)/2.
        double u1 = x * y;
        double u2 = Math.fma(x, y, -u1);
        double alpha1 = z + u2;
        double zz = twoSumError(z, u2, alpha1);
        double beta1 = u1 + alpha1;
        double beta2 = twoSumError(u1, alpha1, beta1);
        double gamma = (beta1 - r) + beta2;
        double r2 = gamma + zz;
        double r3 = zz - (r2 - gamma);
        return finish(r, r2 != 0 ? r2 : r3, r3 == 0 ? rm : (rm == RMM ? RNE : rm));
    }

    private static double twoSumError(double a, double b, double s) {
        double bb = s - a;
        return (a - (s - bb)) + (b - bb);
    }

    /**
     * The final result from the round-to-nearest-even result {@code r} (finite, normal, not zero; an
     * infinite nearest result goes to the slow path, as directed modes may not overflow) and
     * the exact residual {@code exact - r} (or any value of the same sign whose magnitude equals half
     * an ulp exactly when the exact value is a tie).
     */
    private long finish(double r, double residual, int rm) {
        if (residual == 0) {
            return bits(r);
        }
        status.raise(NX);
        double adjusted =
                switch (rm) {
                    case RTZ -> (residual > 0) != (r > 0) ? towardZero(r) : r;
                    case RDN -> residual < 0 ? Math.nextDown(r) : r;
                    case RUP -> residual > 0 ? Math.nextUp(r) : r;
                    case RMM ->
                        (residual > 0) == (r > 0) && Math.abs(residual) == Math.ulp(r) / 2 ? awayFromZero(r) : r;
                    default -> r;
                };
        if (Double.isInfinite(adjusted)) {
            status.raise(OF);
        }
        return bits(adjusted);
    }

    private static double towardZero(double r) {
        return r > 0 ? Math.nextDown(r) : Math.nextUp(r);
    }

    private static double awayFromZero(double r) {
        return r > 0 ? Math.nextUp(r) : Math.nextDown(r);
    }

    private long slow(Rounded r) {
        status.raise(r.flags());
        return r.bits();
    }
}
