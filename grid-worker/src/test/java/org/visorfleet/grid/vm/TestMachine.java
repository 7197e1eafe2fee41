package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A hart with a code region at {@link #CODE} and a read-write data region at {@link #DATA}, for tests. */
final class TestMachine {
    static final long CODE = 0x10000;
    static final long DATA = 0x40000;
    static final int DATA_SIZE = 0x10000;
    static final int RX = GuestMemory.PROT_READ | GuestMemory.PROT_EXEC;
    static final int RW = GuestMemory.PROT_READ | GuestMemory.PROT_WRITE;

    final GuestMemory memory = new GuestMemory(64L << 20);
    final Hart hart = new Hart(memory);

    TestMachine() {
        memory.map(DATA, DATA_SIZE, RW);
    }

    /** Maps {@code program} read-execute at {@link #CODE} and points the pc at it. */
    TestMachine load(Asm program) {
        return load(program, CODE, RX);
    }

    TestMachine load(Asm program, long at, int prot) {
        memory.map(at, Math.max(program.size(), 1), prot);
        memory.poke(at, program.bytes(), 0, program.size());
        if (hart.translator() != null && hart.translator().threshold() == 0) {
            hart.predecode(at, program.size()); // so that even code run once is translated
        }
        hart.setPc(at);
        return this;
    }

    Stop run() {
        return hart.run(10_000_000);
    }

    /** Runs {@code insns} followed by an ecall and checks that the run ends at that ecall. */
    Hart exec(int... insns) {
        Asm program = new Asm().code(insns).i32(Asm.ECALL);
        load(program);
        assertEquals(Stop.ECALL, run());
        assertEquals(CODE + program.size(), hart.pc());
        return hart;
    }

    /** Runs {@code insns} with integer registers preset from {@code regs} (x1, x2, ...), then ecall. */
    Hart execWith(long[] regs, int... insns) {
        for (int r = 0; r < regs.length; r++) {
            hart.setX(r + 1, regs[r]);
        }
        return exec(insns);
    }
}
