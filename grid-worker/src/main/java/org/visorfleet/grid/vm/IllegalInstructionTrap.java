package org.visorfleet.grid.vm;

/**
 * Thrown inside the hart when an instruction turns out to be illegal only at run time (a dynamic
 * rounding mode while frm holds 5, 6 or 7). Preallocated and stackless; never escapes {@link Hart}.
 */
final class IllegalInstructionTrap extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final IllegalInstructionTrap INSTANCE = new IllegalInstructionTrap();

    private IllegalInstructionTrap() {
        super("illegal instruction", null, false, false);
    }
}
