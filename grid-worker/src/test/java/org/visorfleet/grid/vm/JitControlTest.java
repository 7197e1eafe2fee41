package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visorfleet.grid.vm.Asm.*;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The interpreter's rules inside translated loops: precise faults, budget stops at the first block end
 * past the budget, self-modifying code with and without {@code fence.i}. Each program runs on a hart
 * that translates at once and on one that only interprets; both must end alike, and the translating
 * one must really have translated.
 */
class JitControlTest {
    private static final long CODE = TestMachine.CODE;
    private static final long DATA = TestMachine.DATA;

    /** Runs {@code program} on both harts with the same budgets; returns the translating machine. */
    private static Machine[] both(Asm program, int prot, Consumer<Hart> setup, long... budgets) {
        Machine interpreted = new Machine(Translator.OFF, program, prot, setup);
        Machine translated = new Machine(0, program, prot, setup);
        for (long budget : budgets) {
            Stop expected = interpreted.hart.run(budget);
            Stop actual = translated.hart.run(budget);
            assertEquals(expected, actual, "budget " + budget);
            assertEquals(interpreted.hart.pc(), translated.hart.pc(), "pc");
            assertEquals(interpreted.hart.instret(), translated.hart.instret(), "instret");
            for (int r = 0; r < 32; r++) {
                assertEquals(interpreted.hart.x(r), translated.hart.x(r), "x" + r);
            }
        }
        assertTrue(translated.hart.translator().regions() > 0, "nothing was translated");
        return new Machine[] {interpreted, translated};
    }

    private static final class Machine {
        final GuestMemory memory = new GuestMemory(16L << 20);
        final Hart hart;

        Machine(int threshold, Asm program, int prot, Consumer<Hart> setup) {
            hart = new Hart(memory, threshold);
            memory.map(DATA, TestMachine.DATA_SIZE, TestMachine.RW);
            memory.map(CODE, 0x1000, prot);
            memory.poke(CODE, program.bytes(), 0, program.size());
            hart.setPc(CODE);
            setup.accept(hart);
        }
    }

    @Test
    void aFaultInsideATranslatedLoopIsPrecise() {
        // x1 walks up through the data region 8 bytes a step, summing into x2, until it leaves it.
        Asm program = new Asm().code(ld(3, 1, 0), add(2, 2, 3), addi(1, 1, 8), addi(4, 4, 1), jal(0, -16));
        Machine[] m = both(program, TestMachine.RX, h -> h.setX(1, DATA), 10_000_000);
        Stop stop = m[1].hart.run(1);
        assertEquals(m[0].hart.run(1), stop, "a fault repeats");
        long steps = TestMachine.DATA_SIZE / 8;
        assertEquals(new Stop.Fault(GuestFault.Kind.LOAD, DATA + TestMachine.DATA_SIZE, CODE), stop);
        assertEquals(steps * 5, m[1].hart.instret(), "every full step retired, the faulting load not");
        assertEquals(steps, m[1].hart.x(4));
    }

    @Test
    void aDynamicRoundingModeMadeInvalidInsideALoopStopsAtTheInstruction() {
        // After 300 passes the loop writes 5 to frm; the fadd.d with dynamic rounding is then illegal.
        int faddDynamic = fp(0x01, DYN, 1, 2, 3);
        Asm program = new Asm()
                .code(faddDynamic, addi(4, 4, 1), addi(5, 0, 300), bne(4, 5, -12))
                .code(addi(6, 0, 5), csr(1, 0, 0x002, 6), jal(0, -24));
        Machine[] m = both(program, TestMachine.RX, h -> {}, 10_000);
        assertInstanceOf(Stop.IllegalInstruction.class, m[1].hart.run(10_000));
        assertEquals(m[0].hart.run(10_000), new Stop.IllegalInstruction(CODE, faddDynamic));
        assertEquals(m[0].hart.instret(), m[1].hart.instret());
    }

    @Test
    void budgetsStopTranslatedLoopsAtTheSameBlockEnds() {
        // An outer loop around an inner loop, with a call: x5 counts inner passes.
        Asm program = new Asm()
                .code(addi(3, 0, 37)) // 0: outer: x3 = 37
                .code(addi(5, 5, 1)) // 4: inner
                .code(addi(3, 3, -1)) // 8
                .code(bne(3, 0, -8)) // 12
                .code(jal(1, 12)) // 16: call 28
                .code(addi(2, 2, 1)) // 20
                .code(jal(0, -24)) // 24: back to the outer loop
                .code(addi(6, 6, 3)) // 28: the callee
                .code(jalr(0, 1, 0)); // 32: return
        long[] budgets = new long[200];
        for (int i = 0; i < budgets.length; i++) {
            budgets[i] = 1 + (i * 7919L) % 997;
        }
        both(program, TestMachine.RX, h -> {}, budgets);
    }

    /**
     * A loop patches the instruction after its store, which earlier passes executed (decoded); without
     * fence.i the old one still runs up to the next taken branch, with fence.i the new one runs at once.
     */
    private void patchAhead(boolean fenceI) {
        int patched = addi(7, 7, 100);
        Asm program = new Asm()
                .code(addi(4, 4, 1)) // 0: pass counter
                .code(addi(5, 0, 50)) // 4
                .code(blt(4, 5, 12)) // 8: the first 49 passes skip the store
                .code(sw(9, 8, 24)) // 12: patch instruction 24
                .code(fenceI ? FENCE_I : FENCE) // 16
                .code(addi(0, 0, 0)) // 20
                .code(addi(7, 7, 1)) // 24: patched to x7 += 100
                .code(addi(6, 0, 60)) // 28
                .code(bne(4, 6, -32)) // 32: 60 passes
                .code(ECALL);
        Machine[] m = both(
                program,
                TestMachine.RW | GuestMemory.PROT_EXEC,
                h -> {
                    h.setX(8, CODE);
                    h.setX(9, patched);
                },
                1_000_000);
        assertEquals(CODE + 40, m[1].hart.pc(), "ended at the ecall");
        long expected = fenceI ? 49 + 11 * 100 : 49 + 1 + 10 * 100;
        assertEquals(expected, m[1].hart.x(7));
    }

    @Test
    void selfModifyingCodeInATranslatedLoopTakesEffectAtTheNextJump() {
        patchAhead(false);
    }

    @Test
    void selfModifyingCodeInATranslatedLoopTakesEffectAtOnceAfterFenceI() {
        patchAhead(true);
    }
}
