package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.visorfleet.grid.vm.Asm.*;

import org.junit.jupiter.api.Test;

class IntegerInstructionTest {
    private static final long MIN = Long.MIN_VALUE;

    private final TestMachine m = new TestMachine();

    /** Runs one instruction with x1 = a, x2 = b and returns x3. */
    private long binary(int insn, long a, long b) {
        return new TestMachine().execWith(new long[] {a, b}, insn).x(3);
    }

    @Test
    void divisionByZeroAndOverflowFollowTheSpecTable() {
        assertEquals(-1, binary(mulDiv(4, 3, 1, 2), 7, 0), "div by 0 = all ones");
        assertEquals(-1, binary(mulDiv(5, 3, 1, 2), 7, 0), "divu by 0 = 2^64-1");
        assertEquals(7, binary(mulDiv(6, 3, 1, 2), 7, 0), "rem by 0 = dividend");
        assertEquals(-7, binary(mulDiv(7, 3, 1, 2), -7, 0), "remu by 0 = dividend");
        assertEquals(MIN, binary(mulDiv(4, 3, 1, 2), MIN, -1), "MIN / -1 = MIN");
        assertEquals(0, binary(mulDiv(6, 3, 1, 2), MIN, -1), "MIN % -1 = 0");
        assertEquals(-2, binary(mulDiv(4, 3, 1, 2), -7, 3), "div truncates toward zero");
        assertEquals(-1, binary(mulDiv(6, 3, 1, 2), -7, 3), "rem has the dividend's sign");
    }

    @Test
    void wordDivisionSignExtendsItsResults() {
        assertEquals(-1, binary(mulDivW(4, 3, 1, 2), 0x1234_0000_0007L, 0x5_0000_0000L), "divw by (low) 0");
        assertEquals(Integer.MIN_VALUE, binary(mulDivW(4, 3, 1, 2), Integer.MIN_VALUE, -1), "divw overflow");
        assertEquals(0, binary(mulDivW(6, 3, 1, 2), Integer.MIN_VALUE, -1), "remw overflow");
        assertEquals(-1, binary(mulDivW(5, 3, 1, 2), 5, 0), "divuw by 0");
        assertEquals(0xFFFF_FFFF_8000_0000L, binary(mulDivW(7, 3, 1, 2), 0x8000_0000L, 0), "remuw by 0, sign-extended");
        assertEquals(0x7FFF_FFFFL, binary(mulDivW(5, 3, 1, 2), 0xFFFF_FFFEL, 2), "divuw");
        assertEquals(0xFFFF_FFFF_8000_0000L, binary(mulDivW(5, 3, 1, 2), 0x8000_0000L, 1), "divuw sign-extends");
    }

    @Test
    void highMultipliesCoverAllSignCombinations() {
        assertEquals(-1, binary(mulDiv(1, 3, 1, 2), -1, 1), "mulh");
        assertEquals(0, binary(mulDiv(3, 3, 1, 2), -1, 1), "mulhu");
        assertEquals(-2, binary(mulDiv(3, 3, 1, 2), -1, -1), "mulhu (2^64-1)^2");
        assertEquals(-1, binary(mulDiv(2, 3, 1, 2), -1, -1), "mulhsu -1 * (2^64-1)");
        assertEquals(0, binary(mulDiv(2, 3, 1, 2), 1, -1), "mulhsu 1 * (2^64-1)");
        assertEquals(1L << 62, binary(mulDiv(1, 3, 1, 2), MIN, MIN), "mulh MIN*MIN = 2^126");
        assertEquals(0xFFFF_FFFF_8000_0000L, binary(mulDivW(0, 3, 1, 2), 0x10000, 0x8000), "mulw sign-extends");
    }

    @Test
    void wordOperationsSignExtendTheirLow32Bits() {
        assertEquals(Integer.MIN_VALUE, binary(addw(3, 1, 2), Integer.MAX_VALUE, 1));
        assertEquals(Integer.MAX_VALUE, binary(subw(3, 1, 2), Integer.MIN_VALUE, 1));
        assertEquals(
                -1,
                new TestMachine()
                        .execWith(new long[] {0x1_FFFF_FFFFL}, addiw(3, 1, 0))
                        .x(3),
                "sext.w");
        assertEquals(0xFFFF_FFFF_8000_0000L, binary(sllw(3, 1, 2), 1, 31 + 32), "sllw uses 5 bits of rs2");
        assertEquals(0x7FFF_FFFFL, binary(srlw(3, 1, 2), 0xFFFF_FFFF_FFFF_FFFEL, 1));
        assertEquals(-1, binary(srlw(3, 1, 2), 0xFFFF_FFFFL, 0), "srlw by 0 still sign-extends");
        assertEquals(0xFFFF_FFFF_C000_0000L, binary(sraw(3, 1, 2), 0x8000_0000L, 1));
        Hart h =
                new TestMachine().execWith(new long[] {0x8000_0001L}, slliw(3, 1, 31), srliw(4, 1, 0), sraiw(5, 1, 31));
        assertEquals(0xFFFF_FFFF_8000_0000L, h.x(3));
        assertEquals(0xFFFF_FFFF_8000_0001L, h.x(4));
        assertEquals(-1, h.x(5));
    }

    @Test
    void shiftsUseSixBitsOfTheAmount() {
        assertEquals(MIN, binary(sll(3, 1, 2), 1, 63 + 64));
        assertEquals(-1, binary(sra(3, 1, 2), MIN, 63));
        Hart h = new TestMachine().execWith(new long[] {MIN}, srli(3, 1, 63), srai(4, 1, 63), slli(5, 1, 1));
        assertEquals(1, h.x(3));
        assertEquals(-1, h.x(4));
        assertEquals(0, h.x(5));
    }

    @Test
    void x0StaysZero() {
        Hart h = m.exec(addi(0, 0, 5), add(3, 0, 0), lui(0, 0x12345), jal(0, 4));
        assertEquals(0, h.x(0));
        assertEquals(0, h.x(3));
    }

    @Test
    void luiAuipcAndImmediatesSignExtend() {
        Hart h = m.exec(lui(1, 0x80000), auipc(2, 0xFFFFF), addi(3, 0, -1), sltu(4, 0, 3));
        assertEquals(0xFFFF_FFFF_8000_0000L, h.x(1));
        assertEquals(TestMachine.CODE + 4 - 0x1000, h.x(2));
        assertEquals(-1, h.x(3));
        assertEquals(1, h.x(4));
    }

    @Test
    void loadsSignOrZeroExtend() {
        m.memory.store64(TestMachine.DATA, 0x8081828384858687L);
        Hart h = m.execWith(
                new long[] {TestMachine.DATA},
                lb(2, 1, 0),
                lbu(3, 1, 0),
                lh(4, 1, 0),
                lw(5, 1, 4),
                lwu(6, 1, 4),
                ld(7, 1, 0));
        assertEquals((byte) 0x87, h.x(2));
        assertEquals(0x87, h.x(3));
        assertEquals((short) 0x8687, h.x(4));
        assertEquals(0xFFFF_FFFF_8081_8283L, h.x(5));
        assertEquals(0x8081_8283L, h.x(6));
        assertEquals(0x8081828384858687L, h.x(7));
    }

    @Test
    void misalignedLoadsAndStoresCrossPages() {
        long addr = TestMachine.DATA + 0x1000 - 3;
        Hart h = m.execWith(
                new long[] {addr, 0x1122334455667788L},
                sd(2, 1, 0),
                ld(3, 1, 0),
                lw(4, 1, 1),
                sh(2, 1, 2),
                lhuOf(5, 1, 2));
        assertEquals(0x1122334455667788L, h.x(3));
        assertEquals(0x44556677L, h.x(4));
        assertEquals(0x7788, h.x(5));
    }

    private static int lhuOf(int rd, int rs1, int imm) {
        return load(5, rd, rs1, imm);
    }

    @Test
    void branchesAndJumpsLinkAndCompareSignedOrUnsigned() {
        // x3 counts taken branches; each skipped addi would add 100.
        Hart h = m.execWith(
                new long[] {-1, 1},
                blt(1, 2, 8), // taken: -1 < 1
                addi(3, 3, 100),
                bltu(1, 2, 8), // not taken: 2^64-1 > 1
                addi(3, 3, 1),
                bne(1, 1, 8), // not taken
                addi(3, 3, 1),
                beq(0, 0, 8), // taken
                addi(3, 3, 100),
                jal(4, 8), // x4 = pc + 4, skip one
                addi(3, 3, 100),
                auipc(5, 0),
                jalr(6, 5, 13), // to auipc + 12 (bit 0 cleared), skip one
                addi(3, 3, 100));
        assertEquals(2, h.x(3));
        assertEquals(TestMachine.CODE + 36, h.x(4));
        assertEquals(TestMachine.CODE + 48, h.x(6));
    }

    @Test
    void jalrComputesTheTargetBeforeWritingTheLink() {
        Hart h = m.exec(auipc(1, 0), jalr(1, 1, 12), addi(2, 0, 100), addi(3, 0, 1));
        assertEquals(TestMachine.CODE + 8, h.x(1));
        assertEquals(0, h.x(2));
        assertEquals(1, h.x(3));
    }
}
