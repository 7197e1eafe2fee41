package org.visorfleet.grid.linux;

/**
 * The hart state a system call sees: integer registers (x10..x15 = a0..a5 arguments, x17 = a7
 * number, the result goes to a0) and the retired-instruction count that drives the clock.
 */
public interface Registers {
    long x(int index);

    void setX(int index, long value);

    /** Instructions retired so far in this process (monotonic, starts at 0). */
    long instret();
}
