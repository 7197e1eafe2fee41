package org.visorfleet.grid.vm;

/**
 * The M extension's edge cases (spec §13.2, table "Semantics for division by zero and division
 * overflow"): x / 0 = all ones, x % 0 = x, MIN / -1 = MIN, MIN % -1 = 0; W forms work on the low 32
 * bits and sign-extend their 32-bit result. Java's own {@code /} and {@code %} already give MIN and 0
 * for the overflow case; only division by zero needs spelling out.
 */
final class Alu {
    private Alu() {}

    static long mulhsu(long a, long b) {
        // b unsigned = b + 2^64 when negative, adding a * 2^64 to the product: a to its high half.
        return Math.multiplyHigh(a, b) + (b < 0 ? a : 0);
    }

    static long div(long a, long b) {
        return b == 0 ? -1 : a / b;
    }

    static long divu(long a, long b) {
        return b == 0 ? -1 : Long.divideUnsigned(a, b);
    }

    static long rem(long a, long b) {
        return b == 0 ? a : a % b;
    }

    static long remu(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    static long divw(long a, long b) {
        int x = (int) a;
        int y = (int) b;
        return y == 0 ? -1 : x / y;
    }

    static long divuw(long a, long b) {
        int x = (int) a;
        int y = (int) b;
        return y == 0 ? -1 : Integer.divideUnsigned(x, y);
    }

    static long remw(long a, long b) {
        int x = (int) a;
        int y = (int) b;
        return y == 0 ? x : x % y;
    }

    static long remuw(long a, long b) {
        int x = (int) a;
        int y = (int) b;
        return y == 0 ? x : Integer.remainderUnsigned(x, y);
    }
}
