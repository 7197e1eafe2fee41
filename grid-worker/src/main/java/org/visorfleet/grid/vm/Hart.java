package org.visorfleet.grid.vm;

import static org.visorfleet.grid.vm.Op.*;

/**
 * One RV64IMAFDC (+ Zicsr, Zifencei) user-mode hardware thread over a {@link GuestMemory}: an
 * interpreter over pre-decoded instructions, which translates hot code to JVM bytecode.
 *
 * <p><b>Decoding.</b> Each halfword of an executable page gets a slot, decoded on first execution and
 * reused until the page's code is dropped (guest or host write to the page, {@code fence.i},
 * unmapping, losing execute permission). A store that modifies code already decoded in the current
 * block takes effect from the next taken branch, jump or page crossing; {@code fence.i} makes it
 * take effect at once.
 *
 * <p><b>Metering and determinism.</b> {@link #instret()} counts retired instructions exactly (faulting,
 * illegal and {@code ebreak} instructions do not retire; {@code ecall} does). The budget of
 * {@link #run} is checked only where a block ends: a taken branch or jump, {@code fence.i}, or
 * falling into the next page. So a run may overshoot its budget by the length of one straight-line
 * block, but where it stops depends only on the program and the budget. The {@code cycle} CSR
 * equals {@code instret}, and {@code time} is {@code instret / 100}. Nothing depends on the host:
 * floating point is computed with IEEE semantics in Java (and exactly where Java cannot), and no
 * host clock is read.
 *
 * <p><b>Translation.</b> A block start entered more than a threshold of times (system property
 * {@value Translator#THRESHOLD_PROPERTY}, default {@value Translator#DEFAULT_THRESHOLD}; {@code off}
 * interprets only) gets a {@link CompiledRegion}: up to 32 already-decoded instructions of its page,
 * as one method of a hidden class generated with {@code java.lang.classfile} ({@link RegionCompiler}),
 * with guest branches inside the region as JVM jumps and the integer registers in JVM locals, so
 * that C2 compiles a guest loop as a loop. The interpreter stays the reference: translated code
 * executes the same decoded words, counts every instruction, checks the budget and the code epoch at
 * every taken branch exactly where the interpreter does, and hands anything else back to it mid-block
 * (undecoded slots, {@code ecall}, {@code ebreak}, illegal instructions, atomics, and a faulting
 * instruction, which the interpreter repeats to report the stop). Translations belong to one
 * decoded-code array of a page, so dropping the page's code drops them. Whether and when code is
 * translated changes how fast a run goes, never its result: every {@link Stop}, pc, count, register
 * and byte is the same with translation on or off. It does cost JVM compile time: the first few
 * seconds of a run are slower than the rest.
 *
 * <p><b>Errors.</b> Guest behaviour never throws: faults, illegal instructions, {@code ebreak} and
 * {@code ecall} end {@link #run} with a {@link Stop}. Host misuse (non-positive budget, register
 * index out of range) throws {@link IllegalArgumentException} or {@link IndexOutOfBoundsException}.
 *
 * <p><b>Threads.</b> Single-threaded: a hart and its memory are used by one thread at a time.
 */
public final class Hart {
    private final GuestMemory memory;
    /**
     * x0..x31, and slot 32: the destination of decoded writes to x0, never read. 64 long so that
     * the JIT can drop bounds checks on register fields masked to 6 bits.
     */
    private final long[] x = new long[64];

    private final Fpu fpu = new Fpu(x);
    private final Atomics atomics;
    /**
     * Double-precision arithmetic for translated code, which calls it directly rather than through
     * {@link Fpu#execute}; it shares the Fpu's status (flags, frm), and Fp64 holds no other state.
     */
    final Fp64 doubles = new Fp64(fpu.status);

    /** Null when this hart only interprets. */
    private final Translator translator;

    private long pc;
    private long instret;

    /** Written by a {@link CompiledRegion} when it returns: the run's retired count so far. */
    long jitCount;

    /**
     * A hart that translates hot code as the system property {@value Translator#THRESHOLD_PROPERTY}
     * says (by default after {@value Translator#DEFAULT_THRESHOLD} entries of a block).
     */
    public Hart(GuestMemory memory) {
        this(memory, Translator.configuredThreshold());
    }

    /**
     * A hart translating a block start once entered more than {@code threshold} times; 0 translates as
     * soon as possible, {@link Translator#OFF} (-1) never.
     */
    Hart(GuestMemory memory, int threshold) {
        this.memory = memory;
        this.atomics = new Atomics(memory);
        this.translator = Translator.withThreshold(threshold);
    }

    /** The translator, or null when this hart only interprets (for tests). */
    Translator translator() {
        return translator;
    }

    public GuestMemory memory() {
        return memory;
    }

    /** Integer register {@code i} (x0 reads 0). */
    public long x(int i) {
        java.util.Objects.checkIndex(i, 32);
        return x[i];
    }

    /** Sets integer register {@code i}; writes to x0 are ignored. */
    public void setX(int i, long value) {
        java.util.Objects.checkIndex(i, 32);
        if (i != 0) {
            x[i] = value;
        }
    }

    /** The raw 64 bits of FP register {@code i} (a single is NaN-boxed). */
    public long f(int i) {
        java.util.Objects.checkIndex(i, 32);
        return fpu.f[i];
    }

    public void setF(int i, long rawBits) {
        java.util.Objects.checkIndex(i, 32);
        fpu.f[i] = rawBits;
    }

    /** The fcsr register: frm in bits 5..7, fflags (NV DZ OF UF NX) in bits 0..4. */
    public int fcsr() {
        return fpu.status.fcsr();
    }

    public void setFcsr(int value) {
        fpu.status.setFcsr(value);
    }

    public long pc() {
        return pc;
    }

    /** Sets the pc; it must be even (instructions are halfword-aligned with the C extension). */
    public void setPc(long pc) {
        if ((pc & 1) != 0) {
            throw new IllegalArgumentException("odd pc 0x" + Long.toHexString(pc));
        }
        this.pc = pc;
    }

    /** Instructions retired since this hart was created. */
    public long instret() {
        return instret;
    }

    /**
     * Runs from {@link #pc()} until the guest stops or, at the end of a block, at least {@code budget}
     * instructions have retired in this call.
     */
    public Stop run(long budget) {
        if (budget <= 0) {
            throw new IllegalArgumentException("budget must be positive: " + budget);
        }
        final long[] x = this.x;
        final long[] f = fpu.f;
        final GuestMemory mem = memory;
        final Fpu fpu = this.fpu;
        final Translator translator = this.translator;
        long count = 0;
        long next = pc;
        long base = 0;
        int idx = 0;
        try {
            block:
            while (true) {
                base = next & ~(long) GuestMemory.OFFSET_MASK;
                idx = (int) (next & GuestMemory.OFFSET_MASK) >>> 1;
                Page page = mem.executablePage(next);
                long[] code = mem.codeOf(page);
                int epoch = mem.codeEpoch();
                TranslatedPage translated = translator == null ? null : translator.pageFor(page, code);
                enter:
                while (true) {
                    // At a block start in this page (or interpreting on, when translated is null).
                    if (translated != null) {
                        CompiledRegion region = translated.regionAt(idx);
                        if (region != null) {
                            long out = region.run(this, x, f, mem, fpu, idx, count, budget, epoch);
                            count = jitCount;
                            if ((out & 1) == 0) {
                                next = out;
                                if (count >= budget) {
                                    return exhausted(next, count);
                                }
                                if (((next ^ base) >>> GuestMemory.PAGE_SHIFT) == 0 && epoch == mem.codeEpoch()) {
                                    idx = (int) (next - base) >>> 1; // as the interpreter continues in-page
                                    continue;
                                }
                                continue block;
                            }
                            // The block goes on, with the same code and epoch.
                            idx = (int) ((out & ~CompiledRegion.FAULTED) - base) >>> 1;
                            if ((out & CompiledRegion.FAULTED) != 0) {
                                // the interpreter repeats the instruction and reports the stop
                            } else if (code[idx] == UNDECODED) {
                                translated.missed(region);
                            } else if (RegionPlan.translatable(code[idx])) {
                                continue; // another region may go on from here (mid-block, same code)
                            }
                        }
                    }
                    while (true) {
                        long target;
                        jump:
                        {
                            long w = code[idx];
                            int op = (int) w & 0xFF;
                            switch (op) {
                                case UNDECODED -> {
                                    code[idx] = decodeSlot(page, idx, base);
                                    continue;
                                }
                                case PAGE_END -> {
                                    next = base + ((long) idx << 1);
                                    if (count >= budget) {
                                        return exhausted(next, count);
                                    }
                                    continue block;
                                }
                                case NOP -> {}
                                case LUI -> x[rd(w)] = imm(w);
                                case AUIPC -> x[rd(w)] = base + ((long) idx << 1) + imm(w);
                                case JAL -> {
                                    long here = base + ((long) idx << 1);
                                    x[rd(w)] = here + (halfwords(w) << 1);
                                    target = here + imm(w);
                                    break jump;
                                }
                                case JALR -> {
                                    target = (x[rs1(w)] + imm(w)) & ~1L;
                                    x[rd(w)] = base + ((long) (idx + halfwords(w)) << 1);
                                    break jump;
                                }
                                case BEQ -> {
                                    if (x[rs1(w)] == x[rs2(w)]) {
                                        target = base + ((long) idx << 1) + imm(w);
                                        break jump;
                                    }
                                }
                                case BNE -> {
                                    if (x[rs1(w)] != x[rs2(w)]) {
                                        target = base + ((long) idx << 1) + imm(w);
                                        break jump;
                                    }
                                }
                                case BLT -> {
                                    if (x[rs1(w)] < x[rs2(w)]) {
                                        target = base + ((long) idx << 1) + imm(w);
                                        break jump;
                                    }
                                }
                                case BGE -> {
                                    if (x[rs1(w)] >= x[rs2(w)]) {
                                        target = base + ((long) idx << 1) + imm(w);
                                        break jump;
                                    }
                                }
                                case BLTU -> {
                                    if (Long.compareUnsigned(x[rs1(w)], x[rs2(w)]) < 0) {
                                        target = base + ((long) idx << 1) + imm(w);
                                        break jump;
                                    }
                                }
                                case BGEU -> {
                                    if (Long.compareUnsigned(x[rs1(w)], x[rs2(w)]) >= 0) {
                                        target = base + ((long) idx << 1) + imm(w);
                                        break jump;
                                    }
                                }
                                case LB -> x[rd(w)] = (byte) mem.load8(x[rs1(w)] + imm(w));
                                case LH -> x[rd(w)] = (short) mem.load16(x[rs1(w)] + imm(w));
                                case LW -> x[rd(w)] = (int) mem.load32(x[rs1(w)] + imm(w));
                                case LD -> x[rd(w)] = mem.load64(x[rs1(w)] + imm(w));
                                case LBU -> x[rd(w)] = mem.load8(x[rs1(w)] + imm(w));
                                case LHU -> x[rd(w)] = mem.load16(x[rs1(w)] + imm(w));
                                case LWU -> x[rd(w)] = mem.load32(x[rs1(w)] + imm(w));
                                case SB -> mem.store8(x[rs1(w)] + imm(w), x[rs2(w)]);
                                case SH -> mem.store16(x[rs1(w)] + imm(w), x[rs2(w)]);
                                case SW -> mem.store32(x[rs1(w)] + imm(w), x[rs2(w)]);
                                case SD -> mem.store64(x[rs1(w)] + imm(w), x[rs2(w)]);
                                case ADDI -> x[rd(w)] = x[rs1(w)] + imm(w);
                                case SLTI -> x[rd(w)] = x[rs1(w)] < imm(w) ? 1 : 0;
                                case SLTIU -> x[rd(w)] = Long.compareUnsigned(x[rs1(w)], imm(w)) < 0 ? 1 : 0;
                                case XORI -> x[rd(w)] = x[rs1(w)] ^ imm(w);
                                case ORI -> x[rd(w)] = x[rs1(w)] | imm(w);
                                case ANDI -> x[rd(w)] = x[rs1(w)] & imm(w);
                                case SLLI -> x[rd(w)] = x[rs1(w)] << imm(w);
                                case SRLI -> x[rd(w)] = x[rs1(w)] >>> imm(w);
                                case SRAI -> x[rd(w)] = x[rs1(w)] >> imm(w);
                                case ADD -> x[rd(w)] = x[rs1(w)] + x[rs2(w)];
                                case SUB -> x[rd(w)] = x[rs1(w)] - x[rs2(w)];
                                case SLL -> x[rd(w)] = x[rs1(w)] << x[rs2(w)]; // Java masks long shifts to 6 bits
                                case SLT -> x[rd(w)] = x[rs1(w)] < x[rs2(w)] ? 1 : 0;
                                case SLTU -> x[rd(w)] = Long.compareUnsigned(x[rs1(w)], x[rs2(w)]) < 0 ? 1 : 0;
                                case XOR -> x[rd(w)] = x[rs1(w)] ^ x[rs2(w)];
                                case SRL -> x[rd(w)] = x[rs1(w)] >>> x[rs2(w)];
                                case SRA -> x[rd(w)] = x[rs1(w)] >> x[rs2(w)];
                                case OR -> x[rd(w)] = x[rs1(w)] | x[rs2(w)];
                                case AND -> x[rd(w)] = x[rs1(w)] & x[rs2(w)];
                                case ADDIW -> x[rd(w)] = (int) x[rs1(w)] + imm(w);
                                case SLLIW -> x[rd(w)] = (int) x[rs1(w)] << imm(w);
                                case SRLIW -> x[rd(w)] = (int) x[rs1(w)] >>> imm(w);
                                case SRAIW -> x[rd(w)] = (int) x[rs1(w)] >> imm(w);
                                case ADDW -> x[rd(w)] = (int) x[rs1(w)] + (int) x[rs2(w)];
                                case SUBW -> x[rd(w)] = (int) x[rs1(w)] - (int) x[rs2(w)];
                                case SLLW -> x[rd(w)] = (int) x[rs1(w)] << (int) x[rs2(w)]; // masked to 5 bits
                                case SRLW -> x[rd(w)] = (int) x[rs1(w)] >>> (int) x[rs2(w)];
                                case SRAW -> x[rd(w)] = (int) x[rs1(w)] >> (int) x[rs2(w)];
                                case MUL -> x[rd(w)] = x[rs1(w)] * x[rs2(w)];
                                case MULH -> x[rd(w)] = Math.multiplyHigh(x[rs1(w)], x[rs2(w)]);
                                case MULHSU -> x[rd(w)] = Alu.mulhsu(x[rs1(w)], x[rs2(w)]);
                                case MULHU -> x[rd(w)] = Math.unsignedMultiplyHigh(x[rs1(w)], x[rs2(w)]);
                                case DIV -> x[rd(w)] = Alu.div(x[rs1(w)], x[rs2(w)]);
                                case DIVU -> x[rd(w)] = Alu.divu(x[rs1(w)], x[rs2(w)]);
                                case REM -> x[rd(w)] = Alu.rem(x[rs1(w)], x[rs2(w)]);
                                case REMU -> x[rd(w)] = Alu.remu(x[rs1(w)], x[rs2(w)]);
                                case MULW -> x[rd(w)] = (int) x[rs1(w)] * (int) x[rs2(w)];
                                case DIVW -> x[rd(w)] = Alu.divw(x[rs1(w)], x[rs2(w)]);
                                case DIVUW -> x[rd(w)] = Alu.divuw(x[rs1(w)], x[rs2(w)]);
                                case REMW -> x[rd(w)] = Alu.remw(x[rs1(w)], x[rs2(w)]);
                                case REMUW -> x[rd(w)] = Alu.remuw(x[rs1(w)], x[rs2(w)]);
                                case FLW -> f[rd(w)] = Fpu.box((int) mem.load32(x[rs1(w)] + imm(w)));
                                case FLD -> f[rd(w)] = mem.load64(x[rs1(w)] + imm(w));
                                case FSW -> mem.store32(x[rs1(w)] + imm(w), f[rs2(w)]);
                                case FSD -> mem.store64(x[rs1(w)] + imm(w), f[rs2(w)]);
                                case LR_W -> x[rd(w)] = atomics.loadReserved(x[rs1(w)], 4);
                                case LR_D -> x[rd(w)] = atomics.loadReserved(x[rs1(w)], 8);
                                case SC_W -> x[rd(w)] = atomics.storeConditional(x[rs1(w)], x[rs2(w)], 4);
                                case SC_D -> x[rd(w)] = atomics.storeConditional(x[rs1(w)], x[rs2(w)], 8);
                                case AMOSWAP_W,
                                        AMOADD_W,
                                        AMOXOR_W,
                                        AMOAND_W,
                                        AMOOR_W,
                                        AMOMIN_W,
                                        AMOMAX_W,
                                        AMOMINU_W,
                                        AMOMAXU_W,
                                        AMOSWAP_D,
                                        AMOADD_D,
                                        AMOXOR_D,
                                        AMOAND_D,
                                        AMOOR_D,
                                        AMOMIN_D,
                                        AMOMAX_D,
                                        AMOMINU_D,
                                        AMOMAXU_D -> x[rd(w)] = atomics.amo(op, x[rs1(w)], x[rs2(w)]);
                                case CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI ->
                                    x[rd(w)] = csr(op, w, instret + count);
                                case FENCE_I -> {
                                    mem.flushCode();
                                    target = base + ((long) idx << 1) + 4;
                                    break jump;
                                }
                                case ECALL -> {
                                    pc = base + ((long) idx << 1) + 4;
                                    instret += count + 1;
                                    atomics.clearReservation();
                                    return Stop.ECALL;
                                }
                                case EBREAK -> {
                                    return stopAt(new Stop.Breakpoint(base + ((long) idx << 1)), count);
                                }
                                case ILLEGAL -> {
                                    return stopAt(new Stop.IllegalInstruction(base + ((long) idx << 1), imm(w)), count);
                                }
                                default -> fpu.execute(op, w);
                            }
                            idx += halfwords(w);
                            count++;
                            continue;
                        }
                        count++;
                        if (count >= budget) {
                            return exhausted(target, count);
                        }
                        if (((target ^ base) >>> GuestMemory.PAGE_SHIFT) == 0 && epoch == mem.codeEpoch()) {
                            idx = (int) (target - base) >>> 1;
                            if (translated != null) {
                                continue enter;
                            }
                            continue;
                        }
                        next = target;
                        continue block;
                    }
                }
            }
        } catch (GuestFault fault) {
            long at = base + ((long) idx << 1);
            return stopAt(new Stop.Fault(fault.kind(), fault.address(), at), count);
        } catch (IllegalInstructionTrap trap) {
            long at = base + ((long) idx << 1);
            return stopAt(new Stop.IllegalInstruction(at, memory.fetch32(at)), count);
        }
    }

    /** A stop at the instruction at {@code stop}'s pc, which did not retire. */
    private Stop stopAt(Stop stop, long count) {
        pc = switch (stop) {
            case Stop.Breakpoint b -> b.pc();
            case Stop.Fault fault -> fault.pc();
            case Stop.IllegalInstruction i -> i.pc();
            default -> throw new IllegalStateException(stop.toString());
        };
        instret += count;
        return stop;
    }

    private Stop exhausted(long nextPc, long count) {
        pc = nextPc;
        instret += count;
        return Stop.BUDGET_EXHAUSTED;
    }

    private long decodeSlot(Page page, int idx, long base) {
        int low = GuestMemory.rawHalf(page, idx << 1);
        if ((low & 3) != 3) {
            return Decoder.decode16(low);
        }
        int high;
        if (idx + 1 < GuestMemory.SLOTS) {
            high = GuestMemory.rawHalf(page, (idx + 1) << 1);
        } else {
            Page following = memory.executablePage(base + GuestMemory.PAGE_SIZE);
            high = GuestMemory.rawHalf(following, 0);
            memory.markStraddled(following, page);
        }
        return Decoder.decode32(low | high << 16);
    }

    /**
     * Decodes the instructions in {@code [addr, addr + length)} one after the other, exactly as running
     * straight through them would, so that they can be translated on their first run. For tests, which
     * run most of their code only once; it changes nothing else (decoding is a pure function of memory
     * contents, and any write to the page drops what was decoded).
     */
    void predecode(long addr, long length) {
        try {
            for (long a = addr; a < addr + length; ) {
                Page page = memory.executablePage(a);
                long[] code = memory.codeOf(page);
                long base = a & ~(long) GuestMemory.OFFSET_MASK;
                int idx = (int) (a & GuestMemory.OFFSET_MASK) >>> 1;
                if (code[idx] == UNDECODED) {
                    code[idx] = decodeSlot(page, idx, base);
                }
                a += (long) halfwords(code[idx]) << 1;
            }
        } catch (GuestFault e) {
            // the rest is not executable: nothing more to decode
        }
    }

    /** A CSR instruction executed by translated code, {@code count} instructions into the run. */
    long csrAt(int op, long w, long count) {
        return csr(op, w, instret + count);
    }

    /** Executes a CSR instruction; returns the old value for rd. {@code retired}: instret before it. */
    private long csr(int op, long w, long retired) {
        int number = imm(w);
        int source = rs1(w);
        long old =
                switch (number) {
                    case Csr.FFLAGS -> fpu.status.flags;
                    case Csr.FRM -> fpu.status.frm;
                    case Csr.FCSR -> fpu.status.fcsr();
                    case Csr.TIME -> retired / Csr.INSTRET_PER_TIME_TICK;
                    default -> retired; // cycle, instret
                };
        long operand = op >= CSRRWI ? source : x[source];
        long value;
        switch (op) {
            case CSRRW, CSRRWI -> value = operand;
            case CSRRS, CSRRSI -> value = old | operand;
            default -> value = old & ~operand;
        }
        if (op == CSRRW || op == CSRRWI || source != 0) {
            switch (number) {
                case Csr.FFLAGS -> fpu.status.flags = (int) value & 31;
                case Csr.FRM -> fpu.status.frm = (int) value & 7;
                case Csr.FCSR -> fpu.status.setFcsr(value & 0xFF);
                default -> throw new IllegalStateException("write to read-only CSR passed the decoder");
            }
        }
        return old;
    }
}
