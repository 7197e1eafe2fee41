package org.visorfleet.grid.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.visorfleet.grid.sandbox.Limits;
import org.visorfleet.grid.sandbox.RunResult;
import org.visorfleet.grid.sandbox.Sandbox;
import org.visorfleet.grid.testing.RiscvPrograms;

/**
 * The conformance programs (which {@code SandboxConformanceTest} compares with qemu-riscv64) give the
 * same bytes, exit status and instruction count with translation forced (every block start translated
 * on its second entry) as interpreted only.
 */
@Tag("interop")
class SandboxJitConformanceTest {
    static List<RiscvPrograms.Invocation> conformance() {
        return RiscvPrograms.CONFORMANCE;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conformance")
    void translatedRunsAreIdenticalToInterpretedOnes(RiscvPrograms.Invocation inv) throws Exception {
        Path binary = RiscvPrograms.buildAll().get(inv.program());
        long before = Translator.totalRegions();
        RunResult translated = run(binary, inv, "0");
        assertTrue(Translator.totalRegions() > before, "nothing was translated");
        RunResult interpreted = run(binary, inv, "off");
        assertEquals(interpreted.outcome(), translated.outcome());
        assertEquals(interpreted.instructions(), translated.instructions(), "instructions retired");
        assertEquals(interpreted.syscalls(), translated.syscalls(), "system calls");
        assertArrayEquals(interpreted.stdout(), translated.stdout());
        assertArrayEquals(interpreted.stderr(), translated.stderr());
        assertEquals(interpreted.outputs().keySet(), translated.outputs().keySet());
        for (var out : interpreted.outputs().entrySet()) {
            assertArrayEquals(out.getValue(), translated.outputs().get(out.getKey()), out.getKey());
        }
    }

    private static RunResult run(Path binary, RiscvPrograms.Invocation inv, String threshold) throws Exception {
        String saved = System.getProperty(Translator.THRESHOLD_PROPERTY);
        System.setProperty(Translator.THRESHOLD_PROPERTY, threshold);
        try {
            return Sandbox.run(inv.workUnit(binary), Limits.DEFAULT);
        } finally {
            if (saved == null) {
                System.clearProperty(Translator.THRESHOLD_PROPERTY);
            } else {
                System.setProperty(Translator.THRESHOLD_PROPERTY, saved);
            }
        }
    }
}
