package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.visorfleet.grid.vm.Asm.*;

import org.junit.jupiter.api.Test;

/** F/D behaviour beyond the qemu vectors: register moves, boxing, sign injection, the fcsr CSRs. */
class FloatInstructionTest {
    private static final long ONE_S = Fpu.box(0x3f800000);
    private final TestMachine m = new TestMachine();

    @Test
    void flwBoxesAndFswStoresTheLow32Bits() {
        m.memory.store32(TestMachine.DATA, 0x40490fdbL);
        m.hart.setF(2, 0x1234_5678_4000_0000L); // not a valid box: fsw still stores its low bits
        Hart h = m.execWith(new long[] {TestMachine.DATA}, flw(1, 1, 0), fsw(2, 1, 8));
        assertEquals(0xFFFF_FFFF_4049_0fdbL, h.f(1));
        assertEquals(0x4000_0000L, m.memory.load32(TestMachine.DATA + 8));
    }

    @Test
    void fmvMovesBitsWithoutTouchingThem() {
        m.hart.setF(1, Fpu.box(0x7f800001)); // a signalling NaN
        Hart h = m.execWith(
                new long[] {0x1234_5678_8000_0001L},
                fp(0x70, 0, 2, 1, 0), // fmv.x.w x2, f1
                fp(0x78, 0, 3, 1, 0), // fmv.w.x f3, x1
                fp(0x79, 0, 4, 1, 0), // fmv.d.x f4, x1
                fp(0x71, 0, 5, 4, 0)); // fmv.x.d x5, f4
        assertEquals(0x7f800001L, h.x(2));
        assertEquals(0xFFFF_FFFF_8000_0001L, h.f(3));
        assertEquals(0x1234_5678_8000_0001L, h.f(4));
        assertEquals(0x1234_5678_8000_0001L, h.x(5));
        assertEquals(0, h.fcsr(), "moves raise no flags");
    }

    @Test
    void signInjectionWorksOnRawBitsAndUnboxesSingles() {
        m.hart.setF(1, Fpu.box(0x3f800000)); // 1.0f
        m.hart.setF(2, Fpu.box(0xc0000000)); // -2.0f
        m.hart.setF(3, 0x3ff0000000000000L); // not boxed: reads as the canonical NaN
        m.hart.setF(4, 0xfff8000000000001L); // a negative double NaN
        Hart h = m.exec(
                fp(0x10, 0, 10, 1, 2), // fsgnj.s: 1 with sign of -2 = -1
                fp(0x10, 1, 11, 2, 2), // fsgnjn.s: fneg(-2) = 2
                fp(0x10, 2, 12, 2, 2), // fsgnjx.s: fabs(-2) = 2
                fp(0x10, 0, 13, 3, 1), // fsgnj.s of an unboxed value: canonical NaN, positive
                fp(0x11, 2, 14, 4, 4), // fsgnjx.d: fabs of a NaN keeps the payload
                fp(0x11, 1, 15, 1, 1)); // fsgnjn.d of a boxed single: flips bit 63 of the raw bits
        assertEquals(Fpu.box(0xbf800000), h.f(10));
        assertEquals(Fpu.box(0x40000000), h.f(11));
        assertEquals(Fpu.box(0x40000000), h.f(12));
        assertEquals(Fpu.box(0x7fc00000), h.f(13));
        assertEquals(0x7ff8000000000001L, h.f(14));
        assertEquals(0x7FFF_FFFF_3f80_0000L, h.f(15));
        assertEquals(0, h.fcsr());
    }

    @Test
    void flagsAccumulateAndTheFcsrCsrsShareThem() {
        m.hart.setF(1, ONE_S);
        m.hart.setF(2, Fpu.box(0)); // +0
        m.hart.setF(3, Fpu.box(0x40400000)); // 3
        Hart h = m.exec(
                fp(0x0C, RNE, 10, 1, 2), // 1/0: DZ
                fp(0x0C, RNE, 11, 1, 3), // 1/3: NX
                fp(0x0C, RNE, 12, 2, 2), // 0/0: NV
                csr(2, 5, 0x001, 0), // frflags x5
                csr(2, 6, 0x003, 0), // frcsr x6
                csr(6, 7, 0x002, 3), // csrrsi frm |= 3 -> RUP, x7 = old frm 0
                fp(0x0C, DYN, 13, 1, 3), // 1/3 rounded up dynamically
                csr(7, 8, 0x001, 31), // csrrci fflags: clear all, x8 = old
                csr(2, 9, 0x003, 0)); // frcsr
        assertEquals(0x10 | 0x08 | 0x01, h.x(5));
        assertEquals(0x19, h.x(6));
        assertEquals(0, h.x(7));
        assertEquals(Fpu.box(0x3eaaaaab), h.f(11));
        assertEquals(Fpu.box(0x3eaaaaab), h.f(13), "RNE and RUP agree here");
        assertEquals(0x19, h.x(8));
        assertEquals(3 << 5, h.x(9));
    }

    @Test
    void dynamicRoundingFollowsFrm() {
        m.hart.setF(1, Fpu.box(0x3f800000));
        m.hart.setF(2, Fpu.box(0x40400000));
        m.hart.setX(1, RTZ);
        Hart h = m.exec(csr(1, 0, 0x002, 1), fp(0x0C, DYN, 10, 1, 2)); // fsrm RTZ; fdiv.s
        assertEquals(Fpu.box(0x3eaaaaaa), h.f(10));
    }

    @Test
    void fcvtOfMinusHalfDependsOnTheRoundingMode() {
        m.hart.setF(1, 0xbfe0000000000000L); // -0.5
        Hart h = m.exec(
                fp(0x61, RTZ, 10, 1, 0), // fcvt.w.d rtz -> 0
                fp(0x61, RNE, 11, 1, 0), // rne -> -0 -> 0 (ties to even)
                fp(0x61, RDN, 12, 1, 0), // rdn -> -1
                fp(0x61, RMM, 13, 1, 0), // rmm -> -1
                fp(0x61, RTZ, 14, 1, 1)); // fcvt.wu.d rtz -> 0, only inexact
        assertEquals(0, h.x(10));
        assertEquals(0, h.x(11));
        assertEquals(-1, h.x(12));
        assertEquals(-1, h.x(13));
        assertEquals(0, h.x(14));
        assertEquals(0x01, h.fcsr() & 31, "all inexact, none invalid (wu of -0.5 rtz is 0, in range)");
    }
}
