package org.visorfleet.grid.vm;

import java.math.BigInteger;

/**
 * Exact IEEE 754 arithmetic on finite operands, rounded once into binary32 or binary64 in any RISC-V
 * rounding mode, with the exception flags RISC-V defines (tininess is detected after rounding). Slow
 * (it allocates), so {@link FpArith} uses it only off its fast path: directed rounding modes it
 * cannot derive cheaply, results near the subnormal range, and large integer conversions. It is also
 * the oracle the fast path is tested against.
 *
 * <p>Operands are doubles; binary32 operands are passed widened, which is exact.
 */
final class SoftFloat {
    private SoftFloat() {}

    static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;
    static final int NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;

    /** A binary interchange format. */
    enum Format {
        SINGLE(24, -126, 127, 8),
        DOUBLE(53, -1022, 1023, 11);

        final int precision;
        final int emin;
        final int emax;
        final int expBits;

        Format(int precision, int emin, int emax, int expBits) {
            this.precision = precision;
            this.emin = emin;
            this.emax = emax;
            this.expBits = expBits;
        }

        long signBit() {
            return 1L << (precision + expBits - 1);
        }

        long zero(boolean negative) {
            return negative ? signBit() : 0;
        }

        long infinity(boolean negative) {
            return zero(negative) | (long) ((1 << expBits) - 1) << (precision - 1);
        }

        long maxFinite(boolean negative) {
            return infinity(negative) - 1;
        }
    }

    /** A rounded result: raw bits of the format and the exception flags raised. */
    record Rounded(long bits, int flags) {}

    /** An exact finite value {@code (-1)^negative * magnitude * 2^exponent}. */
    private record Exact(boolean negative, BigInteger magnitude, int exponent) {
        static Exact of(double d) {
            long bits = Double.doubleToRawLongBits(d);
            int biased = (int) (bits >>> 52) & 0x7FF;
            long fraction = bits & 0xFFFFFFFFFFFFFL;
            long mantissa = biased == 0 ? fraction : fraction | 1L << 52;
            return new Exact(bits < 0, BigInteger.valueOf(mantissa), (biased == 0 ? 1 : biased) - 1075);
        }

        BigInteger signed() {
            return negative ? magnitude.negate() : magnitude;
        }

        boolean isZero() {
            return magnitude.signum() == 0;
        }
    }

    static Rounded add(double a, double b, int rm, Format f) {
        return sum(Exact.of(a), Exact.of(b), rm, f);
    }

    static Rounded mul(double a, double b, int rm, Format f) {
        return round(product(Exact.of(a), Exact.of(b)), false, rm, f);
    }

    static Rounded fma(double a, double b, double c, int rm, Format f) {
        return sum(product(Exact.of(a), Exact.of(b)), Exact.of(c), rm, f);
    }

    /** {@code a / b} for finite {@code a} and finite non-zero {@code b}. */
    static Rounded div(double a, double b, int rm, Format f) {
        Exact x = Exact.of(a);
        Exact y = Exact.of(b);
        boolean negative = x.negative() != y.negative();
        if (x.isZero()) {
            return new Rounded(f.zero(negative), 0);
        }
        int k = Math.max(
                0, f.precision + 3 + y.magnitude().bitLength() - x.magnitude().bitLength());
        BigInteger[] qr = x.magnitude().shiftLeft(k).divideAndRemainder(y.magnitude());
        return round(new Exact(negative, qr[0], x.exponent() - y.exponent() - k), qr[1].signum() != 0, rm, f);
    }

    /** The square root of finite {@code a >= 0}. */
    static Rounded sqrt(double a, int rm, Format f) {
        Exact x = Exact.of(a);
        if (x.isZero()) {
            return new Rounded(f.zero(x.negative()), 0);
        }
        int shift = Math.max(0, 2 * (f.precision + 3) - x.magnitude().bitLength());
        if (((x.exponent() - shift) & 1) != 0) {
            shift++;
        }
        BigInteger scaled = x.magnitude().shiftLeft(shift);
        BigInteger root = scaled.sqrt();
        boolean sticky = !root.multiply(root).equals(scaled);
        return round(new Exact(false, root, (x.exponent() - shift) / 2), sticky, rm, f);
    }

    /** Rounds a finite double to format {@code f} (conversion). */
    static Rounded convert(double a, int rm, Format f) {
        return round(Exact.of(a), false, rm, f);
    }

    /** Converts a 64-bit integer, signed or unsigned, to format {@code f}. */
    static Rounded fromLong(long v, boolean unsigned, int rm, Format f) {
        boolean negative = !unsigned && v < 0;
        BigInteger magnitude = unsigned
                ? new BigInteger(Long.toUnsignedString(v))
                : BigInteger.valueOf(v).abs();
        return round(new Exact(negative, magnitude, 0), false, rm, f);
    }

    private static Exact product(Exact x, Exact y) {
        return new Exact(
                x.negative() != y.negative(), x.magnitude().multiply(y.magnitude()), x.exponent() + y.exponent());
    }

    private static Rounded sum(Exact x, Exact y, int rm, Format f) {
        if (x.isZero() && y.isZero()) {
            // IEEE 754 §6.3: equal signs keep their sign; opposite signs give +0, or -0 rounding down.
            boolean negative = x.negative() == y.negative() ? x.negative() : rm == RDN;
            return new Rounded(f.zero(negative), 0);
        }
        int e = Math.min(x.exponent(), y.exponent());
        BigInteger total = x.signed().shiftLeft(x.exponent() - e).add(y.signed().shiftLeft(y.exponent() - e));
        if (total.signum() == 0) {
            return new Rounded(f.zero(rm == RDN), 0);
        }
        return round(new Exact(total.signum() < 0, total.abs(), e), false, rm, f);
    }

    /**
     * Rounds {@code v} (plus, when {@code sticky}, a positive amount smaller than one unit of its
     * magnitude) to {@code f}. {@code v} must not be zero.
     */
    private static Rounded round(Exact v, boolean sticky, int rm, Format f) {
        if (v.isZero()) {
            return new Rounded(f.zero(v.negative()), sticky ? NX : 0);
        }
        int top = v.exponent() + v.magnitude().bitLength() - 1;
        int lsb = Math.max(top, f.emin) - (f.precision - 1);
        BigInteger[] q = new BigInteger[1];
        boolean inexact = roundAt(v, sticky, lsb, rm, q);
        long mantissa = q[0].longValueExact();
        if (mantissa == 1L << f.precision) {
            mantissa >>>= 1;
            lsb++;
        }
        int flags = inexact ? NX : 0;
        if (top < f.emin && inexact && tinyAfterRounding(v, sticky, top, rm, f)) {
            flags |= UF;
        }
        int resultTop = lsb + 63 - Long.numberOfLeadingZeros(mantissa);
        if (mantissa != 0 && resultTop > f.emax) {
            return new Rounded(overflow(v.negative(), rm, f), OF | NX);
        }
        long bits;
        if (mantissa >= 1L << (f.precision - 1)) {
            long biased = lsb + f.precision - 1 + (f.emax);
            bits = biased << (f.precision - 1) | (mantissa & ((1L << (f.precision - 1)) - 1));
        } else {
            bits = mantissa; // subnormal or zero: lsb is emin - (precision - 1)
        }
        return new Rounded(bits | f.zero(v.negative()), flags);
    }

    /**
     * Whether the value, rounded to the format's precision with an unbounded exponent range, is below
     * the smallest normal number (RISC-V detects tininess after rounding).
     */
    private static boolean tinyAfterRounding(Exact v, boolean sticky, int top, int rm, Format f) {
        if (top < f.emin - 1) {
            return true;
        }
        BigInteger[] q = new BigInteger[1];
        roundAt(v, sticky, top - (f.precision - 1), rm, q);
        return q[0].bitLength() <= f.precision;
    }

    /** Rounds |v| to a multiple of 2^lsb into {@code out[0]} (in units of 2^lsb); returns inexactness. */
    private static boolean roundAt(Exact v, boolean sticky, int lsb, int rm, BigInteger[] out) {
        int shift = lsb - v.exponent();
        BigInteger q;
        int halfCompare; // remainder versus half a unit: -1, 0, 1
        boolean inexact;
        if (shift <= 0) {
            q = v.magnitude().shiftLeft(-shift);
            inexact = sticky;
            halfCompare = -1;
        } else {
            q = v.magnitude().shiftRight(shift);
            BigInteger remainder = v.magnitude().subtract(q.shiftLeft(shift));
            int c = remainder.compareTo(BigInteger.ONE.shiftLeft(shift - 1));
            halfCompare = c == 0 && sticky ? 1 : c;
            inexact = sticky || remainder.signum() != 0;
        }
        boolean up = inexact
                && switch (rm) {
                    case RNE -> halfCompare > 0 || (halfCompare == 0 && q.testBit(0));
                    case RTZ -> false;
                    case RDN -> v.negative();
                    case RUP -> !v.negative();
                    default -> halfCompare >= 0;
                };
        out[0] = up ? q.add(BigInteger.ONE) : q;
        return inexact;
    }

    /** The result of an overflow: infinity or the largest finite number, by mode and sign. */
    static long overflow(boolean negative, int rm, Format f) {
        boolean toInfinity =
                switch (rm) {
                    case RTZ -> false;
                    case RDN -> negative;
                    case RUP -> !negative;
                    default -> true;
                };
        return toInfinity ? f.infinity(negative) : f.maxFinite(negative);
    }
}
