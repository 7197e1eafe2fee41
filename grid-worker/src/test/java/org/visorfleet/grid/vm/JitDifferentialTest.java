package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visorfleet.grid.vm.Asm.*;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Translated code against the interpreter on random programs: loops, branches in every direction,
 * loads and stores (some faulting), M and F/D instructions, counter reads, ebreak, illegal words,
 * {@code fence.i}, and, when the code page is writable, stores into the program itself. Both harts run
 * the same slices (budgets chosen to stop inside loops); after every slice the stop, pc, instret, all
 * registers, fcsr and the data must be identical. A failing seed reproduces alone.
 */
class JitDifferentialTest {
    private static final long CODE = TestMachine.CODE;
    private static final long DATA = TestMachine.DATA;
    /** Enough slices to run each loop many times and to translate it. */
    private static final int SLICES = 400;

    static LongStream seeds() {
        return LongStream.range(1, 301);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void translatedCodeBehavesExactlyLikeTheInterpreter(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean writableCode = random.nextInt(4) == 0;
        Asm program = program(random, writableCode, random.nextInt(4) == 0, random.nextInt(3) == 0);
        long[] registers = new long[32];
        for (int r = 2; r < 32; r++) {
            registers[r] = random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(-64, 64);
        }
        byte[] data = new byte[TestMachine.DATA_SIZE];
        random.nextBytes(data);
        Machine interpreted = new Machine(Translator.OFF, program, writableCode, registers, data);
        Machine translated = new Machine(0, program, writableCode, registers, data);
        for (int slice = 0; slice < SLICES; slice++) {
            long budget = random.nextInt(4) == 0 ? 1 + random.nextInt(8) : 1 + random.nextInt(3000);
            Stop expected = interpreted.hart.run(budget);
            Stop actual = translated.hart.run(budget);
            String where = "seed " + seed + ", slice " + slice + ", budget " + budget;
            assertEquals(expected, actual, where);
            assertSameState(interpreted, translated, where);
            if (!(expected instanceof Stop.BudgetExhausted) && !(expected instanceof Stop.Ecall)) {
                break; // fault, breakpoint or illegal instruction: the program is over
            }
        }
        assertArrayEquals(interpreted.data(), translated.data(), "seed " + seed + ": data");
    }

    @org.junit.jupiter.api.Test
    void theRandomProgramsAreActuallyTranslated() {
        long before = Translator.totalRegions();
        translatedCodeBehavesExactlyLikeTheInterpreter(1);
        assertTrue(Translator.totalRegions() > before, "seed 1 translated nothing");
    }

    private static void assertSameState(Machine a, Machine b, String where) {
        assertEquals(Long.toHexString(a.hart.pc()), Long.toHexString(b.hart.pc()), where + ": pc");
        assertEquals(a.hart.instret(), b.hart.instret(), where + ": instret");
        for (int r = 0; r < 32; r++) {
            assertEquals(a.hart.x(r), b.hart.x(r), where + ": x" + r);
            assertEquals(a.hart.f(r), b.hart.f(r), where + ": f" + r);
        }
        assertEquals(a.hart.fcsr(), b.hart.fcsr(), where + ": fcsr");
    }

    /** A hart over fresh memory holding the program (at CODE) and the data (at DATA, x1 points there). */
    private static final class Machine {
        final GuestMemory memory = new GuestMemory(16L << 20);
        final Hart hart;

        Machine(int threshold, Asm program, boolean writableCode, long[] registers, byte[] data) {
            hart = new Hart(memory, threshold);
            memory.map(DATA, TestMachine.DATA_SIZE, TestMachine.RW);
            memory.poke(DATA, data, 0, data.length);
            int prot = writableCode ? TestMachine.RW | GuestMemory.PROT_EXEC : TestMachine.RX;
            memory.map(CODE, 0x2000, prot);
            memory.poke(CODE, program.bytes(), 0, program.size());
            for (int r = 2; r < 32; r++) {
                hart.setX(r, registers[r]);
            }
            hart.setX(1, DATA);
            hart.setPc(CODE);
        }

        byte[] data() {
            byte[] out = new byte[TestMachine.DATA_SIZE];
            memory.peek(DATA, out, 0, out.length);
            return out;
        }
    }

    // ---------------------------------------------------------------- random programs

    /** Registers the programs compute with; x1 (the data pointer) is never written. */
    private static int reg(SplittableRandom r) {
        return r.nextInt(8) == 0 ? 0 : 2 + r.nextInt(14);
    }

    /**
     * A program of random instructions ending in a jump back to its start; {@code writableCode}: it may
     * patch itself; {@code fenceI}: it may flush decoded code; {@code stops}: it may fault (loads and
     * stores through computed addresses), break or hit illegal instructions.
     */
    private static Asm program(SplittableRandom r, boolean writableCode, boolean fenceI, boolean stops) {
        int n = 20 + r.nextInt(120);
        Asm asm = new Asm();
        for (int i = 0; i < n; i++) {
            int roll = r.nextInt(100);
            int rd = reg(r);
            int a = reg(r);
            int b = reg(r);
            int insn;
            if (roll < 18) {
                int f3 = new int[] {0, 2, 3, 4, 6, 7}[r.nextInt(6)]; // addi slti sltiu xori ori andi
                insn = Asm.i(0x13, rd, f3, a, r.nextInt(-2048, 2048));
            } else if (roll < 24) {
                insn = switch (r.nextInt(6)) {
                    case 0 -> slli(rd, a, r.nextInt(64));
                    case 1 -> srli(rd, a, r.nextInt(64));
                    case 2 -> srai(rd, a, r.nextInt(64));
                    case 3 -> slliw(rd, a, r.nextInt(32));
                    case 4 -> sraiw(rd, a, r.nextInt(32));
                    default -> addiw(rd, a, r.nextInt(-2048, 2048));
                };
            } else if (roll < 38) {
                int f3 = r.nextInt(8);
                int f7 = (f3 == 0 || f3 == 5) && r.nextBoolean() ? 0x20 : 0;
                insn = r.nextInt(4) == 0 ? op32(f7, new int[] {0, 1, 5}[r.nextInt(3)], rd, a, b) : op(f7, f3, rd, a, b);
            } else if (roll < 44) {
                insn = r.nextBoolean()
                        ? mulDiv(r.nextInt(8), rd, a, b)
                        : mulDivW(new int[] {0, 4, 5, 6, 7}[r.nextInt(5)], rd, a, b);
            } else if (roll < 46) {
                insn = r.nextBoolean() ? lui(rd, r.nextInt(1 << 20)) : auipc(rd, r.nextInt(1 << 20));
            } else if (roll < 56) {
                int base = stops && r.nextInt(30) == 0 ? a : 1; // rarely through a computed (likely unmapped) address
                insn = load(new int[] {0, 1, 2, 3, 4, 5, 6}[r.nextInt(7)], rd, base, r.nextInt(0, 2040));
            } else if (roll < 64) {
                int base = stops && r.nextInt(30) == 0 ? a : 1;
                insn = Asm.s(0x23, r.nextInt(4), base, b, r.nextInt(0, 2040));
            } else if (roll < 76) {
                int target = r.nextInt(n + 1);
                int f3 = new int[] {0, 1, 4, 5, 6, 7}[r.nextInt(6)];
                insn = Asm.b(f3, a, b, (target - i) * 4);
            } else if (roll < 78) {
                insn = jal(r.nextBoolean() ? 0 : rd, (r.nextInt(n + 1) - i) * 4);
            } else if (roll < 79) {
                // jalr to an instruction of the program, through a register set just before
                int target = r.nextInt(n + 1);
                asm.code(auipc(rd == 0 ? 2 : rd, 0));
                i++;
                insn = jalr(r.nextBoolean() ? 0 : 3, rd == 0 ? 2 : rd, (target - i + 1) * 4);
            } else if (roll < 82) {
                insn = csr(2, rd, new int[] {0xC00, 0xC01, 0xC02, 0x001, 0x002, 0x003}[r.nextInt(6)], 0);
            } else if (roll < 83) {
                insn = csr(1, rd, 0x002, a); // fsrm: may set an invalid dynamic rounding mode
            } else if (roll < 91) {
                insn = floatingPoint(r, rd, a, b);
            } else if (roll < 92) {
                insn = fenceI && r.nextBoolean() ? FENCE_I : FENCE;
            } else if (roll < 93) {
                insn = stops ? (r.nextBoolean() ? EBREAK : 0) : ECALL;
            } else if (roll < 95 && writableCode) {
                // patch a random instruction of the program with a register's low word
                insn = Asm.s(0x23, 2, 1, b, 0);
                asm.code(lui(rd == 0 ? 2 : rd, (int) (CODE >>> 12)));
                i++;
                insn = Asm.s(0x23, 2, rd == 0 ? 2 : rd, b, 4 * r.nextInt(n));
            } else if (roll < 97) {
                insn = amo(new int[] {0x00, 0x01, 0x04, 0x0C}[r.nextInt(4)], 3, rd, 1, b);
            } else {
                asm.c16(0x0001 | (r.nextInt(32) << 2)); // c.nop / c.addi
                asm.c16(0x0001);
                continue;
            }
            asm.code(insn);
        }
        asm.code(jal(0, -4 * (n - 1))); // back to near the start: runs until the slices end
        return asm;
    }

    private static int floatingPoint(SplittableRandom r, int rd, int a, int b) {
        int fd = r.nextInt(8);
        int fa = r.nextInt(8);
        int fb = r.nextInt(8);
        int rm = new int[] {RNE, RTZ, DYN, DYN}[r.nextInt(4)];
        return switch (r.nextInt(9)) {
            case 0 -> fp(0x69, rm, fd, a, 2); // fcvt.d.l
            case 1 -> fp(0x01, rm, fd, fa, fb); // fadd.d
            case 2 -> fp(0x09, rm, fd, fa, fb); // fmul.d
            case 3 -> fp(0x51, 2, rd, fa, fb); // feq.d
            case 4 -> fp(0x71, 0, rd, fa, 0); // fmv.x.d
            case 5 -> fp(0x79, 0, fd, a, 0); // fmv.d.x
            case 6 -> fld(fd, 1, 8 * r.nextInt(255));
            case 7 -> Asm.s(0x27, 3, 1, fb, 8 * r.nextInt(255)); // fsd
            default -> fp(0x61, rm, rd, fa, 2); // fcvt.l.d
        };
    }
}
