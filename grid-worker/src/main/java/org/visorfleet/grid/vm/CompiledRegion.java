package org.visorfleet.grid.vm;

/**
 * Guest code of one page translated to JVM bytecode by {@link RegionCompiler}: the superclass of
 * every generated hidden class.
 *
 * <p>{@link #run} executes guest instructions from the decoded slot {@code entry} exactly as the
 * interpreter in {@link Hart#run} would, until it must leave: it returns the guest pc to continue at,
 * with bit 0 set when the interpreter must continue the current block there (an instruction the
 * translation leaves to the interpreter, or one that faulted and will fault again there), clear when
 * a block ended (taken branch or jump, {@code fence.i}, page end) and the hart must check the budget
 * and look the next block up. Either way it stores the updated retired-instruction count in
 * {@link Hart#jitCount} and writes every guest register it changed back to {@code x}.
 */
abstract class CompiledRegion {
    /** Set in a returned pc (besides bit 0) when the instruction there faulted and must be interpreted. */
    static final long FAULTED = 1L << 62;

    /** The slot the region was built from, kept to rebuild it once more of the page is decoded. */
    int start;

    /** How often the region left for a slot that was not decoded when it was built. */
    int misses;

    /**
     * Called by generated code at a taken branch whose target it holds: throws {@link BlockEnd} when the
     * block must end for real (the budget is reached, or decoded code was dropped since the block
     * started), as the interpreter would.
     */
    static void continueBlock(long count, long budget, GuestMemory mem, int epoch) {
        if (count >= budget || mem.codeEpoch() != epoch) {
            throw BlockEnd.INSTANCE;
        }
    }

    /** frm as the rounding mode of an instruction with dynamic rounding; values 5..7 make it illegal. */
    static int dynamicRoundingMode(Fpu fpu) {
        int rm = fpu.status.frm;
        if (rm > 4) {
            throw IllegalInstructionTrap.INSTANCE;
        }
        return rm;
    }

    abstract long run(
            Hart hart, long[] x, long[] f, GuestMemory mem, Fpu fpu, int entry, long count, long budget, int epoch);
}
