package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.visorfleet.grid.vm.Asm.*;

import org.junit.jupiter.api.Test;

class HartControlTest {
    private static final long CODE = TestMachine.CODE;
    private final TestMachine m = new TestMachine();

    /** x1 counts to x3 in a 3-instruction loop, then ecall. */
    private static Asm countingLoop() {
        return new Asm().code(addi(1, 1, 1), addi(2, 2, 2), bne(1, 3, -8), ECALL);
    }

    @Test
    void budgetIsCheckedAtBlockEndsAndInstretIsExact() {
        m.hart.setX(3, 1000);
        m.load(countingLoop());
        assertEquals(Stop.BUDGET_EXHAUSTED, m.hart.run(10));
        assertEquals(12, m.hart.instret(), "stops at the first block end with >= 10 retired");
        assertEquals(4, m.hart.x(1));
        assertEquals(CODE, m.hart.pc(), "at the branch target");
        assertEquals(Stop.ECALL, m.run());
        assertEquals(3001, m.hart.instret());
        assertEquals(1000, m.hart.x(1));
    }

    @Test
    void slicingARunDoesNotChangeItsResult() {
        for (int slice : new int[] {1, 2, 3, 7, 100}) {
            TestMachine t = new TestMachine();
            t.hart.setX(3, 500);
            t.load(countingLoop());
            Stop stop;
            int runs = 0;
            while ((stop = t.hart.run(slice)) == Stop.BUDGET_EXHAUSTED) {
                runs++;
            }
            assertEquals(Stop.ECALL, stop);
            assertEquals(1501, t.hart.instret(), "slice " + slice);
            assertEquals(1000, t.hart.x(2));
            assertEquals(Math.ceilDiv(1500, Math.ceilDiv(slice, 3) * 3) - 1, runs, "slice " + slice);
        }
    }

    @Test
    void aFaultMidBlockRetiresExactlyTheInstructionsBeforeIt() {
        m.hart.setX(5, 0x7000_0000L);
        m.load(new Asm().code(addi(1, 0, 1), addi(2, 0, 2), ld(3, 5, 8), addi(4, 0, 4), ECALL));
        Stop stop = m.run();
        assertEquals(new Stop.Fault(GuestFault.Kind.LOAD, 0x7000_0008L, CODE + 8), stop);
        assertEquals(2, m.hart.instret());
        assertEquals(CODE + 8, m.hart.pc());
        assertEquals(0, m.hart.x(4));
    }

    @Test
    void fetchingFromANonExecutablePageFaults() {
        m.hart.setX(1, TestMachine.DATA);
        m.load(new Asm().code(jalr(0, 1, 0)));
        assertEquals(new Stop.Fault(GuestFault.Kind.FETCH, TestMachine.DATA, TestMachine.DATA), m.run());
        assertEquals(1, m.hart.instret(), "the jump retired");
        TestMachine t = new TestMachine();
        t.hart.setPc(0x9999_0000L);
        assertEquals(new Stop.Fault(GuestFault.Kind.FETCH, 0x9999_0000L, 0x9999_0000L), t.run());
    }

    @Test
    void allZeroHalfwordIsIllegal() {
        m.load(new Asm().code(addi(1, 0, 1)).c16(0));
        assertEquals(new Stop.IllegalInstruction(CODE + 4, 0), m.run());
        assertEquals(1, m.hart.instret());
        assertEquals(CODE + 4, m.hart.pc());
    }

    @Test
    void unknownOrReadOnlyCsrsAreIllegalButReadingCountersIsNot() {
        int mstatus = csr(2, 1, 0x300, 0);
        m.load(new Asm().code(mstatus));
        assertEquals(new Stop.IllegalInstruction(CODE, mstatus), m.run());
        int writeCycle = csr(1, 0, 0xC00, 1);
        TestMachine t = new TestMachine();
        t.load(new Asm().code(writeCycle));
        assertEquals(new Stop.IllegalInstruction(CODE, writeCycle), t.run());
        int setBitsOfInstret = csr(2, 0, 0xC02, 1);
        TestMachine u = new TestMachine();
        u.load(new Asm().code(setBitsOfInstret));
        assertInstanceOf(Stop.IllegalInstruction.class, u.run());
    }

    @Test
    void countersAreVirtualAndDeterministic() {
        m.hart.setX(3, 1000);
        Asm program = new Asm()
                .code(addi(1, 1, 1), addi(2, 2, 2), bne(1, 3, -8)) // 3000 instructions
                .code(csr(2, 5, 0xC02, 0), csr(2, 6, 0xC00, 0), csr(2, 7, 0xC01, 0), ECALL);
        m.load(program);
        assertEquals(Stop.ECALL, m.run());
        assertEquals(3000, m.hart.x(5), "instret counts instructions retired before the read");
        assertEquals(3001, m.hart.x(6), "cycle = instret");
        assertEquals(30, m.hart.x(7), "time = instret / 100");
    }

    @Test
    void ebreakStopsWithoutRetiring() {
        m.load(new Asm().code(addi(1, 0, 1), EBREAK));
        assertEquals(new Stop.Breakpoint(CODE + 4), m.run());
        assertEquals(1, m.hart.instret());
        assertEquals(CODE + 4, m.hart.pc());
    }

    @Test
    void fenceIsANoOpAndEcallResumesAfterItself() {
        m.load(new Asm().code(FENCE, ECALL, addi(1, 0, 7), ECALL));
        assertEquals(Stop.ECALL, m.run());
        assertEquals(CODE + 8, m.hart.pc());
        assertEquals(Stop.ECALL, m.run());
        assertEquals(7, m.hart.x(1));
        assertEquals(4, m.hart.instret());
    }

    /**
     * Patches the first instruction of a loop after it has been decoded, then jumps back to it. With
     * or without fence.i the patched instruction runs on the next pass.
     */
    private void selfModifying(boolean fenceI) {
        int patched = addi(5, 0, 2);
        Asm program = new Asm()
                .code(addi(5, 0, 1)) // 0: patched to x5 = 2
                .code(bne(6, 0, 24)) // 4: second pass: exit
                .code(addi(6, 0, 1)) // 8
                .code(sw(7, 8, 0)) // 12: patch instruction 0
                .code(fenceI ? FENCE_I : FENCE) // 16
                .code(jal(0, -20)) // 20: back to 0
                .code(ECALL, ECALL); // 24, 28
        m.hart.setX(7, patched);
        m.hart.setX(8, CODE);
        m.load(program, CODE, TestMachine.RW | GuestMemory.PROT_EXEC);
        assertEquals(Stop.ECALL, m.run());
        assertEquals(2, m.hart.x(5));
    }

    @Test
    void selfModifyingCodeWithFenceI() {
        selfModifying(true);
    }

    @Test
    void selfModifyingCodeWithoutFenceITakesEffectAtTheNextJump() {
        selfModifying(false);
    }

    @Test
    void hostPokeDropsDecodedCode() {
        m.load(new Asm().code(addi(1, 0, 1), ECALL));
        assertEquals(Stop.ECALL, m.run());
        byte[] patch = new Asm().code(addi(1, 0, 9)).bytes();
        m.memory.poke(CODE, patch, 0, 4);
        m.hart.setPc(CODE);
        assertEquals(Stop.ECALL, m.run());
        assertEquals(9, m.hart.x(1));
    }

    @Test
    void anInstructionStraddlingTwoPagesRunsAndSeesChangesToEitherPage() {
        long start = CODE + 0xFFA;
        Asm program = new Asm().code(addi(1, 0, 5), addi(2, 0, 7), ECALL); // the second at 0xFFE..0x1001
        m.memory.map(CODE, 0x2000, TestMachine.RX);
        m.memory.poke(start, program.bytes(), 0, program.size());
        m.hart.setPc(start);
        assertEquals(Stop.ECALL, m.run());
        assertEquals(7, m.hart.x(2));
        byte[] upper = new Asm().code(addi(2, 0, 0x555)).bytes();
        m.memory.poke(CODE + 0x1000, upper, 2, 2); // only the half in the second page
        m.hart.setPc(start);
        assertEquals(Stop.ECALL, m.run());
        assertEquals(0x555, m.hart.x(2));
        m.memory.protect(CODE + 0x1000, 0x1000, GuestMemory.PROT_READ);
        m.hart.setPc(start);
        assertEquals(new Stop.Fault(GuestFault.Kind.FETCH, CODE + 0x1000, start + 4), m.run());
    }

    @Test
    void fallingOffTheEndOfAPageContinuesOnTheNext() {
        m.memory.map(CODE, 0x2000, TestMachine.RX);
        Asm program = new Asm().code(addi(1, 1, 1), addi(1, 1, 1), addi(1, 1, 1), ECALL);
        m.memory.poke(CODE + 0xFF8, program.bytes(), 0, program.size());
        m.hart.setPc(CODE + 0xFF8);
        assertEquals(Stop.ECALL, m.run());
        assertEquals(3, m.hart.x(1));
    }

    @Test
    void dynamicRoundingWithAnInvalidFrmIsIllegal() {
        int faddDynamic = fp(0x00, DYN, 1, 2, 3);
        m.hart.setFcsr(5 << 5);
        m.load(new Asm().code(faddDynamic));
        assertEquals(new Stop.IllegalInstruction(CODE, faddDynamic), m.run());
        int reservedStatic = fp(0x00, 5, 1, 2, 3);
        TestMachine t = new TestMachine();
        t.load(new Asm().code(reservedStatic));
        assertEquals(new Stop.IllegalInstruction(CODE, reservedStatic), t.run());
    }

    @Test
    void hostMisuseThrows() {
        assertThrows(IllegalArgumentException.class, () -> m.hart.run(0));
        assertThrows(IndexOutOfBoundsException.class, () -> m.hart.x(32));
        assertThrows(IllegalArgumentException.class, () -> m.hart.setPc(0x10001));
        m.hart.setX(0, 5);
        assertEquals(0, m.hart.x(0));
    }
}
