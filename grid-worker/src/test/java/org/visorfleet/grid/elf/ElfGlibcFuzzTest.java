package org.visorfleet.grid.elf;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.visorfleet.grid.testing.RiscvPrograms;

/** The fuzzing of {@link ElfFuzzTest}, on a real static glibc executable built by the cross compiler. */
@Tag("interop")
class ElfGlibcFuzzTest {
    static final long[] SEEDS = {3L, 99L, 0x6c1bcL};

    @Test
    void mutatedGlibcBinaryIsRejectedOrValid() throws IOException {
        byte[] ok = Files.readAllBytes(RiscvPrograms.buildAll().get("args"));
        for (int len = 0; len < 4096; len++) {
            ElfFuzzTest.check(Arrays.copyOf(ok, len), "glibc args truncated to " + len);
        }
        for (long seed : SEEDS) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < 300; i++) {
                ElfFuzzTest.check(ElfFuzzTest.mutate(ok, random), "glibc args seed " + seed + " iteration " + i);
            }
        }
    }
}
