package org.visorfleet.grid.vm;

import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static org.visorfleet.grid.vm.Op.*;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a {@link RegionPlan} to a hidden class: one method whose basic blocks are the guest's,
 * with guest branches inside the plan as JVM jumps, so that a guest loop becomes a JVM loop that C2
 * compiles as a whole, with the guest's integer registers in JVM locals.
 *
 * <p>The generated code keeps the interpreter's rules exactly. Retired instructions are counted per
 * straight-line run and added where control leaves the run; every taken branch or jump adds its run,
 * stops when the budget is reached, and leaves when the code epoch changed (self-modifying code, just
 * where the interpreter would re-fetch). A guest fault or dynamic illegal instruction inside the
 * translation leaves for the interpreter at the faulting instruction, with the exact count before it;
 * the interpreter executes it again (faulting instructions change nothing, so it faults the same way)
 * and reports the stop.
 */
final class RegionCompiler {
    private static final ClassDesc CD_HART = desc(Hart.class);
    private static final ClassDesc CD_MEM = desc(GuestMemory.class);
    private static final ClassDesc CD_FPU = desc(Fpu.class);
    private static final ClassDesc CD_FP64 = desc(Fp64.class);
    private static final ClassDesc CD_ALU = desc(Alu.class);
    private static final ClassDesc CD_REGION = desc(CompiledRegion.class);
    private static final ClassDesc CD_LONGS = CD_long.arrayType();
    private static final ClassDesc CD_MATH = desc(Math.class);
    private static final ClassDesc CD_LONG = desc(Long.class);
    private static final MethodTypeDesc RUN =
            MethodTypeDesc.of(CD_long, CD_HART, CD_LONGS, CD_LONGS, CD_MEM, CD_FPU, CD_int, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc LOAD = MethodTypeDesc.of(CD_long, CD_long);
    private static final MethodTypeDesc STORE = MethodTypeDesc.of(CD_void, CD_long, CD_long);
    private static final MethodTypeDesc BINARY = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc COMPARE = MethodTypeDesc.of(CD_int, CD_long, CD_long);

    // Locals of the generated run method.
    private static final int HART = 1;
    private static final int X = 2;
    private static final int F = 3;
    private static final int MEM = 4;
    private static final int FPU = 5;
    private static final int ENTRY = 6;
    private static final int COUNT = 7;
    private static final int BUDGET = 9;
    private static final int EPOCH = 11;
    /** The slot of the instruction that may throw next, and (bits 16..) its uncounted predecessors. */
    private static final int SITE = 12;

    private static final int NEXT = 13;
    private static final int REGS = 15;
    /** The hart's {@link Fp64}, after the 31 register pairs. */
    private static final int D64 = REGS + 62;

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    private final RegionPlan plan;
    private final CodeBuilder cb;
    private final Label[] labels = new Label[GuestMemory.SLOTS + 2];
    private final Label epilogue;
    private final List<Runnable> stubs = new ArrayList<>();
    /** Instructions of the current straight-line run not yet added to the count local. */
    private int pending;

    private RegionCompiler(RegionPlan plan, CodeBuilder cb) {
        this.plan = plan;
        this.cb = cb;
        this.epilogue = cb.newLabel();
        for (int i : plan.slots) {
            labels[i] = cb.newLabel();
        }
    }

    /** The class file of a translation of {@code plan}. */
    static byte[] classFile(RegionPlan plan) {
        ClassDesc name = ClassDesc.of(CompiledRegion.class.getPackageName() + ".Region"
                + Long.toHexString(plan.base >>> GuestMemory.PAGE_SHIFT) + "_" + plan.start);
        return ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS).build(name, clb -> {
            clb.withVersion(ClassFile.JAVA_5_VERSION, 0); // verified by inference: no stack maps to compute
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withSuperclass(CD_REGION);
            clb.withMethodBody(INIT_NAME, MethodTypeDesc.of(CD_void), 0, cb -> cb.aload(0)
                    .invokespecial(CD_REGION, INIT_NAME, MethodTypeDesc.of(CD_void))
                    .return_());
            clb.withMethodBody("run", RUN, ClassFile.ACC_FINAL, cb -> new RegionCompiler(plan, cb).method());
        });
    }

    /** Defines a translation's class file as a hidden class of this package and instantiates it. */
    static CompiledRegion define(byte[] classFile, int start) {
        try {
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClass(classFile, true);
            CompiledRegion region =
                    (CompiledRegion) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                            .invoke();
            region.start = start;
            return region;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot instantiate a translated region", e);
        }
    }

    /** Bytes of bytecode in the run method of a translation's class file. */
    static int runLength(byte[] classFile) {
        for (MethodModel method : ClassFile.of().parse(classFile).methods()) {
            if (method.methodName().equalsString("run")) {
                return method.findAttribute(Attributes.code()).orElseThrow().codeLength();
            }
        }
        throw new IllegalStateException("no run method");
    }

    private static ClassDesc desc(Class<?> type) {
        return type.describeConstable().orElseThrow();
    }

    // ---------------------------------------------------------------- method structure

    private void method() {
        boolean[] read = new boolean[33];
        boolean[] written = new boolean[33];
        for (int i : plan.slots) {
            registersOf(plan.code[i], read, written);
        }
        for (int r = 1; r < 32; r++) {
            if (read[r] || written[r]) {
                cb.aload(X).loadConstant(r).laload().lstore(reg(r));
            }
        }
        cb.aload(HART).getfield(CD_HART, "doubles", CD_FP64).astore(D64);
        cb.iconst_0().istore(SITE).lconst_0().lstore(NEXT);
        Label tryStart = cb.newLabel();
        Label tryEnd = cb.newLabel();
        Label handler = cb.newLabel();
        Label blockEnd = cb.newLabel();
        Label dispatch = cb.newLabel();
        Label outside = cb.newLabel();
        cb.labelBinding(tryStart);
        cb.labelBinding(dispatch);
        List<SwitchCase> cases = new ArrayList<>();
        for (int i : plan.slots) {
            if (plan.entry[i]) {
                cases.add(SwitchCase.of(i, labels[i]));
            }
        }
        cb.iload(ENTRY).lookupswitch(outside, cases);
        for (int k = 0; k < plan.slots.length; k++) {
            int i = plan.slots[k];
            if (plan.labelled[i]) {
                flushCount();
            }
            cb.labelBinding(labels[i]);
            int nextEmitted = k + 1 < plan.slots.length ? plan.slots[k + 1] : -1;
            instruction(i, plan.code[i], nextEmitted, dispatch);
        }
        for (int s = 0; s < stubs.size(); s++) {
            stubs.get(s).run();
        }
        cb.labelBinding(tryEnd);
        // Entered at a slot with no case (only through a jalr): a block end there.
        cb.labelBinding(outside);
        cb.loadConstant(plan.base)
                .iload(ENTRY)
                .iconst_1()
                .ishl()
                .i2l()
                .ladd()
                .lstore(NEXT)
                .goto_(epilogue);
        // The block ended at a taken branch to NEXT.
        cb.labelBinding(blockEnd);
        cb.pop().goto_(epilogue);
        // A fault or dynamic illegal instruction: the interpreter repeats the instruction and stops.
        cb.labelBinding(handler);
        cb.pop();
        cb.lload(COUNT).iload(SITE).bipush(16).iushr().i2l().ladd().lstore(COUNT);
        cb.loadConstant(plan.base)
                .iload(SITE)
                .loadConstant(0xFFFF)
                .iand()
                .iconst_1()
                .ishl()
                .i2l()
                .ladd()
                .loadConstant(CompiledRegion.FAULTED | 1)
                .lor()
                .lstore(NEXT);
        cb.labelBinding(epilogue);
        for (int r = 1; r < 32; r++) {
            if (written[r]) {
                cb.aload(X).loadConstant(r).lload(reg(r)).lastore();
            }
        }
        cb.aload(HART).lload(COUNT).putfield(CD_HART, "jitCount", CD_long);
        cb.lload(NEXT).lreturn();
        cb.exceptionCatch(tryStart, tryEnd, blockEnd, desc(BlockEnd.class));
        cb.exceptionCatch(tryStart, tryEnd, handler, desc(GuestFault.class));
        cb.exceptionCatch(tryStart, tryEnd, handler, desc(IllegalInstructionTrap.class));
    }

    private static int reg(int r) {
        return REGS + 2 * (r - 1);
    }

    /** Marks the integer registers the decoded word reads and writes (32: the x0 sink). */
    private static void registersOf(long w, boolean[] read, boolean[] written) {
        int op = (int) w & 0xFF;
        if (isFloat(op)) {
            if (readsIntegerSource(op)) {
                read[rs1(w)] = true;
            }
            if (writesIntegerDestination(op)) {
                written[rd(w)] = true;
            }
            if (op == FLW || op == FLD || op == FSW || op == FSD) {
                read[rs1(w)] = true;
            }
            return;
        }
        read[rs1(w)] = true;
        read[rs2(w)] = true;
        written[rd(w)] = true;
    }

    private static boolean isFloat(int op) {
        return op >= FLW;
    }

    static boolean readsIntegerSource(int op) {
        return switch (op) {
            case FMV_W_X, FMV_D_X, FCVT_S_W, FCVT_S_WU, FCVT_S_L, FCVT_S_LU -> true;
            case FCVT_D_W, FCVT_D_WU, FCVT_D_L, FCVT_D_LU -> true;
            default -> false;
        };
    }

    static boolean writesIntegerDestination(int op) {
        return switch (op) {
            case FCVT_W_S, FCVT_WU_S, FCVT_L_S, FCVT_LU_S, FMV_X_W, FEQ_S, FLT_S, FLE_S, FCLASS_S -> true;
            case FCVT_W_D, FCVT_WU_D, FCVT_L_D, FCVT_LU_D, FMV_X_D, FEQ_D, FLT_D, FLE_D, FCLASS_D -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- counting and leaving

    private void flushCount() {
        if (pending > 0) {
            cb.lload(COUNT).loadConstant((long) pending).ladd().lstore(COUNT);
            pending = 0;
        }
    }

    /** Leaves with {@code value} (a pc, bit 0 set for continuing the block in the interpreter). */
    private void leave(long value) {
        cb.loadConstant(value).lstore(NEXT).goto_(epilogue);
    }

    private long pcOf(int slot) {
        return plan.base + ((long) slot << 1);
    }

    /** Control reaches slot {@code to} without a jump (next instruction, or one left to others). */
    private void fallTo(int to, int nextEmitted) {
        if (to == nextEmitted) {
            return; // the label binding adds the count when the slot is also a jump target
        }
        flushCount();
        if (to < GuestMemory.SLOTS && plan.included[to]) {
            cb.goto_(labels[to]);
        } else if (to >= GuestMemory.SLOTS) {
            leave(pcOf(to)); // into the next page: a block end
        } else {
            leave(pcOf(to) | 1);
        }
    }

    /**
     * A taken branch or jump to the constant {@code target}, its run (itself included) already added to
     * the count: the block ends; it continues inside the translation when the target is translated here,
     * the budget allows and the code is unchanged ({@link CompiledRegion#continueBlock}).
     */
    private void jumpTo(long target) {
        int slot = (target ^ plan.base) >>> GuestMemory.PAGE_SHIFT == 0 ? (int) (target - plan.base) >>> 1 : -1;
        if (slot >= 0 && plan.included[slot]) {
            cb.loadConstant(target).lstore(NEXT);
            continueBlock();
            cb.goto_(labels[slot]);
            return;
        }
        leave(target);
    }

    /** Throws {@link BlockEnd} (NEXT holds the target, the count is exact) unless the block goes on. */
    private void continueBlock() {
        cb.lload(COUNT).lload(BUDGET).aload(MEM).iload(EPOCH);
        cb.invokestatic(CD_REGION, "continueBlock", MethodTypeDesc.of(CD_void, CD_long, CD_long, CD_MEM, CD_int));
    }

    /** Marks the next instruction as one that may throw, for the handler. */
    private void site(int slot) {
        cb.loadConstant(slot | pending << 16).istore(SITE);
    }

    // ---------------------------------------------------------------- instructions

    private void lx(int r) {
        if (r == 0) {
            cb.lconst_0();
        } else {
            cb.lload(reg(r));
        }
    }

    private void sx(int rd) {
        if (rd == 0 || rd == 32) {
            cb.pop2();
        } else {
            cb.lstore(reg(rd));
        }
    }

    private void address(long w) {
        lx(rs1(w));
        if (imm(w) != 0) {
            cb.loadConstant((long) imm(w)).ladd();
        }
    }

    private void load(int slot, long w, String method) {
        site(slot);
        cb.aload(MEM);
        address(w);
        cb.invokevirtual(CD_MEM, method, LOAD);
    }

    private void store(int slot, long w, String method, boolean fromFloat) {
        site(slot);
        cb.aload(MEM);
        address(w);
        if (fromFloat) {
            cb.aload(F).loadConstant(rs2(w)).laload();
        } else {
            lx(rs2(w));
        }
        cb.invokevirtual(CD_MEM, method, STORE);
    }

    private void binary(long w, Runnable operation) {
        lx(rs1(w));
        lx(rs2(w));
        operation.run();
        sx(rd(w));
    }

    private void immediate(long w, Runnable operation) {
        lx(rs1(w));
        cb.loadConstant((long) imm(w));
        operation.run();
        sx(rd(w));
    }

    private void shiftImmediate(long w, Runnable operation) {
        lx(rs1(w));
        cb.loadConstant(imm(w));
        operation.run();
        sx(rd(w));
    }

    private void word(long w, boolean immediateOperand, Runnable operation) {
        lx(rs1(w));
        cb.l2i();
        if (immediateOperand) {
            cb.loadConstant(imm(w));
        } else {
            lx(rs2(w));
            cb.l2i();
        }
        operation.run();
        cb.i2l();
        sx(rd(w));
    }

    private void call(ClassDesc owner, String name, long w) {
        binary(w, () -> cb.invokestatic(owner, name, BINARY));
    }

    private void branch(int slot, long w, int nextEmitted, boolean unsigned, Condition condition) {
        lx(rs1(w));
        lx(rs2(w));
        if (unsigned) {
            cb.invokestatic(CD_LONG, "compareUnsigned", COMPARE);
        } else {
            cb.lcmp();
        }
        Label taken = cb.newLabel();
        switch (condition) {
            case EQ -> cb.ifeq(taken);
            case NE -> cb.ifne(taken);
            case LT -> cb.iflt(taken);
            case GE -> cb.ifge(taken);
        }
        long target = pcOf(slot) + imm(w);
        int counted = pending + 1;
        stubs.add(() -> {
            cb.labelBinding(taken);
            cb.lload(COUNT).loadConstant((long) counted).ladd().lstore(COUNT);
            jumpTo(target);
        });
        pending++;
        fallTo(slot + halfwords(w), nextEmitted);
    }

    private enum Condition {
        EQ,
        NE,
        LT,
        GE
    }

    private void instruction(int slot, long w, int nextEmitted, Label dispatch) {
        int op = (int) w & 0xFF;
        int rd = rd(w);
        long pc = pcOf(slot);
        int after = slot + halfwords(w);
        switch (op) {
            case JAL -> {
                if (rd != 32) {
                    cb.loadConstant(pc + (halfwords(w) << 1)).lstore(reg(rd));
                }
                pending++;
                flushCount();
                jumpTo(pc + imm(w));
                return;
            }
            case JALR -> {
                lx(rs1(w));
                cb.loadConstant((long) imm(w)).ladd().loadConstant(~1L).land().lstore(NEXT);
                if (rd != 32) {
                    cb.loadConstant(pc + (halfwords(w) << 1)).lstore(reg(rd));
                }
                pending++;
                flushCount();
                // Within this page and unchanged code, with budget left: continue at the target's case.
                continueBlock();
                cb.lload(NEXT)
                        .loadConstant(plan.base)
                        .lsub()
                        .bipush(GuestMemory.PAGE_SHIFT)
                        .lushr();
                cb.lconst_0().lcmp().ifne(epilogue);
                cb.lload(NEXT)
                        .l2i()
                        .loadConstant(GuestMemory.OFFSET_MASK)
                        .iand()
                        .iconst_1()
                        .iushr()
                        .istore(ENTRY);
                cb.goto_(dispatch);
                return;
            }
            case FENCE_I -> {
                cb.aload(MEM).invokevirtual(CD_MEM, "flushCode", MethodTypeDesc.of(CD_void));
                pending++;
                flushCount();
                leave(pc + 4);
                return;
            }
            case BEQ -> {
                branch(slot, w, nextEmitted, false, Condition.EQ);
                return;
            }
            case BNE -> {
                branch(slot, w, nextEmitted, false, Condition.NE);
                return;
            }
            case BLT -> {
                branch(slot, w, nextEmitted, false, Condition.LT);
                return;
            }
            case BGE -> {
                branch(slot, w, nextEmitted, false, Condition.GE);
                return;
            }
            case BLTU -> {
                branch(slot, w, nextEmitted, true, Condition.LT);
                return;
            }
            case BGEU -> {
                branch(slot, w, nextEmitted, true, Condition.GE);
                return;
            }
            default -> straightLine(slot, w, op, pc);
        }
        pending++;
        fallTo(after, nextEmitted);
    }

    private void straightLine(int slot, long w, int op, long pc) {
        int rd = rd(w);
        switch (op) {
            case NOP -> {}
            case LUI -> {
                cb.loadConstant((long) imm(w));
                sx(rd);
            }
            case AUIPC -> {
                cb.loadConstant(pc + imm(w));
                sx(rd);
            }
            case LB -> {
                load(slot, w, "load8");
                cb.l2i().i2b().i2l();
                sx(rd);
            }
            case LH -> {
                load(slot, w, "load16");
                cb.l2i().i2s().i2l();
                sx(rd);
            }
            case LW -> {
                load(slot, w, "load32");
                cb.l2i().i2l();
                sx(rd);
            }
            case LD -> {
                load(slot, w, "load64");
                sx(rd);
            }
            case LBU -> {
                load(slot, w, "load8");
                sx(rd);
            }
            case LHU -> {
                load(slot, w, "load16");
                sx(rd);
            }
            case LWU -> {
                load(slot, w, "load32");
                sx(rd);
            }
            case SB -> store(slot, w, "store8", false);
            case SH -> store(slot, w, "store16", false);
            case SW -> store(slot, w, "store32", false);
            case SD -> store(slot, w, "store64", false);
            case ADDI -> immediate(w, cb::ladd);
            case SLTI -> immediate(w, () -> cb.lcmp().bipush(31).iushr().i2l());
            case SLTIU ->
                immediate(w, () -> cb.invokestatic(CD_LONG, "compareUnsigned", COMPARE)
                        .bipush(31)
                        .iushr()
                        .i2l());
            case XORI -> immediate(w, cb::lxor);
            case ORI -> immediate(w, cb::lor);
            case ANDI -> immediate(w, cb::land);
            case SLLI -> shiftImmediate(w, cb::lshl);
            case SRLI -> shiftImmediate(w, cb::lushr);
            case SRAI -> shiftImmediate(w, cb::lshr);
            case ADD -> binary(w, cb::ladd);
            case SUB -> binary(w, cb::lsub);
            case SLL -> binary(w, () -> cb.l2i().lshl());
            case SLT -> binary(w, () -> cb.lcmp().bipush(31).iushr().i2l());
            case SLTU ->
                binary(w, () -> cb.invokestatic(CD_LONG, "compareUnsigned", COMPARE)
                        .bipush(31)
                        .iushr()
                        .i2l());
            case XOR -> binary(w, cb::lxor);
            case SRL -> binary(w, () -> cb.l2i().lushr());
            case SRA -> binary(w, () -> cb.l2i().lshr());
            case OR -> binary(w, cb::lor);
            case AND -> binary(w, cb::land);
            case ADDIW -> word(w, true, cb::iadd);
            case SLLIW -> word(w, true, cb::ishl);
            case SRLIW -> word(w, true, cb::iushr);
            case SRAIW -> word(w, true, cb::ishr);
            case ADDW -> word(w, false, cb::iadd);
            case SUBW -> word(w, false, cb::isub);
            case SLLW -> word(w, false, cb::ishl);
            case SRLW -> word(w, false, cb::iushr);
            case SRAW -> word(w, false, cb::ishr);
            case MUL -> binary(w, cb::lmul);
            case MULH -> call(CD_MATH, "multiplyHigh", w);
            case MULHSU -> call(CD_ALU, "mulhsu", w);
            case MULHU -> call(CD_MATH, "unsignedMultiplyHigh", w);
            case DIV -> call(CD_ALU, "div", w);
            case DIVU -> call(CD_ALU, "divu", w);
            case REM -> call(CD_ALU, "rem", w);
            case REMU -> call(CD_ALU, "remu", w);
            case MULW -> word(w, false, cb::imul);
            case DIVW -> call(CD_ALU, "divw", w);
            case DIVUW -> call(CD_ALU, "divuw", w);
            case REMW -> call(CD_ALU, "remw", w);
            case REMUW -> call(CD_ALU, "remuw", w);
            case FLW -> {
                cb.aload(F).loadConstant(rd);
                load(slot, w, "load32");
                cb.l2i().invokestatic(CD_FPU, "box", MethodTypeDesc.of(CD_long, CD_int));
                cb.lastore();
            }
            case FLD -> {
                cb.aload(F).loadConstant(rd);
                load(slot, w, "load64");
                cb.lastore();
            }
            case FSW -> store(slot, w, "store32", true);
            case FSD -> store(slot, w, "store64", true);
            case CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI -> {
                flushCount();
                int source = rs1(w);
                if (op < CSRRWI && source != 0) {
                    cb.aload(X).loadConstant(source).lload(reg(source)).lastore();
                }
                cb.aload(HART)
                        .loadConstant(op)
                        .loadConstant(w)
                        .lload(COUNT)
                        .invokevirtual(CD_HART, "csrAt", MethodTypeDesc.of(CD_long, CD_int, CD_long, CD_long));
                sx(rd);
            }
            case FADD_D, FSUB_D, FMUL_D, FDIV_D -> {
                beginDouble(slot, w);
                fReg(rs1(w));
                fReg(rs2(w));
                if (op == FSUB_D) {
                    negate();
                }
                roundingMode(w);
                String name = op == FMUL_D ? "mul" : op == FDIV_D ? "div" : "add";
                cb.invokevirtual(CD_FP64, name, MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_int));
                cb.lastore();
            }
            case FSQRT_D -> {
                beginDouble(slot, w);
                fReg(rs1(w));
                roundingMode(w);
                cb.invokevirtual(CD_FP64, "sqrt", MethodTypeDesc.of(CD_long, CD_long, CD_int));
                cb.lastore();
            }
            case FMADD_D, FMSUB_D, FNMSUB_D, FNMADD_D -> {
                beginDouble(slot, w);
                fReg(rs1(w));
                if (op == FNMSUB_D || op == FNMADD_D) {
                    negate();
                }
                fReg(rs2(w));
                fReg(rs3(w));
                if (op == FMSUB_D || op == FNMADD_D) {
                    negate();
                }
                roundingMode(w);
                cb.invokevirtual(CD_FP64, "fma", MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_long, CD_int));
                cb.lastore();
            }
            case FSGNJ_D, FSGNJN_D, FSGNJX_D -> {
                cb.aload(F).loadConstant(rd(w));
                if (op == FSGNJX_D) {
                    fReg(rs1(w));
                    fReg(rs2(w));
                    cb.loadConstant(Long.MIN_VALUE).land().lxor();
                } else {
                    fReg(rs1(w));
                    cb.loadConstant(Long.MAX_VALUE).land();
                    fReg(rs2(w));
                    if (op == FSGNJN_D) {
                        cb.loadConstant(-1L).lxor();
                    }
                    cb.loadConstant(Long.MIN_VALUE).land().lor();
                }
                cb.lastore();
            }
            case FMV_X_D -> {
                fReg(rs1(w));
                sx(rd);
            }
            case FMV_D_X -> {
                cb.aload(F).loadConstant(rd(w));
                lx(rs1(w));
                cb.lastore();
            }
            default -> floatingPoint(slot, w, op);
        }
    }

    /** f[rs] on the stack. */
    private void fReg(int r) {
        cb.aload(F).loadConstant(r).laload();
    }

    private void negate() {
        cb.loadConstant(Long.MIN_VALUE).lxor();
    }

    /** Starts a double operation of the hart's Fp64 storing to f[rd]; marks it as one that may throw. */
    private void beginDouble(int slot, long w) {
        if (imm(w) == 7) {
            site(slot); // a dynamic rounding mode may be invalid
        }
        cb.aload(F).loadConstant(rd(w)).aload(D64);
    }

    /** The instruction's rounding mode on the stack: static, or frm checked like the interpreter does. */
    private void roundingMode(long w) {
        if (imm(w) == 7) {
            cb.aload(FPU).invokestatic(CD_REGION, "dynamicRoundingMode", MethodTypeDesc.of(CD_int, CD_FPU));
        } else {
            cb.loadConstant(imm(w));
        }
    }

    private void floatingPoint(int slot, long w, int op) {
        if (readsIntegerSource(op) && rs1(w) != 0) {
            cb.aload(X).loadConstant(rs1(w)).lload(reg(rs1(w))).lastore();
        }
        site(slot);
        cb.aload(FPU).loadConstant(op).loadConstant(w);
        cb.invokevirtual(CD_FPU, "execute", MethodTypeDesc.of(CD_void, CD_int, CD_long));
        if (writesIntegerDestination(op) && rd(w) != 32 && rd(w) != 0) {
            cb.aload(X).loadConstant(rd(w)).laload().lstore(reg(rd(w)));
        }
    }
}
