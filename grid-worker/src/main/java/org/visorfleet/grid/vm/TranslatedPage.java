package org.visorfleet.grid.vm;

/**
 * The translations of one page's decoded code: which {@link CompiledRegion} the hart enters at each
 * slot, and how hot the untranslated slots are. Tied to one decoded-code array: when the page's code
 * is dropped (a write, {@code fence.i}, unmapping), the hart gets a new array and with it a new, empty
 * {@code TranslatedPage}, so translations can never outlive the code they were made from.
 */
final class TranslatedPage {
    /** HotSpot does not compile methods above 8000 bytes of bytecode (HugeMethodLimit). */
    private static final int MAX_BYTECODE = 7800;
    /** Generous bound on the bytecode of one translated instruction, exits included. */
    private static final int WORST_BYTES_PER_INSTRUCTION = 64;

    final long[] code;
    final long base;
    private final Translator policy;
    /** Shared by pages with no translation yet, so that a page that never gets hot costs only its heat. */
    private static final CompiledRegion[] NONE = new CompiledRegion[GuestMemory.SLOTS];

    private CompiledRegion[] entries = NONE;
    private final int[] heat = new int[GuestMemory.SLOTS];
    private int built;

    TranslatedPage(long[] code, long base, Translator policy) {
        this.code = code;
        this.base = base;
        this.policy = policy;
    }

    /** The translation to enter at block start {@code slot}, or null to interpret (counting the visit). */
    CompiledRegion regionAt(int slot) {
        CompiledRegion region = entries[slot];
        if (region != null) {
            return region;
        }
        if (++heat[slot] > policy.threshold() && RegionPlan.translatable(code[slot])) {
            return build(slot, null);
        }
        return null;
    }

    /** {@code region} left for a slot that was undecoded when it was built; rebuild it when that recurs. */
    void missed(CompiledRegion region) {
        if (++region.misses > policy.missLimit()) {
            region.misses = Integer.MIN_VALUE; // rebuild once from this region
            build(region.start, region);
        }
    }

    /** Translates from {@code slot}; {@code replaced}: the region this one supersedes, or null. */
    private CompiledRegion build(int slot, CompiledRegion replaced) {
        if (built >= policy.maxRegionsPerPage()) {
            heat[slot] = Integer.MIN_VALUE;
            return null;
        }
        built++;
        try {
            for (int max = policy.maxInstructions(); max >= 8; max /= 2) {
                RegionPlan plan =
                        RegionPlan.of(code, base, slot, max, i -> entries[i] != null && entries[i] != replaced);
                byte[] classFile = RegionCompiler.classFile(plan);
                if (plan.size() * WORST_BYTES_PER_INSTRUCTION > MAX_BYTECODE
                        && RegionCompiler.runLength(classFile) > MAX_BYTECODE) {
                    continue;
                }
                CompiledRegion region = RegionCompiler.define(classFile, slot);
                if (entries == NONE) {
                    entries = new CompiledRegion[GuestMemory.SLOTS];
                }
                for (int i : plan.slots) {
                    if (plan.entry[i]) {
                        entries[i] = region;
                    }
                }
                policy.translated(plan.size());
                return region;
            }
        } catch (RuntimeException | LinkageError e) {
            policy.failed(e);
        }
        heat[slot] = Integer.MIN_VALUE; // interpret this entry from now on
        return null;
    }
}
