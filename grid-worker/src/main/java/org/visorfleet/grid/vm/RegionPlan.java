package org.visorfleet.grid.vm;

import static org.visorfleet.grid.vm.Op.*;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Which decoded instructions of one page a translation covers, and where the hart may enter it.
 *
 * <p>Starting from a hot slot, the plan follows fall-through, direct branch and jump targets inside the
 * page, and the return points after calls, but only through slots the interpreter has already decoded:
 * a translation executes exactly the decoded words the interpreter would, so a slot still undecoded (or
 * one left to the interpreter: {@code ecall}, {@code ebreak}, illegal instructions, atomics) becomes an
 * exit back to the interpreter. It also stops where another region of the page can be entered, so that
 * the same guest code is not compiled twice. Plans are small (see {@link Translator#maxInstructions}):
 * C2's compile time grows steeply with method size, and until C2 is done a region runs slowly.
 */
final class RegionPlan {
    final long[] code;
    final long base;
    final int start;
    /** Covered slots in ascending order, which is the order they are emitted in. */
    final int[] slots;

    final boolean[] included = new boolean[GuestMemory.SLOTS + 2];
    /** Slots the hart may enter the translation at: the start, jump targets and return points. */
    final boolean[] entry = new boolean[GuestMemory.SLOTS + 2];
    /** Slots reached by a jump in the generated code: entries and out-of-order fall-throughs. */
    final boolean[] labelled = new boolean[GuestMemory.SLOTS + 2];

    private RegionPlan(long[] code, long base, int start, int[] slots) {
        this.code = code;
        this.base = base;
        this.start = start;
        this.slots = slots;
    }

    /** Plans a translation entered at {@code start} (a decoded slot) of at most {@code max} instructions. */
    static RegionPlan of(long[] code, long base, int start, int max) {
        return of(code, base, start, max, slot -> false);
    }

    /**
     * Like {@link #of(long[], long, int, int)}, but stops at slots where {@code translatedElsewhere} says
     * another region can be entered: control leaves for it there instead of translating the code twice.
     */
    static RegionPlan of(
            long[] code, long base, int start, int max, java.util.function.IntPredicate translatedElsewhere) {
        boolean[] seen = new boolean[GuestMemory.SLOTS + 2];
        int[] found = new int[max];
        int n = 0;
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.add(start);
        while (!work.isEmpty() && n < max) {
            int i = work.poll();
            if (i < 0
                    || i >= GuestMemory.SLOTS
                    || seen[i]
                    || !translatable(code[i])
                    || (i != start && translatedElsewhere.test(i))) {
                continue;
            }
            seen[i] = true;
            found[n++] = i;
            long w = code[i];
            int op = (int) w & 0xFF;
            int after = i + halfwords(w);
            if (op != FENCE_I) {
                work.add(after); // fall-through, or the return point of a call
            }
            int target = branchTarget(i, w);
            if (target >= 0) {
                work.add(target);
            }
        }
        int[] slots = Arrays.copyOf(found, n);
        Arrays.sort(slots);
        RegionPlan plan = new RegionPlan(code, base, start, slots);
        for (int i : slots) {
            plan.included[i] = true;
        }
        plan.entry[start] = true;
        for (int k = 0; k < slots.length; k++) {
            int i = slots[k];
            long w = code[i];
            int op = (int) w & 0xFF;
            int after = i + halfwords(w);
            int target = branchTarget(i, w);
            if (target >= 0 && plan.included[target]) {
                plan.entry[target] = true;
            }
            if ((op == JAL || op == JALR) && plan.included[after]) {
                plan.entry[after] = true;
            }
            boolean fallsThrough = op != JAL && op != JALR && op != FENCE_I;
            int nextEmitted = k + 1 < slots.length ? slots[k + 1] : -1;
            if (fallsThrough && plan.included[after] && after != nextEmitted) {
                plan.labelled[after] = true;
            }
        }
        for (int i : slots) {
            plan.labelled[i] |= plan.entry[i];
        }
        return plan;
    }

    /** The slot a branch or {@code jal} at slot {@code i} jumps to when it lies in this page, else -1. */
    static int branchTarget(int i, long w) {
        int op = (int) w & 0xFF;
        if (op != JAL && (op < BEQ || op > BGEU)) {
            return -1;
        }
        long offset = ((long) i << 1) + imm(w);
        return offset >= 0 && offset < GuestMemory.PAGE_SIZE ? (int) (offset >>> 1) : -1;
    }

    /** Whether the translation covers this decoded word; the rest is left to the interpreter. */
    static boolean translatable(long w) {
        int op = (int) w & 0xFF;
        return switch (op) {
            case UNDECODED, PAGE_END, ILLEGAL, ECALL, EBREAK -> false;
            default -> op < LR_W || op > AMOMAXU_D;
        };
    }

    int size() {
        return slots.length;
    }
}
