package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.visorfleet.grid.vm.Asm.*;

import org.junit.jupiter.api.Test;

class AtomicInstructionTest {
    private static final long DATA = TestMachine.DATA;
    private final TestMachine m = new TestMachine();

    @Test
    void scSucceedsAfterAMatchingLr() {
        m.memory.store32(DATA, 5);
        Hart h = m.execWith(new long[] {DATA, 9}, lrW(3, 1), scW(4, 1, 2));
        assertEquals(5, h.x(3));
        assertEquals(0, h.x(4), "0 = success");
        assertEquals(9, m.memory.load32(DATA));
    }

    @Test
    void scFailsWithoutAnLrAndLeavesMemoryAlone() {
        m.memory.store64(DATA, 5);
        Hart h = m.execWith(new long[] {DATA, 9}, scD(4, 1, 2));
        assertEquals(1, h.x(4));
        assertEquals(5, m.memory.load64(DATA));
    }

    @Test
    void scFailsForAnotherAddressOrSizeAndASecondScFails() {
        Hart h = m.execWith(
                new long[] {DATA, 9, DATA + 8},
                lrD(5, 1),
                scD(4, 3, 2), // other address: fails, clears the reservation
                scD(6, 1, 2), // no reservation left: fails
                lrW(5, 1),
                scD(7, 1, 2), // other size: fails
                lrD(5, 1),
                scD(8, 1, 2), // succeeds
                scD(9, 1, 2)); // reservation consumed: fails
        assertEquals(1, h.x(4));
        assertEquals(1, h.x(6));
        assertEquals(1, h.x(7));
        assertEquals(0, h.x(8));
        assertEquals(1, h.x(9));
    }

    @Test
    void anEcallClearsTheReservation() {
        m.hart.setX(1, DATA);
        m.load(new Asm().code(lrW(5, 1), ECALL, scW(4, 1, 2), ECALL));
        assertEquals(Stop.ECALL, m.run());
        assertEquals(Stop.ECALL, m.run());
        assertEquals(1, m.hart.x(4));
    }

    @Test
    void amoMinMaxAreSignedOrUnsignedAndWordResultsSignExtend() {
        // funct5: min 0x10, max 0x14, minu 0x18, maxu 0x1C, add 0x00, swap 0x01
        m.memory.store32(DATA, 0xFFFF_FFFEL); // -2 as a word
        Hart h = m.execWith(
                new long[] {DATA, 3},
                amo(0x10, 2, 3, 1, 2), // amomin.w: min(-2, 3) = -2, x3 = old -2
                amo(0x18, 2, 4, 1, 2), // amominu.w: min(0xfffffffe, 3) = 3
                amo(0x14, 2, 5, 1, 0), // amomax.w with 0: max(3, 0) = 3
                amo(0x1C, 2, 6, 1, 7)); // amomaxu.w with x7 = 0: 3
        assertEquals(-2, h.x(3), "old value sign-extended");
        assertEquals(-2, h.x(4));
        assertEquals(3, h.x(5));
        assertEquals(3, m.memory.load32(DATA));

        TestMachine d = new TestMachine();
        d.memory.store64(DATA, -5);
        Hart hd = d.execWith(
                new long[] {DATA, 7},
                amo(0x14, 3, 3, 1, 2), // amomax.d: max(-5, 7) = 7
                amo(0x1C, 3, 4, 1, 5), // amomaxu.d with x5 = -1 (set below? no: 0) -> max(7, 0) = 7
                amo(0x00, 3, 6, 1, 2), // amoadd.d: 14
                amo(0x01, 3, 8, 1, 0)); // amoswap.d with x0: 0
        assertEquals(-5, hd.x(3));
        assertEquals(7, hd.x(4));
        assertEquals(7, hd.x(6));
        assertEquals(14, hd.x(8));
        assertEquals(0, d.memory.load64(DATA));
    }

    @Test
    void unsignedAmoComparesAllSixtyFourBits() {
        m.memory.store64(DATA, -1);
        Hart h = m.execWith(new long[] {DATA, 1}, amo(0x18, 3, 3, 1, 2)); // amominu.d(2^64-1, 1) = 1
        assertEquals(-1, h.x(3));
        assertEquals(1, m.memory.load64(DATA));
    }

    @Test
    void misalignedAtomicsFault() {
        m.hart.setX(1, DATA + 2);
        m.load(new Asm().code(amo(0x00, 2, 3, 1, 2), ECALL));
        assertEquals(new Stop.Fault(GuestFault.Kind.STORE, DATA + 2, TestMachine.CODE), m.run());
    }
}
