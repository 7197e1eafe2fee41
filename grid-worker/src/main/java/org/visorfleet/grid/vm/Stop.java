package org.visorfleet.grid.vm;

/**
 * Why {@link Hart#run} returned. Every guest behaviour ends in one of these; none is an exception.
 */
public sealed interface Stop {
    /**
     * The guest executed {@code ecall}. The hart's pc already points past it and it counts as
     * retired; the caller serves the system call (a7, a0..a5) and calls {@code run} again.
     */
    record Ecall() implements Stop {}

    /** The guest executed {@code ebreak} (or {@code c.ebreak}) at {@code pc}; not retired, pc unchanged. */
    record Breakpoint(long pc) implements Stop {}

    /** The instruction at {@code pc} made an access it may not make; not retired, pc unchanged. */
    record Fault(GuestFault.Kind kind, long address, long pc) implements Stop {}

    /**
     * The instruction at {@code pc} is not one this hart implements ({@code bits}: its 16 or 32 raw
     * bits); not retired, pc unchanged.
     */
    record IllegalInstruction(long pc, int bits) implements Stop {}

    /** The instruction budget of this {@code run} call is used up; pc is the next instruction. */
    record BudgetExhausted() implements Stop {}

    Ecall ECALL = new Ecall();
    BudgetExhausted BUDGET_EXHAUSTED = new BudgetExhausted();
}
