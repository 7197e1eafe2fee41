package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast paths of {@link Fp64} and {@link Fp32} against the exact {@link SoftFloat} on random
 * finite operands chosen to hit ties, cancellation, overflow and the subnormal range, in all modes.
 */
class FpFastPathTest {
    private static final long SEED = 0x5EED_F00DL;
    private static final int ROUNDS = 20_000;

    private static double randomDouble(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> Double.longBitsToDouble(r.nextLong()); // anything, incl. NaN/inf: filtered below
            case 1 -> (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(1 << 20) * 0x1p-52); // near one, few bits
            case 2 -> Math.scalb(r.nextDouble() + 0.5, r.nextInt(-1074, -900)); // tiny
            case 3 -> Math.scalb(r.nextDouble() + 0.5, r.nextInt(900, 1024)); // huge
            case 4 -> r.nextInt(-1000, 1000) / 8.0;
            default -> Math.scalb(r.nextDouble() - 0.5, r.nextInt(-60, 60));
        };
    }

    @Test
    void binary64MatchesTheExactPath() {
        SplittableRandom random = new SplittableRandom(SEED);
        FpStatus status = new FpStatus();
        Fp64 fast = new Fp64(status);
        for (int i = 0; i < ROUNDS; i++) {
            double a = randomDouble(random);
            double b = randomDouble(random);
            double c = randomDouble(random);
            if (!Double.isFinite(a) || !Double.isFinite(b) || !Double.isFinite(c)) {
                continue;
            }
            int rm = random.nextInt(5);
            String where = "seed " + Long.toHexString(SEED) + " a=" + a + " b=" + b + " c=" + c + " rm=" + rm;
            long ba = Double.doubleToRawLongBits(a);
            long bb = Double.doubleToRawLongBits(b);
            long bc = Double.doubleToRawLongBits(c);
            check(status, fast.add(ba, bb, rm), SoftFloat.add(a, b, rm, SoftFloat.Format.DOUBLE), "add " + where);
            check(status, fast.mul(ba, bb, rm), SoftFloat.mul(a, b, rm, SoftFloat.Format.DOUBLE), "mul " + where);
            check(
                    status,
                    fast.fma(ba, bb, bc, rm),
                    SoftFloat.fma(a, b, c, rm, SoftFloat.Format.DOUBLE),
                    "fma " + where);
            if (b != 0) {
                check(status, fast.div(ba, bb, rm), SoftFloat.div(a, b, rm, SoftFloat.Format.DOUBLE), "div " + where);
            }
            if (a >= 0) {
                check(status, fast.sqrt(ba, rm), SoftFloat.sqrt(a, rm, SoftFloat.Format.DOUBLE), "sqrt " + where);
            }
        }
    }

    @Test
    void binary32MatchesTheExactPath() {
        SplittableRandom random = new SplittableRandom(SEED);
        FpStatus status = new FpStatus();
        Fp32 fast = new Fp32(status);
        for (int i = 0; i < ROUNDS; i++) {
            float a = randomFloat(random);
            float b = randomFloat(random);
            float c = randomFloat(random);
            if (!Float.isFinite(a) || !Float.isFinite(b) || !Float.isFinite(c)) {
                continue;
            }
            int rm = random.nextInt(5);
            String where = "seed " + Long.toHexString(SEED) + " a=" + a + " b=" + b + " c=" + c + " rm=" + rm;
            int ba = Float.floatToRawIntBits(a);
            int bb = Float.floatToRawIntBits(b);
            int bc = Float.floatToRawIntBits(c);
            var single = SoftFloat.Format.SINGLE;
            check32(status, fast.add(ba, bb, rm), SoftFloat.add(a, b, rm, single), "add " + where);
            check32(status, fast.mul(ba, bb, rm), SoftFloat.mul(a, b, rm, single), "mul " + where);
            check32(status, fast.fma(ba, bb, bc, rm), SoftFloat.fma(a, b, c, rm, single), "fma " + where);
            if (b != 0) {
                check32(status, fast.div(ba, bb, rm), SoftFloat.div(a, b, rm, single), "div " + where);
            }
            if (a >= 0) {
                check32(status, fast.sqrt(ba, rm), SoftFloat.sqrt(a, rm, single), "sqrt " + where);
            }
            double d = randomDouble(random);
            if (Double.isFinite(d)) {
                check32(
                        status,
                        fast.fromDouble(Double.doubleToRawLongBits(d), rm),
                        SoftFloat.convert(d, rm, single),
                        "cvt " + d + " rm " + rm);
            }
        }
    }

    private static float randomFloat(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> Float.intBitsToFloat(r.nextInt());
            case 1 -> (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(1 << 10) * 0x1p-23f);
            case 2 -> Math.scalb((float) r.nextDouble() + 0.5f, r.nextInt(-149, -100));
            case 3 -> Math.scalb((float) r.nextDouble() + 0.5f, r.nextInt(100, 128));
            default -> Math.scalb((float) r.nextDouble() - 0.5f, r.nextInt(-30, 30));
        };
    }

    private static void check(FpStatus status, long fastBits, SoftFloat.Rounded exact, String where) {
        int flags = status.flags;
        status.flags = 0;
        assertEquals(Long.toHexString(exact.bits()), Long.toHexString(fastBits), where);
        assertEquals(exact.flags(), flags, "flags " + where);
    }

    private static void check32(FpStatus status, int fastBits, SoftFloat.Rounded exact, String where) {
        int flags = status.flags;
        status.flags = 0;
        assertEquals(Long.toHexString(exact.bits()), Integer.toHexString(fastBits), where);
        assertEquals(exact.flags(), flags, "flags " + where);
    }
}
