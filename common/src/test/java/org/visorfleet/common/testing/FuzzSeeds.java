package org.visorfleet.common.testing;

import java.util.stream.LongStream;

/**
 * Seeds for randomized tests: the kept seeds (always replayed, so a seed that once found a bug
 * stays a regression test: add it here), plus one fresh seed per run, printed by the test, or the
 * single seed given with {@code -Dfuzz.seed=N}.
 */
public final class FuzzSeeds {
    private static final long[] KEPT = {1L, 42L, 0x5EED_CAFEL, 9_007_199_254_740_993L};

    private FuzzSeeds() {}

    public static LongStream seeds() {
        Long fixed = Long.getLong("fuzz.seed");
        if (fixed != null) {
            return LongStream.of(fixed);
        }
        return LongStream.concat(LongStream.of(KEPT), LongStream.of(System.nanoTime()));
    }
}
